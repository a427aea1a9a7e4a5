//! `payctl rebuild` replays the log into fresh projections: the result is the same state, the
//! same digest every time, and `verify` passes (shared/SPEC.md §5.3).

use serde_json::Value;

use crate::common::{Store, error_code, error_message};

/// Everything a user can read that is derived from projections.
fn read_model(store: &Store) -> Vec<Value> {
    [
        &["ledger", "balances"][..],
        &["member", "list"],
        &["money", "balance", "mem_1"],
        &["money", "balance", "mem_2"],
        &["money", "history", "mem_1"],
        &["payment", "list"],
        &["settlement", "list"],
        &["settlement", "show", "stl_1"],
        &["merchant", "list"],
        &["bank", "list"],
        &["ledger", "transactions"],
    ]
    .iter()
    .map(|args| store.ok(args))
    .collect()
}

fn digest(v: &Value) -> String {
    let d = v["projection_digest"]
        .as_str()
        .unwrap_or_else(|| panic!("no projection_digest in {v}"))
        .to_string();
    assert!(!d.is_empty());
    d
}

#[test]
fn rebuild_twice_gives_the_same_digest_and_verify_passes() {
    let store = Store::sample();
    let events_before = store.fingerprint();

    let first = digest(&store.ok(&["rebuild"]));
    store.cmd().arg("verify").assert().code(0);
    let second = digest(&store.ok(&["rebuild"]));
    store.cmd().arg("verify").assert().code(0);

    assert_eq!(first, second);
    // Digested as the rows were copied in: the same as reading them back.
    assert_eq!(digest(&store.ok(&["verify", "--digest"])), second);
    assert_eq!(
        store.fingerprint(),
        events_before,
        "rebuild appends no event"
    );
}

#[test]
fn rebuild_leaves_every_read_model_output_identical() {
    let store = Store::sample();
    let before = read_model(&store);

    store.ok(&["rebuild"]);

    let after = read_model(&store);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
}

#[test]
fn same_history_in_two_stores_reads_the_same() {
    let one = Store::sample();
    let two = Store::sample();

    assert_eq!(read_model(&one), read_model(&two));
    // The digest leaves out each store's random id, so it is equal too.
    let d1 = one.ok(&["verify", "--digest"]);
    let d2 = two.ok(&["verify", "--digest"]);
    assert_eq!(d1["projection_digest"], d2["projection_digest"]);
    assert!(
        d1["projection_digest"]
            .as_str()
            .is_some_and(|d| d.len() == 64)
    );
}

#[test]
fn rebuild_repairs_a_tampered_projection_that_verify_caught() {
    let store = Store::sample();
    let good = read_model(&store);

    // Corrupt a projection (not the log): mem_1's wallet.
    store.sql("UPDATE wallets SET balance_minor = balance_minor + 1 WHERE member = 1;");
    let (code, v) = store.json(&["verify"]);
    assert_eq!(
        code, 6,
        "verify must notice a projection that differs from replay: {v}"
    );
    assert_eq!(error_code(&v), "verify_failed");

    store.ok(&["rebuild"]);

    store.cmd().arg("verify").assert().code(0);
    assert_eq!(read_model(&store), good);
}

/// The rows of every projection table, as the sqlite3 CLI prints them.
fn projection_rows(store: &Store) -> String {
    [
        "wallets",
        "wallet_entries",
        "payments",
        "ledger_postings",
        "ledger_balances",
    ]
    .iter()
    .map(|t| store.sql(&format!("SELECT * FROM {t} ORDER BY 1, 2;")))
    .collect::<Vec<_>>()
    .join("\n--\n")
}

#[test]
fn a_rebuild_that_cannot_read_the_log_fails_and_leaves_the_projections_as_they_were() {
    let store = Store::sample();
    let before = projection_rows(&store);
    // The last event's payload no longer decodes: the log is read to its end before the
    // projections are touched.
    store.sql(&format!(
        "{}UPDATE events SET payload = '{{\"kind\":\"NoSuchEvent\"}}' \
         WHERE seq = (SELECT MAX(seq) FROM events);",
        store.drop_trigger_sql("events_refuse_update")
    ));

    let (code, v) = store.json(&["rebuild"]);
    assert_ne!(code, 0, "{v}");
    assert_eq!(error_code(&v), "store_corrupt", "{v}");
    assert_eq!(projection_rows(&store), before);
}

#[test]
fn a_rebuild_whose_replay_fails_names_the_event_and_leaves_the_projections_as_they_were() {
    let store = Store::sample();
    let before = projection_rows(&store);
    // A recharge for a member who never registered: the replay of the wallets cannot apply it
    // (it runs on its own thread, into a scratch store).
    let seq = store.sql("SELECT MIN(seq) FROM events WHERE kind = 'RechargeCompleted';");
    store.sql(&format!(
        "{}UPDATE events SET payload = replace(payload, '\"member\":\"mem_1\"', '\"member\":\"mem_999\"') \
         WHERE seq = {seq};",
        store.drop_trigger_sql("events_refuse_update")
    ));
    assert!(
        store
            .sql(&format!("SELECT payload FROM events WHERE seq = {seq};"))
            .contains("mem_999")
    );

    let (code, v) = store.json(&["rebuild"]);
    assert_ne!(code, 0, "{v}");
    assert_eq!(error_code(&v), "store_corrupt", "{v}");
    assert!(error_message(&v).contains(&format!("event {seq}")), "{v}");
    assert_eq!(projection_rows(&store), before);
}
