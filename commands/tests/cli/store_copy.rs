//! `payctl store copy --from A --to B`: a store into a new one, between backends in any
//! direction, the log byte for byte (same hashes, same head), verified; a target that holds a
//! store is refused. On PostgreSQL the round trip crosses backends: server → file → server →
//! file. And one workload written on either backend makes the same books.

use std::path::Path;

use payctl_core::testing::TestDb;
use serde_json::Value;

use crate::common::{Store, base_command, error_code, on_postgres, parse_json_output, sample_path};
use crate::import::{digest, import};

/// `payctl --db DB --json <args>` on a store that is not a `Store`.
fn json_on(db: &Path, args: &[&str]) -> (i32, Value) {
    let out = base_command()
        .arg("--db")
        .arg(db)
        .args(["--actor", "test", "--json"])
        .args(args)
        .output()
        .expect("run payctl");
    parse_json_output(&out)
}

fn ok_on(db: &Path, args: &[&str]) -> Value {
    let (code, v) = json_on(db, args);
    assert_eq!(code, 0, "{args:?} on {}: {v}", db.display());
    v
}

/// The log as `export --format jsonl` writes it: every envelope, hashes included.
fn log_of(db: &Path) -> String {
    let out = base_command()
        .arg("--db")
        .arg(db)
        .args(["export", "--format", "jsonl"])
        .output()
        .expect("run payctl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_copy_round_trip_keeps_the_log_byte_for_byte_and_answers_retries() {
    let store = Store::new();
    let (code, v) = import(&store, &[sample_path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let (events, head) = store.fingerprint();
    let log = log_of(store.path());
    let projections = digest(&store);

    // There and back: to a file, to a new store of the suite's backend, to a file again.
    let file = store.dir().join("copy.db");
    let middle = TestDb::in_dir(store.dir(), "middle.db");
    let last = store.dir().join("last.db");
    let hops: [(&Path, &Path); 3] = [
        (store.path(), &file),
        (&file, middle.path()),
        (middle.path(), &last),
    ];
    for (from, to) in hops {
        let v = store.ok(&[
            "store",
            "copy",
            "--from",
            &from.to_string_lossy(),
            "--to",
            &to.to_string_lossy(),
        ]);
        assert_eq!(v["events"], events, "{v}");
        assert_eq!(v["head_hash"], head.as_str(), "{v}");
        assert_eq!(v["verified"], true, "{v}");
        assert_eq!(v["projection_digest"], projections.as_str(), "{v}");
        assert_eq!(log_of(to), log, "the log of {} byte for byte", to.display());
    }

    // The copy remembers every idempotency key: a retry replays, a changed request conflicts.
    let retry = |amount: &str| {
        json_on(
            &last,
            &[
                "money",
                "recharge",
                "minji@example.com",
                amount,
                "--at",
                "2026-03-02T10:00:00Z",
                "--idempotency-key",
                "s-8",
            ],
        )
    };
    let (code, v) = retry("50000");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["replayed"], true, "{v}");
    let (code, v) = retry("1");
    assert_eq!((code, error_code(&v)), (5, "idempotency_conflict"), "{v}");
    assert_eq!(log_of(&last), log, "nothing written by the retries");
}

#[test]
fn a_target_that_holds_a_store_is_refused_and_left_as_it_was() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "kim@example.com",
    ]);
    let other = TestDb::in_dir(store.dir(), "other.db");
    ok_on(
        other.path(),
        &[
            "member",
            "register",
            "--name",
            "Lee",
            "--email",
            "lee@example.com",
        ],
    );
    let before = log_of(other.path());
    let (code, v) = store.json(&["store", "copy", "--to", &other.text()]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("already"),
        "{v}"
    );
    assert_eq!(log_of(other.path()), before);

    // Nor may a store be copied onto itself.
    let (code, v) = store.json(&["store", "copy", "--to", &store.path().to_string_lossy()]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
}

#[test]
fn a_copy_never_shows_a_password() {
    if !on_postgres() {
        return crate::common::not_applicable(
            "store_copy::a_copy_never_shows_a_password",
            "needs a server location (PAYCTL_TEST_DB=postgres://…)",
        );
    }
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "kim@example.com",
    ]);
    let target = TestDb::in_dir(store.dir(), "target.db");
    // The server trusts the test role, so a wrong password still connects: only its echo is
    // under test.
    let text = target.text();
    let with_password = match text.split_once("://") {
        Some((scheme, rest)) if rest.contains('@') => {
            let (user, host) = rest.split_once('@').expect("a user");
            format!("{scheme}://{user}:hunter2@{host}")
        }
        _ => format!("{text} password=hunter2"),
    };
    let out = store.run(&["store", "copy", "--to", &with_password]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("hunter2"), "{all}");
}

#[test]
fn one_workload_written_on_either_backend_makes_the_same_books() {
    if !on_postgres() {
        return crate::common::not_applicable(
            "store_copy::one_workload_written_on_either_backend_makes_the_same_books",
            "compares SQLite with a server (PAYCTL_TEST_DB=postgres://…)",
        );
    }
    let store = Store::new();
    let workload = store.dir().join("demo.jsonl");
    let out = base_command()
        .args([
            "demo",
            "--members",
            "60",
            "--merchants",
            "5",
            "--days",
            "12",
            "--ops",
        ])
        .args(["3000", "--seed", "11"])
        .output()
        .expect("demo");
    assert!(out.status.success());
    std::fs::write(&workload, &out.stdout).expect("write the workload");
    let file = store.dir().join("sqlite.db");
    let mut summaries = Vec::new();
    for db in [store.path(), file.as_path()] {
        let (code, v) = json_on(db, &["import", &workload.to_string_lossy()]);
        assert!(code == 0 || code == 3, "{v}");
        summaries.push((v["applied"].clone(), v["rejected"].clone()));
    }
    assert_eq!(summaries[0], summaries[1], "the same refusals");
    let server = ok_on(store.path(), &["verify", "--digest"]);
    let sqlite = ok_on(&file, &["verify", "--digest"]);
    assert_eq!(server["projection_digest"], sqlite["projection_digest"]);
    assert_eq!(
        ok_on(store.path(), &["ledger", "balances"]),
        ok_on(&file, &["ledger", "balances"])
    );
}
