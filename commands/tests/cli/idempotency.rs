//! Idempotency keys (shared/SPEC.md §3 "Idempotency identity", §6): the first outcome under a key
//! is final; the same request replays it and changes nothing; another request conflicts.

use serde_json::Value;

use crate::common::{Store, error_code, error_message, sample_lines, t};

/// The output object without its `replayed` flag.
fn without_replayed(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("replayed");
    }
    v
}

#[test]
fn same_key_and_same_request_replays_the_identical_output_without_a_new_event() {
    let store = Store::funded();
    let args = [
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "rch-a",
        "--at",
        &t(3),
    ];
    let first = store.ok(&args);
    let after_first = store.fingerprint();

    let second = store.ok(&args);

    assert_eq!(first["replayed"], false, "{first}");
    assert_eq!(second["replayed"], true, "{second}");
    assert_eq!(without_replayed(&first), without_replayed(&second));
    assert_eq!(
        store.fingerprint(),
        after_first,
        "a replay records no event"
    );
    assert_eq!(store.balance("mem_1").0, "15000", "credited once");
}

#[test]
fn replaying_every_sample_line_answers_the_first_outcome_and_changes_nothing() {
    let store = Store::new();
    let mut firsts = Vec::new();
    for (line, op) in sample_lines() {
        let (code, v) = store.line_json(&op);
        assert_eq!(code, 0, "line {line}: {v}");
        firsts.push((line, op, v));
    }
    let before = store.fingerprint();

    // Same keys, same requests, in order (their `at`s are now in the past: time is not part of
    // a request's identity, and a replay is answered before anything else).
    for (line, op, first) in &firsts {
        let (code, again) = store.line_json(op);
        assert_eq!(code, 0, "line {line} replay: {again}");
        assert_eq!(again["replayed"], true, "line {line}: {again}");
        assert_eq!(
            without_replayed(first),
            without_replayed(&again),
            "line {line} replay differs"
        );
    }
    assert_eq!(store.fingerprint(), before);
}

#[test]
fn replay_with_a_later_time_is_still_a_replay() {
    let store = Store::funded();
    let first = store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "k",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let again = store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "k",
        "--at",
        &t(30),
    ]);

    assert_eq!(again["replayed"], true, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(store.fingerprint(), before);
}

#[test]
fn same_key_with_a_different_request_is_a_conflict() {
    let store = Store::funded();
    store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "k",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let different = [
        // another amount
        vec!["money", "recharge", "mem_1", "5001"],
        // another command
        vec!["money", "withdraw", "mem_1", "5000"],
        // another kind of operation
        vec![
            "remit",
            "mem_1",
            "5000",
            "--to-bank",
            "NH",
            "--to-account",
            "1-2",
        ],
    ];
    for args in different {
        let mut args: Vec<String> = args.into_iter().map(String::from).collect();
        args.extend(["--idempotency-key".into(), "k".into(), "--at".into(), t(4)]);
        let (code, v) = store.json(&args);
        assert_eq!(code, 5, "{args:?}: {v}");
        assert_eq!(error_code(&v), "idempotency_conflict", "{args:?}");
    }
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "15000");
}

#[test]
fn declined_request_replays_its_refusal_and_records_nothing_more() {
    let store = Store::funded();
    store.ok(&[
        "bank",
        "sim",
        "set",
        "KB",
        "111-11-111111",
        "--closed",
        "--at",
        &t(3),
    ]);
    let args = [
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "declined",
        "--at",
        &t(4),
    ];

    let (code, first) = store.json(&args);
    assert_eq!(code, 3, "{first}");
    assert_eq!(error_code(&first), "bank_declined");
    let after_first = store.fingerprint();

    let (code, again) = store.json(&args);
    assert_eq!(code, 3, "{again}");
    assert_eq!(error_code(&again), "bank_declined");
    assert_eq!(error_message(&again), error_message(&first));
    assert_eq!(first["replayed"], false, "{first}");
    assert_eq!(again["replayed"], true, "{again}");
    assert_eq!(
        store.fingerprint(),
        after_first,
        "the replay records nothing"
    );

    // The first outcome is final: even with the account reopened the key answers the refusal.
    store.ok(&[
        "bank",
        "sim",
        "set",
        "KB",
        "111-11-111111",
        "--open",
        "--at",
        &t(5),
    ]);
    let after_open = store.fingerprint();
    let (code, later) = store.json(&args);
    assert_eq!(code, 3, "{later}");
    assert_eq!(error_code(&later), "bank_declined");
    assert_eq!(store.fingerprint(), after_open);
    assert_eq!(
        store.balance("mem_1").0,
        "10000",
        "nothing was ever credited"
    );
}

#[test]
fn failed_recharge_stays_visible_with_its_id() {
    let store = Store::funded();
    store.ok(&[
        "bank",
        "sim",
        "set",
        "KB",
        "111-11-111111",
        "--closed",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let (code, v) = store.json(&["money", "recharge", "mem_1", "5000", "--at", &t(4)]);

    assert_eq!(code, 3, "{v}");
    assert_eq!(error_code(&v), "bank_declined");
    assert!(
        store.fingerprint().0 > before.0,
        "the failed recharge and its firm-banking request are recorded"
    );
    assert!(error_message(&v).contains("rch_2"), "{v}");
    let history = store.ok(&["money", "history", "mem_1"]);
    let entry = history["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["reference"] == "rch_2")
        .unwrap_or_else(|| panic!("rch_2 not in the history: {history}"));
    assert_eq!(entry["status"], "failed", "{entry}");
    assert_eq!(store.balance("mem_1").0, "10000", "nothing credited");
}

#[test]
fn business_refusal_under_a_key_is_final() {
    let store = Store::funded();
    let args = [
        "money",
        "withdraw",
        "mem_1",
        "15000",
        "--idempotency-key",
        "wd",
        "--at",
        &t(3),
    ];
    let (code, first) = store.json(&args);
    assert_eq!(code, 3, "{first}");
    assert_eq!(error_code(&first), "insufficient_funds");

    // Enough money now, but the key already has its outcome.
    store.ok(&["money", "recharge", "mem_1", "10000", "--at", &t(4)]);
    let before = store.fingerprint();
    let (code, again) = store.json(&args);
    assert_eq!(code, 3, "{again}");
    assert_eq!(error_code(&again), "insufficient_funds");
    assert_eq!(error_message(&again), error_message(&first));
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "20000");
}

#[test]
fn amounts_are_compared_as_decimals_so_grouped_digits_replay() {
    let store = Store::funded();
    let first = store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "10000",
        "--idempotency-key",
        "dec",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    for same in ["10,000", "10_000"] {
        let (code, v) = store.json(&[
            "money",
            "recharge",
            "mem_1",
            same,
            "--idempotency-key",
            "dec",
            "--at",
            &t(3),
        ]);
        assert_eq!(code, 0, "{same}: a replay, not a conflict: {v}");
        assert_eq!(v["replayed"], true, "{same}: {v}");
        assert_eq!(v["id"], first["id"]);
    }
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "20000");
}

#[test]
fn same_key_naming_the_member_differently_never_applies_twice() {
    // `kim@example.com` and `mem_1` are the same member: whether the store calls that a replay
    // or a conflict, it must never recharge a second time.
    let store = Store::funded();
    store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "1000",
        "--idempotency-key",
        "ref",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let (code, v) = store.json(&[
        "money",
        "recharge",
        "kim@example.com",
        "1000",
        "--idempotency-key",
        "ref",
        "--at",
        &t(4),
    ]);

    assert!(code == 0 || code == 5, "{v}");
    if code == 0 {
        assert_eq!(v["replayed"], true, "{v}");
    }
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "11000");
}

#[test]
fn key_longer_than_255_characters_is_invalid_input() {
    let store = Store::funded();
    let before = store.fingerprint();
    let long = "k".repeat(256);

    let (code, v) = store.json(&[
        "money",
        "recharge",
        "mem_1",
        "1000",
        "--idempotency-key",
        &long,
        "--at",
        &t(3),
    ]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert_eq!(store.fingerprint(), before);

    let ok = "k".repeat(255);
    let v = store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "1000",
        "--idempotency-key",
        &ok,
        "--at",
        &t(3),
    ]);
    assert_eq!(v["replayed"], false);
}

#[test]
fn a_crash_after_commit_before_output_is_answered_by_the_retry() {
    let store = Store::funded();
    let before = store.fingerprint();
    let out = store
        .command()
        .env("PAYCTL_FAILPOINT", "after_commit")
        .args([
            "--json",
            "money",
            "recharge",
            "mem_1",
            "2500",
            "--idempotency-key",
            "crash-1",
        ])
        .args(["--at", &crate::common::t(40)])
        .output()
        .expect("run");
    assert!(!out.status.success(), "the process died");
    assert!(
        out.stdout.is_empty(),
        "it said nothing: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let after_crash = store.fingerprint();
    assert_ne!(
        after_crash, before,
        "the command was committed before the crash"
    );
    // The client retries, not knowing: the committed outcome comes back, nothing is applied twice.
    let v = store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "2500",
        "--idempotency-key",
        "crash-1",
        "--at",
        &crate::common::t(41),
    ]);
    assert_eq!(v["replayed"], true, "{v}");
    assert_eq!(v["id"], "rch_2", "{v}");
    assert_eq!(store.fingerprint(), after_crash);
    assert_eq!(store.ok(&["money", "balance", "mem_1"])["balance"], "12500");
}

/// Starts `n` `payctl --json money recharge mem_1 <amount> --idempotency-key <key>` at once
/// (amounts by index); returns each process's (amount, exit code, output).
fn concurrent_recharges(store: &Store, key: &str, amounts: &[&str]) -> Vec<(String, i32, Value)> {
    let children: Vec<_> = amounts
        .iter()
        .map(|amount| {
            let child = store
                .command()
                .args(["--json", "money", "recharge", "mem_1", amount])
                .args(["--idempotency-key", key, "--at", &t(50)])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn payctl");
            (amount.to_string(), child)
        })
        .collect();
    children
        .into_iter()
        .map(|(amount, child)| {
            let out = child.wait_with_output().expect("wait");
            let (code, v) = crate::common::parse_json_output(&out);
            (amount, code, v)
        })
        .collect()
}

/// The events one recharge adds, measured on a twin store.
fn events_of_one_recharge() -> u64 {
    let twin = Store::funded();
    let before = twin.fingerprint().0;
    twin.ok(&["money", "recharge", "mem_1", "700", "--at", &t(50)]);
    twin.fingerprint().0 - before
}

#[test]
fn concurrent_duplicates_apply_once_and_all_answer_the_same() {
    let store = Store::funded();
    let before = store.fingerprint().0;
    let results = concurrent_recharges(&store, "dup-1", &["700"; 12]);
    let applied = results
        .iter()
        .filter(|(_, _, v)| v["replayed"] == false)
        .count();
    assert_eq!(applied, 1, "exactly one process applies: {results:?}");
    for (_, code, v) in &results {
        assert_eq!(*code, 0, "{v}");
        assert_eq!(
            v["id"], "rch_2",
            "every process answers the one recharge: {v}"
        );
    }
    assert_eq!(store.fingerprint().0 - before, events_of_one_recharge());
    assert_eq!(store.balance("mem_1").0, "10700", "credited once");
}

#[test]
fn concurrent_requests_differing_in_body_under_one_key_apply_one_and_conflict_the_rest() {
    let store = Store::funded();
    let before = store.fingerprint().0;
    let amounts: Vec<&str> = (0..12)
        .map(|i| if i % 2 == 0 { "700" } else { "900" })
        .collect();
    let results = concurrent_recharges(&store, "dup-2", &amounts);
    let winner: Vec<_> = results
        .iter()
        .filter(|(_, _, v)| v["replayed"] == false)
        .collect();
    assert_eq!(winner.len(), 1, "exactly one applies: {results:?}");
    let won = winner[0].0.clone();
    for (amount, code, v) in &results {
        if *amount == won {
            assert_eq!(*code, 0, "the winner's body replays: {v}");
            assert_eq!(v["id"], "rch_2", "{v}");
        } else {
            assert_eq!(*code, 5, "the other body conflicts: {v}");
            assert_eq!(error_code(v), "idempotency_conflict", "{v}");
        }
    }
    assert_eq!(store.fingerprint().0 - before, events_of_one_recharge());
    let expected = 10_000 + won.parse::<u64>().expect("amount");
    assert_eq!(store.balance("mem_1").0, expected.to_string());
}
