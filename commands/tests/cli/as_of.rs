//! Point in time: `money balance --as-of` and `ledger balances --as-of`, folded from the log.

use crate::common::Store;

#[test]
fn balances_as_of_a_time_show_the_state_at_that_time() {
    let store = Store::sample();
    // After the 10:00 recharge and before the 10:30 payment.
    let v = store.ok(&[
        "money",
        "balance",
        "mem_1",
        "--as-of",
        "2026-03-02T10:15:00Z",
    ]);
    assert_eq!(v["balance"], "50000", "{v}");
    // At 12:05 Junho's 6,000 hold is active: available drops, balance does not.
    let v = store.ok(&[
        "money",
        "balance",
        "junho@example.com",
        "--as-of",
        "2026-03-02T12:05:00Z",
    ]);
    assert_eq!(
        (v["balance"].as_str(), v["available"].as_str()),
        (Some("7000"), Some("1000"))
    );
    // Before anything happened, and long after: as now.
    let v = store.ok(&["money", "balance", "mem_1", "--as-of", "2026-01-01"]);
    assert_eq!(v["balance"], "0");
    let v = store.ok(&["money", "balance", "mem_1", "--as-of", "2030-01-01"]);
    assert_eq!(v["balance"], "47000");
}

#[test]
fn ledger_balances_as_of_a_seq_or_time_sum_to_zero_and_end_at_the_current_state() {
    let store = Store::sample();
    let now = store.ok(&["ledger", "balances"]);
    let last = store.ok(&["ledger", "balances", "--as-of", "999999"]);
    assert_eq!(now, last, "as of a seq past the end = the projection");
    // Just before settlement: nothing in fees yet, the merchant owes nothing back.
    let before = store.ok(&["ledger", "balances", "--as-of", "2026-03-02T23:59:59Z"]);
    let accounts = before["accounts"].as_array().expect("accounts");
    let find = |name: &str| {
        accounts
            .iter()
            .find(|a| a["account"] == name)
            .map(|a| a["balance"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(find("income:fees"), None);
    assert_eq!(
        find("liabilities:merchants:mer_1").as_deref(),
        Some("-8500")
    );
    let total: i64 = accounts
        .iter()
        .map(|a| {
            a["balance"]
                .as_str()
                .unwrap_or("0")
                .parse::<i64>()
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(total, 0);
    let (code, v) = store.json(&["ledger", "balances", "--as-of", "yesterday"]);
    assert_eq!(code, 2, "{v}");
    assert_eq!(v["error"]["code"], "invalid_input");
}

/// `--as-of TIME` is the state after every event effective at or before TIME, however the store
/// was created: an explicit `init` recorded at the wall clock, before a history with earlier
/// times, still holds from the first event on (its settings apply to all of it).
#[test]
fn as_of_a_time_before_the_stores_creation_still_shows_the_history() {
    const REGISTER: &str = r#"{"op":"member.register","name":"Kim","email":"k@example.com","at":"2026-03-02T09:00:00Z"}"#;
    // How each store is made: (currency, the commands before the import, whether the import
    // registers the member itself).
    let setups: [(&str, &[&[&str]], bool); 6] = [
        ("KRW", &[&["init"]], true),
        ("KRW", &[&["init", "--at", "2026-03-02T08:00:00Z"]], true),
        ("KRW", &[], true), // the import creates the store, at the wall clock
        (
            "KRW",
            &[&[
                "member",
                "register",
                "--name",
                "Kim",
                "--email",
                "k@example.com",
                "--at",
                "2026-03-02T09:00:00Z",
            ]],
            false,
        ),
        ("USD", &[&["init", "--currency", "USD"]], true),
        (
            "USD",
            &[&["init", "--currency", "USD", "--at", "2026-03-02T08:00:00Z"]],
            true,
        ),
    ];
    for (currency, before, register) in setups {
        let (amount, zero) = match currency {
            "USD" => ("500.25", "0.00"),
            _ => ("50000", "0"),
        };
        let store = Store::new();
        for args in before {
            store.ok(args);
        }
        let mut lines = String::new();
        if register {
            lines.push_str(REGISTER);
            lines.push('\n');
        }
        lines.push_str(&format!(
            "{{\"op\":\"bank.link\",\"member\":\"mem_1\",\"bank\":\"KB\",\"account\":\"1-1\",\"at\":\"2026-03-02T09:01:00Z\"}}\n\
             {{\"op\":\"money.recharge\",\"member\":\"mem_1\",\"amount\":\"{amount}\",\"at\":\"2026-03-02T10:00:00Z\"}}\n"
        ));
        let file = store.dir().join("history.jsonl");
        std::fs::write(&file, lines).expect("write");
        store.ok(&["import", file.to_str().expect("path")]);
        let what = format!("{currency} after {before:?}");
        let v = store.ok(&["ledger", "balances", "--as-of", "2026-03-02T11:00:00Z"]);
        let wallet = v["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["account"] == "liabilities:wallets:mem_1")
            .unwrap_or_else(|| panic!("{what}: no wallet account in {v}"));
        assert_eq!(wallet["balance"], format!("-{amount}"), "{what}: {v}");
        let v = store.ok(&[
            "money",
            "balance",
            "mem_1",
            "--as-of",
            "2026-03-02T11:00:00Z",
        ]);
        assert_eq!(v["balance"], amount, "{what}: {v}");
        assert_eq!(v["currency"], currency, "{what}: {v}");
        let v = store.ok(&[
            "money",
            "balance",
            "mem_1",
            "--as-of",
            "2026-03-02T09:30:00Z",
        ]);
        assert_eq!(v["balance"], zero, "{what}: before the recharge: {v}");
    }
}
