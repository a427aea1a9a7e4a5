//! Tampering with the event log behind payctl's back (with the sqlite3 CLI, or psql) is caught
//! by `payctl verify` (shared/SPEC.md §5.4): exit 6, `verify_failed`, naming where. Edits that
//! PostgreSQL's column types refuse outright are checked to be refused there.

use crate::common::{Store, error_code, error_message, on_postgres};

/// The seq of the sample's 50,000 recharge completion (line s-8).
fn recharge_completed_seq(store: &Store) -> u64 {
    let seq = store.sql(
        "SELECT seq FROM events WHERE kind = 'RechargeCompleted' \
         AND payload LIKE '%\"amount\":\"50000\"%';",
    );
    assert!(
        !seq.is_empty() && !seq.contains('\n'),
        "one such event: {seq:?}"
    );
    seq.parse().expect("seq")
}

#[test]
fn the_event_log_refuses_update_and_delete_while_its_triggers_stand() {
    let store = Store::sample();
    let before = store.fingerprint();

    for sql in [
        "UPDATE events SET payload = payload WHERE seq = 2;",
        "DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events);",
    ] {
        let out = store.sql_output(sql);
        assert!(!out.status.success(), "{sql} was allowed");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("append-only"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(store.fingerprint(), before);
    store.cmd().arg("verify").assert().code(0);
}

#[test]
fn edited_event_payload_fails_verify_naming_the_event() {
    let store = Store::sample();
    store.cmd().arg("verify").assert().code(0);
    let seq = recharge_completed_seq(&store);

    store.sql(&format!(
        "{}UPDATE events SET payload = replace(payload, '50000', '50001') WHERE seq = {seq};",
        store.drop_trigger_sql("events_refuse_update")
    ));
    assert!(
        store
            .sql(&format!("SELECT payload FROM events WHERE seq = {seq};"))
            .contains("50001"),
        "the tamper took effect"
    );

    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "verify_failed");
    let message = error_message(&v);
    assert!(
        message.contains(&format!("event {seq}")),
        "the message names event {seq}: {message}"
    );

    // Human mode says the same on stderr, with the same exit code.
    let out = store.run(&["verify"]);
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("event {seq}")));
}

#[test]
fn deleted_last_event_fails_verify_naming_the_recorded_head() {
    let store = Store::sample();
    let (events, _) = store.fingerprint();
    let last = store.sql("SELECT MAX(seq) FROM events;");
    assert_eq!(last, events.to_string(), "seqs are 1..=events");

    store.sql(&format!(
        "{}DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events);",
        store.drop_trigger_sql("events_refuse_delete")
    ));

    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "verify_failed");
    let message = error_message(&v);
    assert!(
        message.contains(&last) && message.contains(&(events - 1).to_string()),
        "the message names the recorded head {last} and the log's end {}: {message}",
        events - 1
    );
}

#[test]
fn deleted_middle_event_fails_verify() {
    let store = Store::sample();
    let seq = recharge_completed_seq(&store);

    store.sql(&format!(
        "{}DELETE FROM events WHERE seq = {seq};",
        store.drop_trigger_sql("events_refuse_delete")
    ));

    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "verify_failed");
}

#[test]
fn edited_event_time_fails_verify() {
    let store = Store::sample();
    let seq = recharge_completed_seq(&store);

    store.sql(&format!(
        "{}UPDATE events SET effective_at = '2026-03-02T10:00:01Z' WHERE seq = {seq};",
        store.drop_trigger_sql("events_refuse_update")
    ));

    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "verify_failed");
    assert!(error_message(&v).contains(&format!("event {seq}")), "{v}");
}

/// Runs `sql` on a fresh copy of the sample store and expects `verify` to fail; returns its
/// message. `no_triggers`: the log's append-only triggers are dropped first.
fn tampered(no_triggers: bool, sql: &str) -> String {
    let store = Store::sample();
    let drop = if no_triggers {
        store.no_triggers_sql()
    } else {
        String::new()
    };
    store.sql(&format!("{drop}{sql}"));
    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "verify must catch: {sql}\n{v}");
    assert_eq!(error_code(&v), "verify_failed");
    error_message(&v).to_string()
}

#[test]
fn reordered_events_fail_verify() {
    // Swap the payloads (and kinds, streams) of events 5 and 6 through a spare seq.
    let msg = tampered(
        true,
        "UPDATE events SET seq = 1000000 WHERE seq = 5;
         UPDATE events SET seq = 5 WHERE seq = 6;
         UPDATE events SET seq = 6 WHERE seq = 1000000;",
    );
    assert!(msg.contains("event 5"), "{msg}");
}

#[test]
fn a_changed_hash_fails_verify() {
    let msg = tampered(
        true,
        &format!(
            "UPDATE events SET hash = '{}' WHERE seq = 7;",
            "0".repeat(64)
        ),
    );
    assert!(msg.contains("event 7"), "{msg}");
}

#[test]
fn an_appended_event_with_a_borrowed_hash_fails_verify() {
    // A forged event after the triggers are dropped: its hash is copied from a real event, so the
    // chain breaks at it, and the recorded head no longer matches either.
    let msg = tampered(
        true,
        "INSERT INTO events (seq, stream, version, kind, schema, payload, recorded_at,
                             effective_at, actor, idempotency_key, hash)
         SELECT (SELECT MAX(seq) FROM events) + 1, 'wallet-mem_1', 99, 'RechargeCompleted', 1, payload, recorded_at,
                effective_at, actor, NULL, (SELECT hash FROM events WHERE seq = 3)
         FROM events WHERE seq = (SELECT seq FROM events WHERE kind = 'RechargeCompleted' LIMIT 1);",
    );
    assert!(
        msg.contains("hash does not match") || msg.contains("head"),
        "{msg}"
    );
}

#[test]
fn a_projection_amount_edited_fails_verify() {
    let msg = tampered(
        false,
        "UPDATE ledger_balances SET balance_minor = balance_minor + 1 WHERE account = 'income:fees';",
    );
    assert!(
        msg.contains("ledger_balances") || msg.contains("invariant 1"),
        "{msg}"
    );
}

#[test]
fn an_idempotency_record_deleted_or_pointed_elsewhere_fails_verify() {
    let msg = tampered(false, "DELETE FROM idempotency WHERE key = 's-8';");
    assert!(msg.contains("invariant 5"), "{msg}");
    let msg = tampered(
        false,
        "UPDATE idempotency SET first_seq = (SELECT first_seq FROM idempotency WHERE key = 's-9'),
                                last_seq = (SELECT last_seq FROM idempotency WHERE key = 's-9')
         WHERE key = 's-8';",
    );
    assert!(msg.contains("invariant 5"), "{msg}");
}

#[test]
fn a_projection_text_that_is_not_utf8_fails_verify_naming_the_row_without_a_crash() {
    let store = Store::sample();
    if on_postgres() {
        // The server refuses text that is not UTF-8: the edit cannot be made.
        let out = store.sql_output(
            "UPDATE members SET name = convert_from('\\xff41'::bytea, 'UTF8') WHERE id = 1;",
        );
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("invalid byte sequence"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        store.cmd().arg("verify").assert().code(0);
        return;
    }
    store.sql("UPDATE members SET name = CAST(x'ff41' AS TEXT) WHERE id = 1;");

    let (code, v) = store.json(&["verify"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "verify_failed");
    let message = error_message(&v);
    assert!(
        message.contains("projection members: row 1") && message.contains("not UTF-8"),
        "{message}"
    );
    // The digest (which formats every value) reports the file as corrupt instead of crashing.
    let (code, v) = store.json(&["verify", "--digest"]);
    assert_eq!(code, 6, "{v}");
    // So does a command that reads the row.
    let (code, v) = store.json(&["member", "show", "mem_1"]);
    assert_ne!(code, 0, "{v}");
    assert_eq!(error_code(&v), "store_corrupt", "{v}");
}

#[test]
fn an_event_value_of_the_wrong_type_or_not_utf8_is_reported_as_corrupt_without_a_crash() {
    if on_postgres() {
        // The server's column types refuse each edit: no such value can be stored.
        let store = Store::sample();
        let before = store.fingerprint();
        for edit in [
            "UPDATE events SET actor = convert_from('\\xff41'::bytea, 'UTF8') WHERE seq = 3;",
            "UPDATE events SET version = 'seven' WHERE seq = 3;",
            "UPDATE events SET kind = chr(0) WHERE seq = 3;",
        ] {
            let out = store.sql_output(&format!("{}{edit}", store.no_triggers_sql()));
            assert!(!out.status.success(), "{edit} was stored");
        }
        assert_eq!(store.fingerprint(), before);
        store.cmd().arg("verify").assert().code(0);
        return;
    }
    for edit in [
        "UPDATE events SET actor = CAST(x'ff41' AS TEXT) WHERE seq = 3;",
        "UPDATE events SET version = 'seven' WHERE seq = 3;",
        "UPDATE events SET kind = x'00' WHERE seq = 3;",
    ] {
        let store = Store::sample();
        store.sql(&format!(
            "{}{edit}",
            store.drop_trigger_sql("events_refuse_update")
        ));
        let (code, v) = store.json(&["verify"]);
        assert_eq!(code, 6, "{edit}: {v}");
        assert_eq!(error_code(&v), "store_corrupt", "{edit}: {v}");
        assert!(
            error_message(&v).contains("did not write"),
            "{edit}: {}",
            error_message(&v)
        );
    }
}
