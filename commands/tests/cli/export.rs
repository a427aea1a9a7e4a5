//! `payctl export` (shared/SPEC.md §8): a journal that hledger and ledger-cli accept with the
//! same balances as `payctl ledger balances`, the event log as JSON Lines, the postings as CSV.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{Store, sample_path};
use crate::import::{demo_path, import};

/// A store with `fixtures/sample.jsonl` imported.
fn sample_store() -> Store {
    let store = Store::new();
    let (code, v) = import(&store, &[sample_path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    store
}

/// A store with `fixtures/demo.jsonl` imported (it has refusals on purpose: exit 3).
fn demo_store() -> Store {
    let store = Store::new();
    let (code, v) = import(&store, &[demo_path().to_str().unwrap()]);
    assert!(code == 0 || code == 3, "{v}");
    store
}

/// `ledger balances --json` as a map.
fn balances(store: &Store) -> BTreeMap<String, i128> {
    store.ledger_balances().into_iter().collect()
}

/// Whether an external tool can run. Missing under `CI` is a failure, elsewhere a skip.
fn tool_available(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{tool}` is not installed, and CI is set: it must be"
        );
        eprintln!("note: `{tool}` is not installed; skipping its checks");
    }
    found
}

/// Runs an external tool; insists on exit 0; returns stdout.
fn run_tool(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// An amount as a tool prints it: `48700 KRW`, `-200 KRW`, or a bare `0`.
fn krw(text: &str) -> i128 {
    let text = text.trim();
    let number = match text.strip_suffix("KRW") {
        Some(n) => n.trim(),
        None => {
            assert_eq!(text, "0", "an amount without the KRW commodity");
            text
        }
    };
    number
        .parse()
        .unwrap_or_else(|e| panic!("amount {text:?}: {e}"))
}

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, `\n` or `\r\n` row ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in CSV");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// `hledger -f FILE bal --flat --no-total -E -O csv` as a map (zero balances included).
fn hledger_balances(journal: &Path) -> BTreeMap<String, i128> {
    let text = run_tool(
        "hledger",
        &[
            "-f",
            journal.to_str().unwrap(),
            "bal",
            "--flat",
            "--no-total",
            "-E",
            "-O",
            "csv",
        ],
    );
    let rows = parse_csv(&text);
    assert_eq!(rows[0], ["account", "balance"], "{text}");
    rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), 2, "{r:?}");
            (r[0].clone(), krw(&r[1]))
        })
        .collect()
}

/// `ledger -f FILE bal --flat --no-total -E` with a tab-separated format, as a map.
fn ledger_cli_balances(journal: &Path) -> BTreeMap<String, i128> {
    let text = run_tool(
        "ledger",
        &[
            "-f",
            journal.to_str().unwrap(),
            "bal",
            "--flat",
            "--no-total",
            "-E",
            "--balance-format",
            "%(account)\t%(scrub(display_total))\n",
        ],
    );
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (account, amount) = l.split_once('\t').unwrap_or_else(|| panic!("{l:?}"));
            (account.to_string(), krw(amount))
        })
        .collect()
}

/// Exports the journal and checks it with hledger and ledger-cli against `ledger balances`.
fn check_journal(store: &Store) {
    let journal = store.dir().join("books.journal");
    let out = store.run(&[
        "export",
        "--format",
        "ledger",
        "--output",
        journal.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&journal).expect("read journal");
    let expected = balances(store);
    assert!(!expected.is_empty());
    assert!(text.contains(" KRW"), "commodity KRW, not a symbol");
    assert!(!text.contains('₩'), "commodity KRW, not a symbol");

    if tool_available("hledger") {
        assert_eq!(hledger_balances(&journal), expected, "hledger bal");
        run_tool("hledger", &["-f", journal.to_str().unwrap(), "print"]);

        // `export` to stdout piped into `hledger -f - bal` (the SPEC's own words).
        let export = store.run(&["export", "--format", "ledger"]);
        assert_eq!(export.status.code(), Some(0));
        assert_eq!(
            export.stdout,
            text.as_bytes(),
            "--output writes stdout's bytes"
        );
        let mut child = Command::new("hledger")
            .args(["-f", "-", "bal", "--flat", "--no-total", "-E", "-O", "csv"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hledger");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&export.stdout)
            .expect("feed hledger");
        let out = child.wait_with_output().expect("hledger");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let piped: BTreeMap<String, i128> = parse_csv(&String::from_utf8_lossy(&out.stdout))[1..]
            .iter()
            .map(|r| (r[0].clone(), krw(&r[1])))
            .collect();
        assert_eq!(piped, expected, "hledger -f - bal");
    }
    if tool_available("ledger") {
        run_tool("ledger", &["-f", journal.to_str().unwrap(), "bal"]);
        assert_eq!(ledger_cli_balances(&journal), expected, "ledger bal");
    }
}

#[test]
fn the_ledger_export_of_the_sample_has_payctls_balances_in_hledger_and_ledger() {
    let store = sample_store();
    check_journal(&store);
}

#[test]
fn the_ledger_export_of_the_demo_has_payctls_balances_in_hledger_and_ledger() {
    let store = demo_store();
    check_journal(&store);
}

#[test]
fn the_jsonl_export_is_the_event_log_in_order_with_envelopes() {
    let store = sample_store();
    let config = store.ok(&["config"]);
    let events = config["events"].as_u64().expect("events");

    let out = store.run(&["export", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();

    assert_eq!(lines.len() as u64, events, "one line per event");
    let mut last_effective = String::new();
    for (i, e) in lines.iter().enumerate() {
        assert_eq!(e["seq"], i as u64 + 1, "seqs 1..N in order: {e}");
        for field in [
            "stream",
            "kind",
            "recorded_at",
            "effective_at",
            "actor",
            "hash",
        ] {
            assert!(e[field].is_string(), "{field} in {e}");
        }
        for field in ["version", "schema"] {
            assert!(e[field].is_u64(), "{field} in {e}");
        }
        assert!(e["payload"].is_object(), "{e}");
        assert!(
            e["idempotency_key"].is_string() || e["idempotency_key"].is_null(),
            "{e}"
        );
        let hash = e["hash"].as_str().unwrap();
        assert_eq!(hash.len(), 64, "{e}");
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{e}");
        assert_eq!(e["actor"], "test", "{e}");
        // The store's creation (event 1) is outside business time (SPEC §6 `--at`).
        if i > 0 {
            let effective = e["effective_at"].as_str().unwrap().to_string();
            assert!(
                effective >= last_effective,
                "time never goes backwards: {e}"
            );
            last_effective = effective;
        }
    }
    assert_eq!(
        lines.last().unwrap()["hash"],
        config["head_hash"],
        "the last event is the head"
    );
    // The sample's keys are on its events.
    assert!(lines.iter().any(|e| e["idempotency_key"] == "s-8"));
}

#[test]
fn the_csv_export_lists_balanced_postings_that_sum_to_the_ledger_balances() {
    let store = demo_store();
    let out = store.run(&["export", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rows = parse_csv(&text);

    assert_eq!(
        rows[0],
        [
            "seq",
            "date",
            "at",
            "description",
            "account",
            "amount",
            "commodity"
        ]
    );
    assert!(rows.len() > 1);
    let mut per_seq: BTreeMap<u64, i128> = BTreeMap::new();
    let mut per_account: BTreeMap<String, i128> = BTreeMap::new();
    let mut last_seq = 0;
    for r in &rows[1..] {
        assert_eq!(r.len(), 7, "{r:?}");
        let seq: u64 = r[0].parse().unwrap_or_else(|e| panic!("{r:?}: {e}"));
        assert!(seq >= last_seq, "postings in log order: {r:?}");
        last_seq = seq;
        assert!(r[2].starts_with(&r[1]), "date is the day of at: {r:?}");
        assert_eq!(r[6], "KRW", "{r:?}");
        let amount: i128 = r[5].parse().unwrap_or_else(|e| panic!("{r:?}: {e}"));
        *per_seq.entry(seq).or_default() += amount;
        *per_account.entry(r[4].clone()).or_default() += amount;
    }
    for (seq, sum) in &per_seq {
        assert_eq!(*sum, 0, "postings of seq {seq} sum to {sum}");
    }
    let expected = balances(&store);
    for (account, balance) in &expected {
        assert_eq!(
            per_account.get(account).copied().unwrap_or(0),
            *balance,
            "{account}"
        );
    }
    for account in per_account.keys() {
        assert!(expected.contains_key(account), "{account} not in balances");
    }

    // --output writes the same bytes.
    let file = store.dir().join("postings.csv");
    let out = store.run(&[
        "export",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}
