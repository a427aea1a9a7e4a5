//! One test per exit code (shared/SPEC.md §6): the code, `error.code` in `--json` mode, and that
//! a refused or failed command leaves the store exactly as it was.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{Store, error_code, error_message, on_postgres, t};

#[test]
fn exit_0_balance_read_succeeds_and_changes_nothing() {
    let store = Store::funded();
    let before = store.fingerprint();

    let (code, v) = store.json(&["money", "balance", "kim@example.com"]);

    assert_eq!(code, 0);
    assert_eq!(
        v,
        serde_json::json!({
            "member": "mem_1", "balance": "10000", "available": "10000", "currency": "KRW"
        })
    );
    assert_eq!(store.fingerprint(), before);
}

#[test]
fn exit_1_failpoint_before_commit_is_internal_and_commits_nothing() {
    let store = Store::funded();
    let before = store.fingerprint();

    let (code, v) = store.json_env(
        &["money", "recharge", "mem_1", "5000", "--at", &t(3)],
        &[("PAYCTL_FAILPOINT", "before_commit")],
    );

    assert_eq!(code, 1, "{v}");
    assert_eq!(error_code(&v), "internal");
    assert_eq!(
        store.fingerprint(),
        before,
        "an abandoned command commits nothing"
    );
    assert_eq!(store.balance("mem_1"), ("10000".into(), "10000".into()));
    // No id was consumed: the same recharge, done for real, is rch_2.
    let v = store.ok(&["money", "recharge", "mem_1", "5000", "--at", &t(3)]);
    assert_eq!(v["id"], "rch_2", "{v}");
}

#[test]
fn exit_1_failpoint_leaves_a_key_unused() {
    let store = Store::funded();
    let args = [
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "fp-1",
        "--at",
        &t(3),
    ];
    let (code, _) = store.json_env(&args, &[("PAYCTL_FAILPOINT", "before_commit")]);
    assert_eq!(code, 1);

    // The key recorded no outcome: the retry applies (not a replay of `internal`).
    let v = store.ok(&args);
    assert_eq!(v["replayed"], false, "{v}");
    assert_eq!(store.balance("mem_1").0, "15000");
}

#[test]
fn exit_2_malformed_amounts_are_invalid_input_naming_the_value() {
    let store = Store::funded();
    let before = store.fingerprint();

    for bad in [
        "1e3", "1.5", "-100", "0", "+100", "10 000", "1,00", "12a", "",
    ] {
        // `--` so that clap hands "-100" to the amount parser instead of reading a flag.
        let (code, v) = store.json(&["money", "recharge", "--at", &t(3), "mem_1", "--", bad]);
        assert_eq!(code, 2, "amount {bad:?}: {v}");
        assert_eq!(error_code(&v), "invalid_input", "amount {bad:?}");
        if !bad.is_empty() {
            assert!(
                error_message(&v).contains(bad),
                "the message names the value {bad:?}: {v}"
            );
        }
    }
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "10000");
}

#[test]
fn exit_2_time_going_backwards_is_invalid_input() {
    let store = Store::funded();
    let before = store.fingerprint();

    // The last event is at t(2).
    let (code, v) = store.json(&["money", "recharge", "mem_1", "5000", "--at", &t(1)]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert_eq!(store.fingerprint(), before);
}

#[test]
fn exit_3_withdrawing_more_than_available_is_insufficient_funds() {
    let store = Store::funded();
    let before = store.fingerprint();

    let (code, v) = store.json(&["money", "withdraw", "mem_1", "10001", "--at", &t(3)]);

    assert_eq!(code, 3, "{v}");
    assert_eq!(error_code(&v), "insufficient_funds");
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1"), ("10000".into(), "10000".into()));
}

#[test]
fn exit_3_short_payment_without_auto_recharge_is_insufficient_funds() {
    let store = Store::funded();
    store.ok(&[
        "merchant",
        "register",
        "--name",
        "Cafe",
        "--code",
        "CAFE",
        "--fee-rate",
        "2.5",
        "--bank",
        "SHINHAN",
        "--account",
        "110-1",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let (code, v) = store.json(&[
        "pay",
        "mem_1",
        "CAFE",
        "10001",
        "--no-auto-recharge",
        "--at",
        &t(4),
    ]);

    assert_eq!(code, 3, "{v}");
    assert_eq!(error_code(&v), "insufficient_funds");
    assert_eq!(store.fingerprint(), before);
    // No pay_N was consumed either.
    let v = store.ok(&["pay", "mem_1", "CAFE", "10000", "--at", &t(5)]);
    assert_eq!(v["id"], "pay_1", "{v}");
}

#[test]
fn exit_4_unknown_member_is_not_found() {
    let store = Store::funded();
    let before = store.fingerprint();

    let (code, v) = store.json(&["money", "balance", "mem_99"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(error_code(&v), "not_found");
    assert!(error_message(&v).contains("mem_99"), "{v}");

    let (code, v) = store.json(&["money", "recharge", "mem_99", "5000", "--at", &t(3)]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(error_code(&v), "not_found");

    assert_eq!(store.fingerprint(), before);
}

#[test]
fn human_mode_error_goes_to_stderr_and_leaves_stdout_empty() {
    let store = Store::funded();

    let out = store.run(&["money", "balance", "mem_99"]);

    assert_eq!(out.status.code(), Some(4));
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mem_99"));
}

#[test]
fn exit_5_same_key_with_a_different_amount_is_idempotency_conflict() {
    let store = Store::funded();
    store.ok(&[
        "money",
        "recharge",
        "mem_1",
        "5000",
        "--idempotency-key",
        "k-1",
        "--at",
        &t(3),
    ]);
    let before = store.fingerprint();

    let (code, v) = store.json(&[
        "money",
        "recharge",
        "mem_1",
        "6000",
        "--idempotency-key",
        "k-1",
        "--at",
        &t(4),
    ]);

    assert_eq!(code, 5, "{v}");
    assert_eq!(error_code(&v), "idempotency_conflict");
    assert_eq!(store.fingerprint(), before);
    assert_eq!(store.balance("mem_1").0, "15000");
}

#[test]
fn exit_6_read_on_a_missing_store_is_store_missing_and_creates_nothing() {
    let store = Store::new();

    for args in [
        &["money", "balance", "mem_1"][..],
        &["config"],
        &["ledger", "balances"],
        &["verify"],
        &["member", "list"],
    ] {
        let (code, v) = store.json(args);
        assert_eq!(code, 6, "{args:?}: {v}");
        assert_eq!(error_code(&v), "store_missing", "{args:?}");
        assert!(
            error_message(&v).contains("init"),
            "{args:?}: the message says how to create a store: {v}"
        );
        assert!(!store.path().exists(), "{args:?} created the store file");
        if let Some(schema) = store.schema() {
            let made = store.sql(&format!(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '{schema}';"
            ));
            assert_eq!(made, "0", "{args:?} created the schema");
        }
        let leftovers: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert!(leftovers.is_empty(), "{args:?} left files: {leftovers:?}");
    }
}

#[test]
fn exit_6_newer_schema_is_refused_and_left_untouched() {
    let store = Store::funded();
    store.sql(&store.set_schema_version_sql(99));
    let before = store.raw_fingerprint();
    assert_eq!(before.2, "99");

    let (code, v) = store.json(&["money", "balance", "mem_1"]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "schema_too_new");

    let (code, v) = store.json(&["money", "recharge", "mem_1", "5000", "--at", &t(3)]);
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "schema_too_new");

    assert_eq!(store.raw_fingerprint(), before, "not migrated, not written");
}

/// Holds the store's write lock with a `sqlite3` (or `psql`) process until dropped.
struct WriteLock {
    child: std::process::Child,
}

impl WriteLock {
    fn take(store: &Store) -> Self {
        let mut child = store
            .sql_shell()
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sqlite3 or psql");
        // What every payctl writer takes first: SQLite's write lock, or the server's writer row.
        // (.timeout: a probe holding the lock for an instant must not make BEGIN fail.)
        let (hold, probe): (&[u8], &str) = if on_postgres() {
            (
                b"BEGIN;\nSELECT value FROM store_meta WHERE key = 'writer' FOR UPDATE;\n\
                  INSERT INTO store_meta VALUES('x','y');\n",
                "BEGIN; SELECT value FROM store_meta WHERE key = 'writer' FOR UPDATE NOWAIT; \
                 ROLLBACK;",
            )
        } else {
            (
                b".timeout 10000\nBEGIN IMMEDIATE;\nINSERT INTO store_meta VALUES('x','y');\n",
                "BEGIN IMMEDIATE; ROLLBACK;",
            )
        };
        child.stdin.as_mut().unwrap().write_all(hold).unwrap();
        child.stdin.as_mut().unwrap().flush().unwrap();
        // Wait until another writer is refused (neither CLI waits here).
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let out = store.sql_output(probe);
            if String::from_utf8_lossy(&out.stderr).contains("lock") {
                break;
            }
            assert!(Instant::now() < deadline, "the lock was never taken");
            std::thread::sleep(Duration::from_millis(20));
        }
        WriteLock { child }
    }

    /// Closes stdin: the client exits and its uncommitted transaction rolls back.
    fn release(mut self) {
        drop(self.child.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success());
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[test]
fn exit_6_store_locked_by_another_writer_is_store_locked() {
    let store = Store::funded();
    let before = store.fingerprint();

    let lock = WriteLock::take(&store);
    let started = Instant::now();
    let (code, v) = store.json_env(
        &["money", "recharge", "mem_1", "5000", "--at", &t(3)],
        &[("PAYCTL_BUSY_TIMEOUT_MS", "200")],
    );
    let waited = started.elapsed();
    lock.release();

    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "store_locked");
    assert!(
        waited < Duration::from_secs(5),
        "PAYCTL_BUSY_TIMEOUT_MS=200 should give up quickly, took {waited:?}"
    );
    assert_eq!(store.fingerprint(), before);
    assert_eq!(
        store.sql("SELECT count(*) FROM store_meta WHERE key='x';"),
        "0"
    );
    // With the lock gone the same command goes through.
    let v = store.ok(&["money", "recharge", "mem_1", "5000", "--at", &t(3)]);
    assert_eq!(v["id"], "rch_2");
}

#[test]
fn reads_are_not_blocked_by_a_writer_holding_the_lock() {
    let store = Store::funded();

    let lock = WriteLock::take(&store);
    let (code, v) = store.json_env(
        &["money", "balance", "mem_1"],
        &[("PAYCTL_BUSY_TIMEOUT_MS", "200")],
    );
    lock.release();

    assert_eq!(code, 0, "{v}");
    assert_eq!(v["balance"], "10000");
}
