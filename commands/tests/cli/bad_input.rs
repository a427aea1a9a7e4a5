//! The bad-input table: malformed and hostile inputs across commands and import. Each gives the
//! documented exit code and error code, a message naming the field or value, no panic, and the
//! store unchanged (event count and head hash).

use crate::common::{Store, error_code, error_message, on_postgres, t};

/// A store with a member (10,000 in the wallet, a linked account), a merchant and a 6,000 hold.
fn store() -> Store {
    let s = Store::funded();
    s.ok(&[
        "merchant",
        "register",
        "--name",
        "Shop",
        "--code",
        "SHOP",
        "--fee-rate",
        "2.35",
        "--bank",
        "SHINHAN",
        "--account",
        "110-1",
        "--at",
        &t(3),
    ]);
    s.ok(&[
        "pay",
        "mem_1",
        "SHOP",
        "6000",
        "--hold",
        "--ref",
        "order-1",
        "--at",
        &t(4),
    ]);
    s
}

fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p.display().to_string()
}

#[test]
fn hostile_inputs_get_their_exit_code_a_named_error_and_change_nothing() {
    let s = store();
    let dir = tempfile::tempdir().expect("tempdir");
    let long_name = "N".repeat(300);
    let long_key = "k".repeat(256);
    let long_line = format!(
        "{{\"op\":\"member.register\",\"name\":\"{}\",\"email\":\"x@example.com\"}}\n",
        "y".repeat(70_000)
    );
    let bad_utf8 = write_file(
        dir.path(),
        "utf8.jsonl",
        b"{\"op\":\"member.deactivate\",\"member\":\"mem_\xff\"}\n",
    );
    let unknown_op = write_file(
        dir.path(),
        "op.jsonl",
        b"{\"op\":\"member.explode\",\"member\":\"mem_1\"}\n",
    );
    let missing = write_file(
        dir.path(),
        "missing.jsonl",
        b"{\"op\":\"money.recharge\",\"member\":\"mem_1\"}\n",
    );
    let overlong = write_file(dir.path(), "long.jsonl", long_line.as_bytes());
    let float_amount = write_file(
        dir.path(),
        "neg.jsonl",
        b"{\"op\":\"money.recharge\",\"member\":\"mem_1\",\"amount\":-5}\n",
    );
    let at = t(30);
    // (arguments, exit code, error code, a piece of the message)
    let cases: Vec<(Vec<&str>, i32, &str, &str)> = vec![
        (
            vec!["money", "recharge", "mem_1", "1.5", "--at", &at],
            2,
            "invalid_input",
            "1.5",
        ),
        (
            vec!["money", "recharge", "mem_1", "1.0", "--at", &at],
            2,
            "invalid_input",
            "1.0",
        ),
        (
            vec!["money", "recharge", "mem_1", "-5", "--at", &at],
            2,
            "invalid_input",
            "-5",
        ),
        (
            vec!["money", "recharge", "mem_1", "1e3", "--at", &at],
            2,
            "invalid_input",
            "1e3",
        ),
        (
            vec!["money", "recharge", "mem_1", "+7", "--at", &at],
            2,
            "invalid_input",
            "+7",
        ),
        (
            vec!["money", "recharge", "mem_1", "0", "--at", &at],
            2,
            "invalid_input",
            "0",
        ),
        (
            vec!["money", "recharge", "mem_1", "1,00", "--at", &at],
            2,
            "invalid_input",
            "1,00",
        ),
        (
            vec!["money", "recharge", "mem_1", "１２", "--at", &at],
            2,
            "invalid_input",
            "１２",
        ),
        (
            vec![
                "money",
                "recharge",
                "mem_1",
                "123456789012345678901234567890",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "123456789012345678901234567890",
        ),
        (
            vec![
                "money",
                "recharge",
                "mem_1",
                "1000000000000000",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "1000000000000000",
        ),
        (
            vec!["money", "recharge", "mem_999", "100", "--at", &at],
            4,
            "not_found",
            "mem_999",
        ),
        (
            vec!["money", "balance", "nobody@example.com"],
            4,
            "not_found",
            "nobody@example.com",
        ),
        (
            vec![
                "member",
                "register",
                "--name",
                "A",
                "--email",
                "not-an-email",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "not-an-email",
        ),
        (
            vec![
                "member",
                "register",
                "--name",
                "  ",
                "--email",
                "a@example.com",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "name",
        ),
        (
            vec![
                "member",
                "register",
                "--name",
                &long_name,
                "--email",
                "b@example.com",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "name",
        ),
        (
            vec![
                "member",
                "register",
                "--name",
                "Kim",
                "--email",
                "KIM@example.com",
                "--at",
                &at,
            ],
            3,
            "duplicate",
            "KIM@example.com",
        ),
        (
            vec!["money", "recharge", "mem_1", "100", "--at", "yesterday"],
            2,
            "invalid_input",
            "yesterday",
        ),
        (
            vec![
                "money",
                "recharge",
                "mem_1",
                "100",
                "--at",
                "2025-01-01T00:00:00Z",
            ],
            2,
            "invalid_input",
            "at",
        ),
        (
            vec![
                "merchant",
                "register",
                "--name",
                "X",
                "--code",
                "X1",
                "--fee-rate",
                "100.01",
                "--bank",
                "KB",
                "--account",
                "1-1",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "100.01",
        ),
        (
            vec![
                "merchant",
                "register",
                "--name",
                "X",
                "--code",
                "X1",
                "--fee-rate",
                "2.355",
                "--bank",
                "KB",
                "--account",
                "1-1",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "2.355",
        ),
        (
            vec![
                "merchant",
                "register",
                "--name",
                "X",
                "--code",
                "SHOP",
                "--fee-rate",
                "1",
                "--bank",
                "KB",
                "--account",
                "1-1",
                "--at",
                &at,
            ],
            3,
            "duplicate",
            "SHOP",
        ),
        (
            vec![
                "bank",
                "link",
                "mem_1",
                "--bank",
                "K B",
                "--account",
                "1-1",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "K B",
        ),
        (
            vec![
                "bank",
                "link",
                "mem_1",
                "--bank",
                "KB",
                "--account",
                "abc",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "abc",
        ),
        (
            vec!["capture", "order-1", "7000", "--at", &at],
            3,
            "invalid_state",
            "7,000 KRW",
        ),
        (
            vec!["refund", "order-1", "--at", &at],
            3,
            "invalid_state",
            "pay_1",
        ),
        (
            vec![
                "remit",
                "mem_1",
                "100",
                "--to",
                "kim@example.com",
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "itself",
        ),
        (
            vec!["money", "withdraw", "mem_1", "5000", "--at", &at],
            3,
            "insufficient_funds",
            "mem_1",
        ),
        (
            vec!["pay", "mem_1", "SHOP", "100", "--ref", "pay_5", "--at", &at],
            2,
            "invalid_input",
            "pay_5",
        ),
        (
            vec![
                "money",
                "recharge",
                "mem_1",
                "100",
                "--idempotency-key",
                &long_key,
                "--at",
                &at,
            ],
            2,
            "invalid_input",
            "idempotency-key",
        ),
        (
            vec!["payment", "list", "--status", "bogus"],
            2,
            "invalid_input",
            "bogus",
        ),
        (
            vec!["ledger", "balances", "--as-of", "soon"],
            2,
            "invalid_input",
            "soon",
        ),
        (
            vec!["settle", "--cutoff", "later", "--at", &at],
            2,
            "invalid_input",
            "later",
        ),
        (vec!["import", &bad_utf8], 2, "invalid_input", "UTF-8"),
        (
            vec!["import", &unknown_op],
            2,
            "invalid_input",
            "member.explode",
        ),
        (vec!["import", &missing], 2, "invalid_input", "amount"),
        (vec!["import", &overlong], 2, "invalid_input", "longer than"),
        (vec!["import", &float_amount], 2, "invalid_input", "-5"),
    ];
    assert!(cases.len() >= 32);
    let before = s.fingerprint();
    for (args, exit, code, needle) in &cases {
        let out = s.command().arg("--json").args(args).output().expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!(
            out.status.code(),
            Some(*exit),
            "{args:?}: {stdout} {stderr}"
        );
        let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_default();
        assert_eq!(v["error"]["code"], *code, "{args:?}: {stdout}");
        let message =
            v["error"]["message"].as_str().unwrap_or("").to_string() + &v["malformed"].to_string();
        assert!(
            message.contains(needle),
            "{args:?}: message {message:?} should name {needle:?}"
        );
        assert_eq!(s.fingerprint(), before, "{args:?} changed the store");
    }
}

#[test]
fn hostile_store_paths_are_refused_without_touching_anything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = crate::common::base_command()
        .arg("--db")
        .arg(dir.path())
        .args(["--json", "member", "list"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("directory"));
}

#[test]
fn terminal_escapes_in_names_are_stored_but_printed_harmlessly() {
    let s = Store::new();
    s.ok(&[
        "member",
        "register",
        "--name",
        "Evil\u{1b}[2J\u{7}",
        "--email",
        "e@example.com",
        "--at",
        &t(0),
    ]);
    for args in [vec!["member", "list"], vec!["member", "show", "mem_1"]] {
        let out = s.run(&args);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?}: {text:?}"
        );
        assert!(text.contains("Evil\\u{1b}[2J\\u{7}"), "{args:?}: {text}");
    }
}

/// A role of the test server that may read the store's schema and nothing more; dropped after.
struct ReadOnlyRole(String);

impl ReadOnlyRole {
    fn create(store: &Store) -> ReadOnlyRole {
        let schema = store.schema().expect("a schema on the server");
        let role = format!("{schema}_reader");
        store.sql(&format!(
            "CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA {schema} TO {role}; \
             GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role};"
        ));
        ReadOnlyRole(role)
    }
}

impl Drop for ReadOnlyRole {
    fn drop(&mut self) {
        let role = &self.0;
        let _ = std::process::Command::new("psql")
            .args(["-X", "-q", "-d"])
            .arg(std::env::var("PAYCTL_TEST_DB").unwrap_or_default())
            .arg("-c")
            .arg(format!("DROP OWNED BY {role}; DROP ROLE {role};"))
            .output();
    }
}

/// Clears the immutable flag again, so the temp dir can be removed even if the test fails.
struct Immutable<'a>(&'a std::path::Path);

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(self.0)
            .status();
    }
}

/// A store the process may read but not write. Tests run as root here, and root ignores file
/// modes, so the file is made immutable (`chattr +i`), which binds root too.
#[test]
fn a_read_only_store_refuses_writes_with_exit_6_and_still_answers_reads() {
    let s = Store::funded();
    let before = s.fingerprint();
    if on_postgres() {
        // On a server, read-only is a role's grants: SELECT and nothing else.
        let role = ReadOnlyRole::create(&s);
        let reader = s.as_role(&role.0).expect("a server location");
        let as_reader = |args: &[&str]| {
            let mut cmd = crate::common::base_command();
            cmd.arg("--db")
                .arg(&reader)
                .args(["--actor", "test", "--json"]);
            crate::common::parse_json_output(&cmd.args(args).output().expect("run payctl"))
        };
        let (code, v) = as_reader(&["money", "recharge", "mem_1", "500", "--at", &t(9)]);
        assert_eq!(code, 6, "{v}");
        assert_eq!(error_code(&v), "store_locked", "{v}");
        assert!(error_message(&v).contains("read-only"), "{v}");
        let (code, v) = as_reader(&["money", "balance", "mem_1"]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["balance"], "10000");
        assert_eq!(s.fingerprint(), before, "nothing written");
        return;
    }
    let made = std::process::Command::new("chattr")
        .arg("+i")
        .arg(s.path())
        .status()
        .is_ok_and(|st| st.success());
    let _guard = Immutable(s.path());
    if !made {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o400)).expect("chmod");
    }
    let (code, v) = s.json(&["money", "recharge", "mem_1", "500", "--at", &t(9)]);
    if !made && code == 0 {
        eprintln!("skipped: no chattr and running as root, so the file stays writable");
        return;
    }
    assert_eq!(code, 6, "{v}");
    assert_eq!(error_code(&v), "store_locked", "{v}");
    assert!(error_message(&v).contains("read-only"), "{v}");
    assert_eq!(
        s.fingerprint(),
        before,
        "nothing written, and reads still work"
    );
    assert_eq!(s.balance("mem_1").0, "10000");
}
