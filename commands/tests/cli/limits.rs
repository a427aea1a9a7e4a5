//! The largest numbers payctl keeps (README, "Choices where the SPEC leaves room"): a movement
//! that would take a balance past 999,999,999,999,999,999 minor units is refused
//! `invalid_input`, naming the amount, and the books stay whole.

use crate::common::{Store, error_code};

#[test]
fn a_recharge_that_would_overflow_a_balance_is_refused_naming_the_amount() {
    let store = Store::new();
    let mut ops = String::from(
        "{\"op\":\"member.register\",\"name\":\"Kim\",\"email\":\"k@example.com\",\"at\":\"2026-03-02T09:00:00Z\"}\n\
         {\"op\":\"bank.link\",\"member\":\"mem_1\",\"bank\":\"KB\",\"account\":\"1-1\",\"at\":\"2026-03-02T09:00:00Z\"}\n",
    );
    // 1,000 of the largest amount fill the wallet to 999,999,999,999,999,000; one more would
    // go past the limit (and, 8,220 later, past what a 64-bit column holds).
    for _ in 0..1_001 {
        ops.push_str(
            "{\"op\":\"money.recharge\",\"member\":\"mem_1\",\"amount\":\"999999999999999\",\"at\":\"2026-03-02T10:00:00Z\"}\n",
        );
    }
    let file = store.dir().join("big.jsonl");
    std::fs::write(&file, ops).expect("write");
    let report = store.dir().join("report.jsonl");
    let out = store.run(&[
        "import",
        file.to_str().expect("path"),
        "--report",
        report.to_str().expect("path"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&report).expect("report");
    let last: serde_json::Value =
        serde_json::from_str(text.lines().last().expect("a line")).expect("json");
    assert_eq!(last["status"], "rejected", "{last}");
    assert_eq!(last["code"], "invalid_input", "{last}");
    let message = last["message"].as_str().expect("message");
    assert!(
        message.contains("999,999,999,999,999 KRW"),
        "names the amount: {message}"
    );
    assert!(
        message.contains("999,999,999,999,999,999 KRW"),
        "names the limit: {message}"
    );
    let rejected = text.lines().filter(|l| l.contains("\"rejected\"")).count();
    assert_eq!(rejected, 1, "only the last recharge is refused");

    let v = store.ok(&["money", "balance", "mem_1"]);
    assert_eq!(v["balance"], "999999999999999000", "{v}");
    // The same refusal for a single command, and the store still reads and verifies.
    let (code, v) = store.json(&["money", "recharge", "mem_1", "999999999999999"]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    store.ok(&["verify"]);
    store.ok(&["ledger", "balances"]);
}
