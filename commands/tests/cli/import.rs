//! `payctl import` (shared/SPEC.md §7, §3 "Idempotency identity" and "Import report"): validate
//! the whole file first, then apply line by line; derived keys make re-imports apply nothing
//! twice; the report names every operation by its physical line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::common::{Store, error_code, parse_json_output, sample_path};

/// The path of `fixtures/demo.jsonl` (`payctl demo` with its defaults).
pub fn demo_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo.jsonl")
}

/// The physical (1-based) line numbers of the operations of a JSON Lines file: every line that
/// is neither blank nor a `#` comment.
pub fn operation_lines(path: &Path) -> Vec<u64> {
    let text = std::fs::read_to_string(path).expect("read the import file");
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

/// The operations of a JSON Lines file, parsed.
fn operations(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read the import file")
        .lines()
        .filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// `payctl --json import <args>`: exit code and the summary (or error) object.
pub fn import<S: AsRef<str>>(store: &Store, args: &[S]) -> (i32, Value) {
    let mut all = vec!["import".to_string()];
    all.extend(args.iter().map(|a| a.as_ref().to_string()));
    store.json(&all)
}

/// Reads a `--report` file: one JSON object per line.
pub fn read_report(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read report {}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("report line {l:?}: {e}")))
        .collect()
}

/// `verify --digest --json` (insisting on exit 0 and `ok`): the projection digest.
pub fn digest(store: &Store) -> String {
    let v = store.ok(&["verify", "--digest"]);
    assert_eq!(v["ok"], true, "{v}");
    let d = v["projection_digest"]
        .as_str()
        .unwrap_or_else(|| panic!("no projection_digest in {v}"))
        .to_string();
    assert_eq!(d.len(), 64, "{d}");
    assert!(d.bytes().all(|b| b.is_ascii_hexdigit()), "{d}");
    d
}

fn count(summary: &Value, field: &str) -> u64 {
    summary[field]
        .as_u64()
        .unwrap_or_else(|| panic!("summary.{field} is not a count: {summary}"))
}

/// Checks that a summary's counts add up; returns (applied, replayed, rejected).
fn counts(summary: &Value, operations: u64) -> (u64, u64, u64) {
    let (applied, replayed, rejected) = (
        count(summary, "applied"),
        count(summary, "replayed"),
        count(summary, "rejected"),
    );
    assert_eq!(count(summary, "operations"), operations, "{summary}");
    assert_eq!(applied + replayed + rejected, operations, "{summary}");
    for field in ["commits", "elapsed_ms", "ops_per_sec"] {
        count(summary, field);
    }
    (applied, replayed, rejected)
}

fn statuses(report: &[Value]) -> Vec<&str> {
    report
        .iter()
        .map(|r| r["status"].as_str().expect("status"))
        .collect()
}

fn lines_of(report: &[Value]) -> Vec<u64> {
    report
        .iter()
        .map(|r| r["line"].as_u64().expect("line"))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the import file");
    path
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn importing_the_demo_into_a_fresh_store_reports_every_line_and_verifies() {
    let store = Store::new();
    let demo = demo_path();
    let report_path = store.dir().join("report.jsonl");
    let expected_lines = operation_lines(&demo);
    let ops = operations(&demo);
    assert_eq!(expected_lines.len(), 2099, "fixtures/demo.jsonl changed");

    let (code, summary) = import(
        &store,
        &[path_str(&demo), "--report", path_str(&report_path)],
    );

    let (applied, replayed, rejected) = counts(&summary, expected_lines.len() as u64);
    assert_eq!(
        replayed, 0,
        "a fresh store has nothing to replay: {summary}"
    );
    assert_eq!(summary["dry_run"], false, "{summary}");
    assert!(applied > 0, "{summary}");
    assert_eq!(
        code,
        if rejected > 0 { 3 } else { 0 },
        "exit 3 exactly when a line was rejected: {summary}"
    );

    let report = read_report(&report_path);
    assert_eq!(report.len(), expected_lines.len(), "one report line each");
    assert_eq!(lines_of(&report), expected_lines, "physical line numbers");
    assert!(lines_of(&report).windows(2).all(|w| w[0] < w[1]));
    for (r, op) in report.iter().zip(&ops) {
        assert_eq!(r["key"], op["key"], "the line's own key: {r}");
        match r["status"].as_str() {
            Some("applied") => assert!(r.get("code").is_none(), "{r}"),
            Some("rejected") => {
                assert!(r["code"].is_string(), "{r}");
                assert!(r["message"].is_string(), "{r}");
                assert!(r.get("id").is_none(), "{r}");
            }
            _ => panic!("a first import applies or rejects: {r}"),
        }
    }
    let st = statuses(&report);
    assert_eq!(
        st.iter().filter(|s| **s == "applied").count() as u64,
        applied
    );
    assert_eq!(
        st.iter().filter(|s| **s == "rejected").count() as u64,
        rejected
    );

    let v = store.ok(&["verify"]);
    assert_eq!(v["ok"], true, "{v}");
}

#[test]
fn importing_the_same_file_twice_replays_every_line_with_its_original_outcome() {
    let store = Store::new();
    let demo = demo_path();
    let first_path = store.dir().join("first.jsonl");
    let second_path = store.dir().join("second.jsonl");
    let (_, first_summary) = import(
        &store,
        &[path_str(&demo), "--report", path_str(&first_path)],
    );
    let operations = count(&first_summary, "operations");
    let rejected_first = count(&first_summary, "rejected");
    let before = store.fingerprint();

    let (code, summary) = import(
        &store,
        &[path_str(&demo), "--report", path_str(&second_path)],
    );

    // A replayed refusal is a refusal (exit 3), as it is for a single command.
    assert_eq!(
        code, 3,
        "the first import's refusals are replayed: {summary}"
    );
    assert_eq!(
        counts(&summary, operations),
        (0, operations, 0),
        "{summary}"
    );
    assert_eq!(
        count(&summary, "replayed_rejected"),
        rejected_first,
        "{summary}"
    );
    assert_eq!(store.fingerprint(), before, "a replay records no event");

    let first = read_report(&first_path);
    let second = read_report(&second_path);
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(b["status"], "replayed", "{b}");
        assert_eq!(a["line"], b["line"]);
        assert_eq!(a["key"], b["key"]);
        // The original outcome: the original id (or settlements), or the original code.
        assert_eq!(a.get("id"), b.get("id"), "line {}: {a} vs {b}", a["line"]);
        assert_eq!(a.get("settled"), b.get("settled"), "{a} vs {b}");
        assert_eq!(
            a.get("code"),
            b.get("code"),
            "line {}: {a} vs {b}",
            a["line"]
        );
    }
    assert!(
        first.iter().any(|r| r["status"] == "rejected"),
        "the demo has refusals whose replays are checked"
    );
}

const KEYLESS_V1: &str = r#"{"op":"member.register","name":"Ahn Yuna","email":"ahn@example.com"}
{"op":"member.register","name":"Baek Jisu","email":"baek@example.com"}
{"op":"member.register","name":"Cha Minho","email":"cha@example.com"}
{"op":"bank.link","member":"mem_1","bank":"KB","account":"111-11-111111"}
{"op":"merchant.register","name":"Corner Cafe","code":"CAFE","fee_rate":"1.50","bank":"SHINHAN","account":"222-22-222222"}
{"op":"money.recharge","member":"mem_1","amount":"10000"}
{"op":"money.recharge","member":"mem_1","amount":"10000"}
{"op":"pay","member":"mem_1","merchant":"CAFE","amount":"3000"}
{"op":"remit","from":"mem_1","to":"mem_2","amount":"4000"}
"#;

/// `KEYLESS_V1` with a new recharge between the two identical ones (line 7) and a new remit
/// (line 10).
const KEYLESS_V2: &str = r#"{"op":"member.register","name":"Ahn Yuna","email":"ahn@example.com"}
{"op":"member.register","name":"Baek Jisu","email":"baek@example.com"}
{"op":"member.register","name":"Cha Minho","email":"cha@example.com"}
{"op":"bank.link","member":"mem_1","bank":"KB","account":"111-11-111111"}
{"op":"merchant.register","name":"Corner Cafe","code":"CAFE","fee_rate":"1.50","bank":"SHINHAN","account":"222-22-222222"}
{"op":"money.recharge","member":"mem_1","amount":"10000"}
{"op":"money.recharge","member":"mem_1","amount":"5000"}
{"op":"money.recharge","member":"mem_1","amount":"10000"}
{"op":"pay","member":"mem_1","merchant":"CAFE","amount":"3000"}
{"op":"remit","from":"mem_1","to":"mem_3","amount":"2000"}
{"op":"remit","from":"mem_1","to":"mem_2","amount":"4000"}
"#;

fn is_derived_key(key: &str) -> bool {
    let parts: Vec<&str> = key.split(':').collect();
    parts.len() == 3
        && parts[0] == "import"
        && !parts[1].is_empty()
        && parts[1].bytes().all(|b| b.is_ascii_hexdigit())
        && parts[2].parse::<u32>().is_ok_and(|n| n >= 1)
}

#[test]
fn keyless_lines_get_derived_keys_so_inserting_lines_applies_only_the_new_ones() {
    let store = Store::new();
    let v1 = write(store.dir(), "v1.jsonl", KEYLESS_V1);
    let v2 = write(store.dir(), "v2.jsonl", KEYLESS_V2);
    let r1 = store.dir().join("r1.jsonl");
    let r2 = store.dir().join("r2.jsonl");

    let (code, summary) = import(&store, &[path_str(&v1), "--report", path_str(&r1)]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(counts(&summary, 9), (9, 0, 0), "{summary}");
    let first = read_report(&r1);
    for r in &first {
        assert!(is_derived_key(r["key"].as_str().expect("key")), "{r}");
    }
    // The two identical recharges are two recharges: same content, occurrences 1 and 2.
    let (k6, k7) = (
        first[5]["key"].as_str().unwrap(),
        first[6]["key"].as_str().unwrap(),
    );
    assert_ne!(k6, k7);
    assert_eq!(
        k6.rsplit_once(':').unwrap().0,
        k7.rsplit_once(':').unwrap().0
    );
    assert!(k6.ends_with(":1") && k7.ends_with(":2"), "{k6} {k7}");
    assert_eq!(first[5]["id"], "rch_1");
    assert_eq!(first[6]["id"], "rch_2");
    assert_eq!(store.balance("mem_1").0, "13000");
    let before_v2 = store.fingerprint();

    let (code, summary) = import(&store, &[path_str(&v2), "--report", path_str(&r2)]);

    assert_eq!(code, 0, "{summary}");
    assert_eq!(counts(&summary, 11), (2, 9, 0), "{summary}");
    let second = read_report(&r2);
    assert_eq!(lines_of(&second), (1..=11).collect::<Vec<_>>());
    let applied: Vec<u64> = second
        .iter()
        .filter(|r| r["status"] == "applied")
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(applied, [7, 10], "exactly the inserted lines apply");
    assert!(
        second
            .iter()
            .filter(|r| r["line"] != 7 && r["line"] != 10)
            .all(|r| r["status"] == "replayed"),
        "{second:?}"
    );
    // The old lines keep their keys and outcomes, wherever they moved.
    let old_lines: Vec<&Value> = second
        .iter()
        .filter(|r| r["line"] != 7 && r["line"] != 10)
        .collect();
    for (a, b) in first.iter().zip(old_lines) {
        assert_eq!(a["key"], b["key"], "{a} vs {b}");
        assert_eq!(a["id"], b["id"], "{a} vs {b}");
    }
    assert_eq!(second[6]["id"], "rch_3", "{}", second[6]);
    assert_eq!(second[9]["id"], "rem_2", "{}", second[9]);
    assert!(store.fingerprint().0 > before_v2.0);

    // Each operation counted once: 10,000 + 10,000 + 5,000 in; 3,000 paid; 4,000 and 2,000 sent.
    assert_eq!(store.balance("mem_1").0, "16000");
    assert_eq!(store.balance("mem_2").0, "4000");
    assert_eq!(store.balance("mem_3").0, "2000");
    let balances = store.ledger_balances();
    let house = balances
        .iter()
        .find(|(a, _)| a == "assets:bank:house")
        .expect("house account");
    assert_eq!(house.1, 25000, "{balances:?}");

    // A third import of v2 applies nothing.
    let before = store.fingerprint();
    let (code, summary) = import(&store, &[path_str(&v2)]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(counts(&summary, 11), (0, 11, 0), "{summary}");
    assert_eq!(store.fingerprint(), before);
}

/// Good lines at 2, 6 and 8 (new members); bad lines at 3 (unknown op), 5 (amount `1e3`) and 7
/// (not JSON); a comment at 1 and a blank line at 4.
const MALFORMED: &str = r#"# three bad lines among good ones
{"op":"member.register","name":"Good One","email":"good1@example.com","key":"m-1"}
{"op":"member.fly","name":"Nobody","key":"m-2"}

{"op":"money.recharge","member":"mem_1","amount":"1e3","key":"m-3"}
{"op":"member.register","name":"Good Two","email":"good2@example.com","key":"m-4"}
{"op":"member.register", "name": "Broken" "email": "broken@example.com"}
{"op":"member.register","name":"Good Three","email":"good3@example.com"}
"#;

#[test]
fn malformed_lines_are_all_reported_by_line_and_nothing_is_applied() {
    let store = Store::new();
    let (code, _) = import(&store, &[path_str(&sample_path())]);
    assert_eq!(code, 0);
    let file = write(store.dir(), "bad.jsonl", MALFORMED);
    let before = store.fingerprint();

    let (code, v) = import(&store, &[path_str(&file)]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    let malformed = v["malformed"].as_array().expect("malformed array");
    let lines: Vec<u64> = malformed
        .iter()
        .map(|m| m["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [3, 5, 7], "{v}");
    let message = |i: usize| malformed[i]["message"].as_str().expect("message");
    assert!(message(0).contains("member.fly"), "{}", message(0));
    assert!(message(1).contains("1e3"), "{}", message(1));
    assert!(!message(2).is_empty());
    assert_eq!(store.fingerprint(), before, "nothing applied");

    // Human mode: each bad line on stderr as `line N: …`, and only those.
    let out = store.run(&["import", path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for n in [3, 5, 7] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&format!("line {n}: "))),
            "line {n} missing from stderr:\n{stderr}"
        );
    }
    for n in [1, 2, 4, 6, 8] {
        assert!(
            !stderr
                .lines()
                .any(|l| l.starts_with(&format!("line {n}: "))),
            "good line {n} reported:\n{stderr}"
        );
    }
    assert_eq!(store.fingerprint(), before, "nothing applied");
    let (code, v) = store.json(&["member", "show", "good1@example.com"]);
    assert_eq!(code, 4, "{v}");

    // On a missing store: no operation is applied (an empty store may be created).
    let missing = Store::new();
    let (code, v) = import(&missing, &[path_str(&file)]);
    assert_eq!(code, 2, "{v}");
    let (code, config) = missing.json(&["config"]);
    match code {
        0 => assert_eq!(config["events"], 1, "only the store's creation: {config}"),
        6 => assert_eq!(error_code(&config), "store_missing"),
        other => panic!("config: exit {other}: {config}"),
    }
}

/// A CSV cell: empty for an absent field, `true`/`false` for booleans, quoted when needed.
fn csv_cell(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => panic!("no CSV form for {other}"),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The operations of a JSON Lines file as CSV: header = union of the fields, `op` first.
fn to_csv(ops: &[Value]) -> String {
    let mut header = vec!["op".to_string()];
    for op in ops {
        for k in op.as_object().expect("object").keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let mut out = header.join(",");
    out.push('\n');
    for op in ops {
        let row: Vec<String> = header.iter().map(|h| csv_cell(op.get(h))).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn a_csv_import_ends_in_the_same_state_as_the_equivalent_jsonl_import() {
    let ops = operations(&sample_path());
    let csv_text = to_csv(&ops);
    assert!(
        csv_text.contains("\"Gangnam-gu, Seoul\""),
        "addresses with commas are quoted"
    );
    assert!(csv_text.contains(",true,"), "booleans as true/false");

    let a = Store::new();
    let csv_file = write(a.dir(), "sample.csv", &csv_text);
    let csv_report = a.dir().join("csv-report.jsonl");
    let (code, summary_a) = import(
        &a,
        &[
            path_str(&csv_file),
            "--format",
            "csv",
            "--report",
            path_str(&csv_report),
        ],
    );
    assert_eq!(code, 0, "{summary_a}");
    assert_eq!(counts(&summary_a, ops.len() as u64), (23, 0, 0));

    let b = Store::new();
    let jsonl_report = b.dir().join("jsonl-report.jsonl");
    let (code, summary_b) = import(
        &b,
        &[
            path_str(&sample_path()),
            "--report",
            path_str(&jsonl_report),
        ],
    );
    assert_eq!(code, 0, "{summary_b}");

    assert_eq!(digest(&a), digest(&b), "same projections");
    assert_eq!(a.ok(&["ledger", "balances"]), b.ok(&["ledger", "balances"]));
    assert_eq!(a.fingerprint().0, b.fingerprint().0, "same event count");
    assert_eq!(a.balance("mem_1").0, "47000");

    // Same outcomes; a CSV row's line is its physical line (the header is line 1).
    let (ra, rb) = (read_report(&csv_report), read_report(&jsonl_report));
    assert_eq!(lines_of(&ra), (2..=24).collect::<Vec<_>>());
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(x["key"], y["key"]);
        assert_eq!(x["status"], y["status"]);
        assert_eq!(x.get("id"), y.get("id"));
    }
}

/// Runs a CSV import with a report; returns the report's line numbers.
fn csv_report_lines(csv_text: &str) -> Vec<u64> {
    let store = Store::new();
    let file = write(store.dir(), "ops.csv", csv_text);
    let report = store.dir().join("report.jsonl");
    let (code, summary) = import(&store, &[path_str(&file), "--report", path_str(&report)]);
    assert_eq!(code, 0, "{summary}");
    lines_of(&read_report(&report))
}

#[test]
fn a_crlf_csv_report_gives_each_row_its_physical_line() {
    let csv_text = "op,name,email\r\n\
                    member.register,Ahn Yuna,ahn@example.com\r\n\
                    member.register,Baek Jisu,baek@example.com\r\n";
    assert_eq!(csv_report_lines(csv_text), [2, 3]);
}

#[test]
fn a_csv_report_counts_comment_and_blank_lines() {
    let csv_text = "op,name,email\n\
                    member.register,Ahn Yuna,ahn@example.com\n\
                    # a comment\n\
                    \n\
                    member.register,Baek Jisu,baek@example.com\n";
    assert_eq!(csv_report_lines(csv_text), [2, 5]);
}

#[test]
fn a_dry_run_reports_the_outcomes_and_commits_nothing() {
    let store = Store::new();
    store.ok(&["init", "--at", "2026-01-01T00:00:00Z"]);
    let before = store.fingerprint();
    let report_path = store.dir().join("dry.jsonl");

    let (code, summary) = import(
        &store,
        &[
            path_str(&sample_path()),
            "--dry-run",
            "--report",
            path_str(&report_path),
        ],
    );

    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["dry_run"], true, "{summary}");
    assert_eq!(counts(&summary, 23), (23, 0, 0), "{summary}");
    assert_eq!(summary["commits"], 0, "{summary}");
    assert_eq!(store.fingerprint(), before, "nothing committed");
    let dry = read_report(&report_path);
    assert_eq!(lines_of(&dry), operation_lines(&sample_path()));
    assert!(dry.iter().all(|r| r["status"] == "applied"), "{dry:?}");
    assert_eq!(dry[0]["id"], "mem_1");

    // The dry run's outcomes are those of the real import.
    let real_path = store.dir().join("real.jsonl");
    let (code, _) = import(
        &store,
        &[path_str(&sample_path()), "--report", path_str(&real_path)],
    );
    assert_eq!(code, 0);
    assert_eq!(read_report(&real_path), dry);
}

#[test]
fn require_keys_refuses_a_keyless_line_by_its_number() {
    let store = Store::new();
    store.ok(&["init", "--at", "2026-01-01T00:00:00Z"]);
    let file = write(
        store.dir(),
        "keys.jsonl",
        "{\"op\":\"member.register\",\"name\":\"Ahn Yuna\",\"email\":\"ahn@example.com\",\"key\":\"k-1\"}\n\
         \n\
         {\"op\":\"member.register\",\"name\":\"Baek Jisu\",\"email\":\"baek@example.com\"}\n",
    );
    let before = store.fingerprint();

    let (code, v) = import(&store, &[path_str(&file), "--require-keys"]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    let malformed = v["malformed"].as_array().expect("malformed");
    assert_eq!(malformed.len(), 1, "{v}");
    assert_eq!(malformed[0]["line"], 3, "{v}");
    assert!(
        malformed[0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("key"),
        "{v}"
    );
    let out = store.run(&["import", path_str(&file), "--require-keys"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("line 3: ")),
        "{stderr}"
    );
    assert_eq!(store.fingerprint(), before, "nothing applied");

    // Without the flag the same file imports.
    let (code, summary) = import(&store, &[path_str(&file)]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(counts(&summary, 2), (2, 0, 0));
}

#[test]
fn importing_from_standard_input_works_like_a_file() {
    let store = Store::new();
    let report_path = store.dir().join("stdin.jsonl");
    let mut child = store
        .command()
        .args(["--json", "import", "-", "--report", path_str(&report_path)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payctl import -");
    let input = std::fs::read(sample_path()).expect("read sample");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&input).expect("write to payctl's stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let (code, summary) = parse_json_output(&out);

    assert_eq!(code, 0, "{summary}");
    assert_eq!(counts(&summary, 23), (23, 0, 0));
    assert_eq!(store.balance("mem_1").0, "47000");
    assert_eq!(
        lines_of(&read_report(&report_path)),
        operation_lines(&sample_path())
    );

    let from_file = Store::new();
    let (code, _) = import(&from_file, &[path_str(&sample_path())]);
    assert_eq!(code, 0);
    assert_eq!(digest(&store), digest(&from_file));
}

#[test]
fn a_line_earlier_than_the_last_effective_time_is_rejected_alone() {
    let store = Store::new();
    let file = write(
        store.dir(),
        "times.jsonl",
        "{\"op\":\"member.register\",\"name\":\"Ahn Yuna\",\"email\":\"ahn@example.com\",\"at\":\"2026-01-01T10:00:00Z\"}\n\
         {\"op\":\"member.register\",\"name\":\"Baek Jisu\",\"email\":\"baek@example.com\",\"at\":\"2026-01-01T09:00:00Z\"}\n\
         {\"op\":\"member.register\",\"name\":\"Cha Minho\",\"email\":\"cha@example.com\",\"at\":\"2026-01-01T11:00:00Z\"}\n",
    );
    let report_path = store.dir().join("report.jsonl");

    let (code, summary) = import(
        &store,
        &[path_str(&file), "--report", path_str(&report_path)],
    );

    assert_eq!(code, 3, "{summary}");
    assert_eq!(counts(&summary, 3), (2, 0, 1), "{summary}");
    let report = read_report(&report_path);
    assert_eq!(statuses(&report), ["applied", "rejected", "applied"]);
    assert_eq!(report[1]["line"], 2);
    assert_eq!(report[1]["code"], "invalid_input", "{}", report[1]);
    assert_eq!(report[0]["id"], "mem_1");
    assert_eq!(report[2]["id"], "mem_2", "a rejected line consumes no id");
    let (code, v) = store.json(&["member", "show", "baek@example.com"]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(
        store.ok(&["member", "show", "cha@example.com"])["id"],
        "mem_2"
    );
    assert_eq!(store.ok(&["verify"])["ok"], true);
}

/// SPEC §7: an import exits 3 when a line is refused, and a line replayed from an earlier
/// refusal is refused again; one that only replays successes exits 0.
#[test]
fn reimporting_a_file_with_refused_lines_exits_3_and_says_they_were_replayed() {
    let store = Store::new();
    let file = write(
        store.dir(),
        "ops.jsonl",
        r#"{"op":"member.register","name":"Kim","email":"k@example.com","at":"2026-03-02T09:00:00Z"}
{"op":"money.withdraw","member":"mem_1","amount":"1000","at":"2026-03-02T09:01:00Z"}
"#,
    );
    let (code, _) = import(&store, &[path_str(&file)]);
    assert_eq!(code, 3, "the withdrawal is refused (no linked account)");
    let out = store.run(&["import", path_str(&file)]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "replayed refusal is still a refusal"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 replayed (1 of them refusals again)"),
        "{stderr}"
    );

    let only_ok = write(
        store.dir(),
        "ok.jsonl",
        r#"{"op":"member.register","name":"Lee","email":"l@example.com","at":"2026-03-02T09:02:00Z"}
"#,
    );
    assert_eq!(import(&store, &[path_str(&only_ok)]).0, 0);
    assert_eq!(
        import(&store, &[path_str(&only_ok)]).0,
        0,
        "replayed successes exit 0"
    );
}

/// A single command replayed from a refusal says "(replayed)" in human output too.
#[test]
fn a_replayed_refusal_says_so_in_human_output() {
    let store = Store::new();
    store.ok(&[
        "member",
        "register",
        "--name",
        "Kim",
        "--email",
        "k@example.com",
    ]);
    let args = [
        "money",
        "withdraw",
        "mem_1",
        "1000",
        "--idempotency-key",
        "w1",
    ];
    let first = store.run(&args);
    assert_eq!(first.status.code(), Some(3));
    assert!(!String::from_utf8_lossy(&first.stderr).contains("(replayed)"));
    let again = store.run(&args);
    assert_eq!(again.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("(replayed)"), "{stderr}");
}

/// A misspelt CSV column (`hodl` for `hold`) stops the import in the first pass (exit 2, naming
/// the column), as an unknown JSON field does: it would otherwise capture a held payment.
#[test]
fn an_unknown_csv_column_is_malformed_and_nothing_is_applied() {
    let store = Store::new();
    let file = write(
        store.dir(),
        "ops.csv",
        "op,name,email,member,merchant,amount,ref,hodl\n\
         member.register,Kim,k@example.com,,,,,\n\
         pay,,,mem_1,SHOP,1000,order-1,true\n",
    );
    let (code, v) = import(&store, &[path_str(&file)]);
    assert_eq!((code, error_code(&v)), (2, "invalid_input"), "{v}");
    assert!(v.to_string().contains("hodl"), "names the column: {v}");
    assert_eq!(v["malformed"][0]["line"], 1, "the header line: {v}");
    assert_eq!(
        store.fingerprint().0,
        1,
        "nothing applied (the store's creation only)"
    );
}

/// A non-empty cell in a column the line's op does not take is malformed, as in JSON Lines.
#[test]
fn a_csv_cell_the_op_does_not_take_is_malformed() {
    let store = Store::new();
    let file = write(
        store.dir(),
        "ops.csv",
        "op,name,email,hold\nmember.register,Kim,k@example.com,true\n",
    );
    let (code, v) = import(&store, &[path_str(&file)]);
    assert_eq!(code, 2, "{v}");
    assert!(v.to_string().contains("hold"), "{v}");
}

/// Every field of SPEC §7 is a column CSV takes.
#[test]
fn a_csv_header_with_every_field_is_accepted() {
    let store = Store::new();
    let header = "op,key,at,name,email,address,corporate,member,bank,account,balance,closed,amount,\
                  from,to,to_bank,to_account,auto_recharge,code,fee_rate,merchant,ref,hold,payment,cutoff";
    let file = write(
        store.dir(),
        "ops.csv",
        &format!(
            "{header}\nmember.register,,2026-03-02T09:00:00Z,Kim,k@example.com{}\n",
            ",".repeat(20)
        ),
    );
    let (code, v) = import(&store, &[path_str(&file)]);
    assert_eq!(code, 0, "{v}");
}
