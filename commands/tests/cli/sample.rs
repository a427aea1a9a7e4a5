//! `fixtures/sample.jsonl`, performed line by line as CLI commands, ends in the documented state.

use serde_json::Value;

use crate::common::{Store, on_postgres, parse_json_output, sample_lines};

/// Applies the sample with `--json`, checking each line; returns the store and the outputs of
/// the settle lines by key.
fn apply_sample_checked() -> (Store, Vec<(String, i32, Value)>) {
    let store = Store::new();
    let mut settles = Vec::new();
    for (line, op) in sample_lines() {
        let (code, out) = parse_json_output(&store.line(&op, true));
        assert_eq!(code, 0, "sample line {line} ({op}) was refused: {out}");
        assert_eq!(
            out["replayed"],
            Value::Bool(false),
            "sample line {line}: a first request is not a replay: {out}"
        );
        if op["op"] == "settle" {
            let key = op["key"].as_str().unwrap().to_string();
            settles.push((key, code, out));
        }
    }
    (store, settles)
}

#[test]
fn sample_performed_as_commands_ends_in_the_documented_balances() {
    let (store, settles) = apply_sample_checked();

    let expect = [("mem_1", "47000"), ("mem_2", "7000"), ("mem_3", "0")];
    for (member, balance) in expect {
        let v = store.ok(&["money", "balance", member]);
        assert_eq!(v["member"], member);
        assert_eq!(v["balance"], balance, "{member}: {v}");
        assert_eq!(v["available"], balance, "{member} has no active hold: {v}");
        assert_eq!(v["currency"], "KRW");
    }

    let balances = store.ledger_balances();
    let get = |account: &str| {
        balances
            .iter()
            .find(|(a, _)| a == account)
            .map(|(_, b)| *b)
            .unwrap_or_else(|| panic!("no account {account} in {balances:?}"))
    };
    assert_eq!(get("liabilities:merchants:mer_1"), 5500);
    assert_eq!(get("income:fees"), -200);
    assert_eq!(get("assets:bank:house"), 48700);
    assert_eq!(get("liabilities:wallets:mem_1"), -47000);
    assert_eq!(get("liabilities:wallets:mem_2"), -7000);
    assert_eq!(balances.iter().map(|(_, b)| b).sum::<i128>(), 0);

    let stl = store.ok(&["settlement", "show", "stl_1"]);
    assert_eq!(stl["fee"], "200", "{stl}");
    assert_eq!(stl["payout"], "8300", "{stl}");

    // s-17 settled mer_1 as stl_1; s-22 found nothing to settle and still succeeded.
    let first = &settles.iter().find(|(k, ..)| k == "s-17").expect("s-17").2;
    assert_eq!(first["settled"], serde_json::json!(["stl_1"]), "{first}");
    let (_, code, second) = settles.iter().find(|(k, ..)| k == "s-22").expect("s-22");
    assert_eq!(*code, 0);
    assert_eq!(second["settled"], serde_json::json!([]), "{second}");

    store.cmd().arg("verify").assert().code(0);
}

#[test]
fn second_settle_of_the_sample_says_nothing_was_settled() {
    let store = Store::new();
    let mut last = None;
    for (_, op) in sample_lines() {
        let out = store.line(&op, false);
        assert_eq!(out.status.code(), Some(0), "{op}");
        if op["key"] == "s-22" {
            last = Some(out);
        }
    }
    let out = last.expect("the sample has line s-22");
    let text = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(
        text.contains("nothing"),
        "human output of an empty settle should say nothing was settled, got: {text:?}"
    );
}

#[test]
fn sample_ledger_balances_human_output_matches_snapshot() {
    let store = Store::sample();
    let out = store.run(&["ledger", "balances"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when not a terminal"
    );
    insta::assert_snapshot!("ledger_balances", text);
}

#[test]
fn sample_settlement_human_output_matches_snapshot() {
    let store = Store::sample();
    let out = store.run(&["settlement", "show", "stl_1"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when not a terminal"
    );
    insta::assert_snapshot!("settlement_show_stl_1", text);
}

#[test]
fn store_created_by_a_write_is_private_and_records_the_actor() {
    let store = Store::sample();
    assert_eq!(store.sql("SELECT DISTINCT actor FROM events;"), "test");
    if on_postgres() {
        // A server's store is a schema, made by the same numbered migrations.
        assert_eq!(store.sql("SELECT version FROM schema_version;"), "2");
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "store file mode {mode:o}");
    }
    assert_eq!(store.sql("PRAGMA journal_mode;"), "wal");
    assert_eq!(store.sql("PRAGMA user_version;"), "2");
}

/// A store made before the API's tokens (schema 1) is migrated when next opened: its books
/// unchanged, its tokens table made.
#[test]
fn a_store_of_the_previous_schema_is_migrated_when_opened() {
    let store = Store::sample();
    let before = store.fingerprint();
    store.sql(&format!(
        "DROP TABLE api_tokens; {}",
        store.set_schema_version_sql(1)
    ));
    assert_eq!(store.fingerprint(), before, "the books read the same");
    let v = store.ok(&["token", "create", "--name", "ops", "--scope", "read"]);
    assert!(v["secret"].as_str().is_some_and(|s| s.starts_with("pct_")));
    let version = if crate::common::on_postgres() {
        store.sql("SELECT version FROM schema_version;")
    } else {
        store.sql("PRAGMA user_version;")
    };
    assert_eq!(version, "2");
    assert_eq!(store.ok(&["verify"])["ok"], true);
}
