//! Shared helpers: a hermetic temporary store, command builders, the import-line → CLI mapping
//! used to replay `fixtures/sample.jsonl`, and small readers for the JSON outputs.

#![allow(dead_code)] // each test module uses a different subset

use std::path::{Path, PathBuf};
use std::process::Output;

use payctl_core::testing::TestDb;
pub use payctl_core::testing::{not_applicable, on_postgres};
use serde_json::Value;

/// The `payctl` binary built by cargo for this test run.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("payctl")
}

/// A `std::process::Command` for `payctl` with a cleared environment: no `PAYCTL_DB`,
/// `NO_COLOR`, failpoint or busy-timeout leaks in from the developer's shell.
pub fn base_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    cmd.env_clear();
    cmd
}

/// The path of `fixtures/sample.jsonl`.
pub fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/sample.jsonl")
}

/// The operations of `fixtures/sample.jsonl`, with their physical line numbers.
pub fn sample_lines() -> Vec<(usize, Value)> {
    let text = std::fs::read_to_string(sample_path()).expect("read fixtures/sample.jsonl");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, l)| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("sample line {}: {e}", i + 1));
            (i + 1, v)
        })
        .collect()
}

/// The effective time of the last sample line; later commands on a sample store must be at or
/// after it.
pub const AFTER_SAMPLE: &str = "2026-03-05T00:00:00Z";

/// One temporary store and the commands that run against it: a file in its own temp dir, or
/// (with `PAYCTL_TEST_DB=postgres://…`) a schema of its own on that server, dropped afterwards.
pub struct Store {
    // Declared first: dropped (its schema with it) before the directory.
    db: TestDb,
    dir: tempfile::TempDir,
}

impl Store {
    /// A fresh, not yet created store in its own temp dir.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::in_dir(dir.path(), "payctl.db");
        Store { db, dir }
    }

    /// A store with every line of `fixtures/sample.jsonl` applied.
    pub fn sample() -> Self {
        let store = Store::new();
        for (line, op) in sample_lines() {
            let out = store.line(&op, false);
            assert_eq!(
                out.status.code(),
                Some(0),
                "sample line {line} ({op}) failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        store
    }

    /// What `--db` names: the file, or the PostgreSQL location.
    pub fn path(&self) -> &Path {
        self.db.path()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `payctl --db <store> --actor test` with a cleared environment.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = base_command();
        cmd.arg("--db")
            .arg(self.db.path())
            .args(["--actor", "test"]);
        cmd
    }

    /// The same as an `assert_cmd` command, for fluent assertions.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command())
    }

    /// Runs `payctl <args>` (human output).
    pub fn run<S: AsRef<str>>(&self, args: &[S]) -> Output {
        self.command()
            .args(args.iter().map(|a| a.as_ref()))
            .output()
            .expect("run payctl")
    }

    /// Runs `payctl --json <args>` with extra environment variables; returns the exit code and
    /// the one JSON object printed on stdout.
    pub fn json_env<S: AsRef<str>>(&self, args: &[S], env: &[(&str, &str)]) -> (i32, Value) {
        let mut cmd = self.command();
        cmd.arg("--json").args(args.iter().map(|a| a.as_ref()));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run payctl");
        parse_json_output(&out)
    }

    /// Runs `payctl --json <args>`; returns the exit code and the JSON object on stdout.
    pub fn json<S: AsRef<str>>(&self, args: &[S]) -> (i32, Value) {
        self.json_env(args, &[])
    }

    /// Runs `payctl --json <args>` and insists on exit 0.
    pub fn ok<S: AsRef<str>>(&self, args: &[S]) -> Value {
        let (code, v) = self.json(args);
        let shown: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
        assert_eq!(code, 0, "payctl {shown:?} failed: {v}");
        v
    }

    /// Performs one import-format operation as the equivalent CLI command.
    pub fn line(&self, op: &Value, json: bool) -> Output {
        let mut cmd = self.command();
        if json {
            cmd.arg("--json");
        }
        cmd.args(line_args(op)).output().expect("run payctl")
    }

    /// Performs one import-format operation with `--json`; returns exit code and output object.
    pub fn line_json(&self, op: &Value) -> (i32, Value) {
        parse_json_output(&self.line(op, true))
    }

    /// `(events, head_hash)` from `payctl config --json`: the store's fingerprint.
    pub fn fingerprint(&self) -> (u64, String) {
        let v = self.ok(&["config"]);
        let events = v["events"].as_u64().expect("config.events is a number");
        let head = v["head_hash"]
            .as_str()
            .expect("config.head_hash is a string")
            .to_string();
        (events, head)
    }

    /// `(events, last hash, schema version)` read directly with the database's own client
    /// (for stores that payctl refuses to open).
    pub fn raw_fingerprint(&self) -> (u64, String, String) {
        let count = self.sql("SELECT count(*) FROM events;");
        let head = self.sql("SELECT hash FROM events ORDER BY seq DESC LIMIT 1;");
        let version = self.sql(if on_postgres() {
            "SELECT version FROM schema_version;"
        } else {
            "PRAGMA user_version;"
        });
        (count.parse().expect("count"), head, version)
    }

    /// The statement that sets the store's schema version.
    pub fn set_schema_version_sql(&self, version: u32) -> String {
        if on_postgres() {
            format!("UPDATE schema_version SET version = {version};")
        } else {
            format!("PRAGMA user_version={version};")
        }
    }

    /// The statement that drops the log's trigger `name` (`events_refuse_update`, `_delete`).
    pub fn drop_trigger_sql(&self, name: &str) -> String {
        if on_postgres() {
            format!("DROP TRIGGER {name} ON events; ")
        } else {
            format!("DROP TRIGGER {name}; ")
        }
    }

    /// The statements that drop both of the log's append-only triggers.
    pub fn no_triggers_sql(&self) -> String {
        self.drop_trigger_sql("events_refuse_update")
            + &self.drop_trigger_sql("events_refuse_delete")
    }

    /// The database's own client reading SQL from standard input (`sqlite3`, or `psql`).
    pub fn sql_shell(&self) -> std::process::Command {
        self.db.sql_shell()
    }

    /// The store's schema on the test server (`None` on SQLite).
    pub fn schema(&self) -> Option<&str> {
        self.db.schema()
    }

    /// The store as another role of the test server sees it (`None` on SQLite).
    pub fn as_role(&self, role: &str) -> Option<PathBuf> {
        self.db.as_role(role)
    }

    /// Runs SQL with the database's own client (`sqlite3`, or `psql` on PostgreSQL) against the
    /// store; panics on failure; returns trimmed stdout.
    pub fn sql(&self, sql: &str) -> String {
        let out = self.sql_output(sql);
        assert!(
            out.status.success(),
            "{sql:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_string()
    }

    /// Runs SQL with the database's own client; its output, whether it succeeded or not.
    pub fn sql_output(&self, sql: &str) -> Output {
        self.db
            .sql_cli()
            .arg(sql)
            .output()
            .expect("run sqlite3 or psql (is it installed?)")
    }

    /// `money balance M --json` → (balance, available) as strings.
    pub fn balance(&self, member: &str) -> (String, String) {
        let v = self.ok(&["money", "balance", member]);
        (
            v["balance"].as_str().expect("balance").to_string(),
            v["available"].as_str().expect("available").to_string(),
        )
    }

    /// `ledger balances --json` as `(account, balance)` pairs in output order.
    pub fn ledger_balances(&self) -> Vec<(String, i128)> {
        let v = self.ok(&["ledger", "balances"]);
        v["accounts"]
            .as_array()
            .expect("accounts array")
            .iter()
            .map(|a| {
                (
                    a["account"].as_str().expect("account").to_string(),
                    amount(&a["balance"]),
                )
            })
            .collect()
    }
}

/// Exit code and the single JSON object a `--json` run printed on stdout.
pub fn parse_json_output(out: &Output) -> (i32, Value) {
    let code = out.status.code().expect("payctl exited by a signal");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}); exit {code}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, v)
}

/// `error.code` of a JSON error object.
pub fn error_code(v: &Value) -> &str {
    v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error object: {v}"))
}

/// `error.message` of a JSON error object.
pub fn error_message(v: &Value) -> &str {
    v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error object: {v}"))
}

/// A decimal-string amount of a 0-minor-unit (KRW) store as an integer.
pub fn amount(v: &Value) -> i128 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("amount {v} is not a string"));
    s.parse()
        .unwrap_or_else(|e| panic!("amount {s:?} is not a whole number: {e}"))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("expected a string or number, got {other}"),
    }
}

/// Maps one import-format operation (shared/SPEC.md §7) to the equivalent `payctl` arguments,
/// carrying its `key` as `--idempotency-key` and its `at` as `--at`.
pub fn line_args(op: &Value) -> Vec<String> {
    let field = |name: &str| op.get(name).filter(|v| !v.is_null()).map(scalar);
    let req = |name: &str| field(name).unwrap_or_else(|| panic!("{op}: missing `{name}`"));
    let flag = |name: &str| op.get(name).and_then(Value::as_bool);
    let kind = op["op"].as_str().expect("op");

    let mut args: Vec<String> = Vec::new();
    let mut push = |a: &[&str]| args.extend(a.iter().map(|s| s.to_string()));
    match kind {
        "member.register" => {
            push(&[
                "member",
                "register",
                "--name",
                &req("name"),
                "--email",
                &req("email"),
            ]);
            if let Some(a) = field("address") {
                push(&["--address", &a]);
            }
            if flag("corporate") == Some(true) {
                push(&["--corporate"]);
            }
        }
        "member.update" => {
            push(&["member", "update", &req("member")]);
            if let Some(n) = field("name") {
                push(&["--name", &n]);
            }
            if let Some(a) = field("address") {
                push(&["--address", &a]);
            }
        }
        "member.deactivate" => push(&["member", "deactivate", &req("member")]),
        "bank.sim" => {
            push(&["bank", "sim", "set", &req("bank"), &req("account")]);
            if let Some(b) = field("balance") {
                push(&["--balance", &b]);
            }
            match flag("closed") {
                Some(true) => push(&["--closed"]),
                Some(false) => push(&["--open"]),
                None => {}
            }
        }
        "bank.link" => push(&[
            "bank",
            "link",
            &req("member"),
            "--bank",
            &req("bank"),
            "--account",
            &req("account"),
        ]),
        "merchant.register" => push(&[
            "merchant",
            "register",
            "--name",
            &req("name"),
            "--code",
            &req("code"),
            "--fee-rate",
            &req("fee_rate"),
            "--bank",
            &req("bank"),
            "--account",
            &req("account"),
        ]),
        "merchant.update" => {
            push(&["merchant", "update", &req("merchant")]);
            if let Some(r) = field("fee_rate") {
                push(&["--fee-rate", &r]);
            }
            if let Some(b) = field("bank") {
                push(&["--bank", &b]);
            }
            if let Some(a) = field("account") {
                push(&["--account", &a]);
            }
        }
        "money.recharge" => push(&["money", "recharge", &req("member"), &req("amount")]),
        "money.withdraw" => push(&["money", "withdraw", &req("member"), &req("amount")]),
        "pay" => {
            push(&["pay", &req("member"), &req("merchant"), &req("amount")]);
            if let Some(r) = field("ref") {
                push(&["--ref", &r]);
            }
            if flag("hold") == Some(true) {
                push(&["--hold"]);
            }
            if flag("auto_recharge") == Some(false) {
                push(&["--no-auto-recharge"]);
            }
        }
        "remit" => {
            push(&["remit", &req("from"), &req("amount")]);
            match field("to") {
                Some(to) => push(&["--to", &to]),
                None => push(&[
                    "--to-bank",
                    &req("to_bank"),
                    "--to-account",
                    &req("to_account"),
                ]),
            }
            if flag("auto_recharge") == Some(false) {
                push(&["--no-auto-recharge"]);
            }
        }
        "capture" | "refund" => {
            push(&[kind, &req("payment")]);
            if let Some(a) = field("amount") {
                push(&[&a]);
            }
        }
        "void" => push(&["void", &req("payment")]),
        "settle" => {
            push(&["settle"]);
            if let Some(m) = field("merchant") {
                push(&["--merchant", &m]);
            }
            if let Some(c) = field("cutoff") {
                push(&["--cutoff", &c]);
            }
        }
        other => panic!("no CLI mapping for op {other:?} ({op})"),
    }
    if let Some(k) = field("key") {
        push(&["--idempotency-key", &k]);
    }
    if let Some(at) = field("at") {
        push(&["--at", &at]);
    }
    args
}

/// Effective times for small hand-built stores (all before the wall clock, in order).
pub fn t(minute: u32) -> String {
    format!("2026-01-01T{:02}:{:02}:00Z", minute / 60, minute % 60)
}

impl Store {
    /// A store with `mem_1` (kim@example.com) whose primary account KB 111-11-111111 is linked,
    /// and 10,000 recharged into its wallet; the last event is at `t(2)`.
    pub fn funded() -> Self {
        let store = Store::linked();
        let v = store.ok(&["money", "recharge", "mem_1", "10000", "--at", &t(2)]);
        assert_eq!(v["id"], "rch_1");
        store
    }

    /// A store with `mem_1` (kim@example.com) whose primary account KB 111-11-111111 is linked,
    /// and an empty wallet; the last event is at `t(1)`.
    pub fn linked() -> Self {
        let store = Store::new();
        store.ok(&[
            "member",
            "register",
            "--name",
            "Kim",
            "--email",
            "kim@example.com",
            "--at",
            &t(0),
        ]);
        store.ok(&[
            "bank",
            "link",
            "mem_1",
            "--bank",
            "KB",
            "--account",
            "111-11-111111",
            "--at",
            &t(1),
        ]);
        store
    }
}

/// `PAYCTL_FULL=1` runs the reliability tests' full tier (more rounds, bigger workloads).
pub fn full_tier() -> bool {
    std::env::var("PAYCTL_FULL").is_ok_and(|v| v == "1")
}
