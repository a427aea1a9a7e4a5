//! What an import tells its operator (issue 16, item 10): the summary lists the first refused
//! lines and points to `--report` for the rest; a byte order mark opens JSON Lines as it opens
//! CSV; `demo --load` refuses a store that already has a history.

use std::path::{Path, PathBuf};

use crate::common::{Store, error_code, error_message};

/// A member without a linked account, then `refusals` withdrawals it cannot make.
fn refusing_file(dir: &Path, refusals: usize) -> PathBuf {
    let mut text = String::from(
        "{\"op\":\"member.register\",\"name\":\"Kim\",\"email\":\"kim@example.com\",\
         \"at\":\"2026-01-01T00:00:00Z\"}\n",
    );
    for i in 0..refusals {
        text.push_str(&format!(
            "{{\"op\":\"money.withdraw\",\"member\":\"mem_1\",\"amount\":\"{}\",\
             \"at\":\"2026-01-01T00:01:00Z\"}}\n",
            1000 + i
        ));
    }
    let path = dir.join("refusals.jsonl");
    std::fs::write(&path, text).expect("write the import file");
    path
}

#[test]
fn the_summary_lists_the_first_ten_refused_lines_and_points_to_report_for_the_rest() {
    let store = Store::new();
    let file = refusing_file(store.dir(), 12);
    let file = file.to_str().expect("utf-8 path");

    let out = store.run(&["import", file]);

    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Refused lines (first 10 of 12):"),
        "{stderr}"
    );
    for line in 2..=11 {
        assert!(
            stderr.contains(&format!("  line {line}: ")),
            "line {line}: {stderr}"
        );
    }
    assert!(
        !stderr.contains("  line 12: "),
        "only the first 10: {stderr}"
    );
    assert!(
        stderr.contains("2 more refused") && stderr.contains("--report PATH"),
        "{stderr}"
    );
    let listed = stderr
        .lines()
        .find(|l| l.starts_with("  line 2: "))
        .expect("line 2 listed");
    let (_, code_and_message) = listed.split_once(": ").expect("line: code: message");
    let (code, message) = code_and_message.split_once(": ").expect("code: message");
    assert!(
        code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{listed}"
    );
    assert!(!message.is_empty(), "{listed}");
}

#[test]
fn a_reimport_lists_replayed_refusals_and_names_the_report_file() {
    let store = Store::new();
    let file = refusing_file(store.dir(), 3);
    let file = file.to_str().expect("utf-8 path");
    let report = store.dir().join("report.jsonl");
    let report = report.to_str().expect("utf-8 path");
    assert_eq!(store.run(&["import", file]).status.code(), Some(3));

    let out = store.run(&["import", file, "--report", report]);

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Refused lines:"), "{stderr}");
    assert!(stderr.contains("(replayed)"), "{stderr}");
    assert!(
        stderr.contains(&format!("Every line's outcome is in {report}")),
        "{stderr}"
    );
}

#[test]
fn the_json_summary_carries_the_first_refused_lines() {
    let store = Store::new();
    let file = refusing_file(store.dir(), 12);

    let (code, v) = store.json(&["import", file.to_str().expect("utf-8 path")]);

    assert_eq!(code, 3, "{v}");
    let first = v["first_rejected"].as_array().expect("first_rejected");
    assert_eq!(first.len(), 10, "{v}");
    assert_eq!(first[0]["line"], 2, "{v}");
    assert!(
        first[0]["code"].is_string() && first[0]["message"].is_string(),
        "{v}"
    );
    assert_eq!(v["rejected"], 12, "the counts are unchanged: {v}");
}

#[test]
fn a_byte_order_mark_opens_a_json_lines_file_as_it_opens_a_csv_file() {
    let store = Store::new();
    let jsonl = store.dir().join("bom.jsonl");
    std::fs::write(
        &jsonl,
        "\u{feff}{\"op\":\"member.register\",\"name\":\"Kim\",\"email\":\"kim@example.com\"}\n",
    )
    .expect("write");
    let csv = store.dir().join("bom.csv");
    std::fs::write(
        &csv,
        "\u{feff}op,name,email\nmember.register,Lee,lee@example.com\n",
    )
    .expect("write");

    for file in [&jsonl, &csv] {
        let (code, v) = store.json(&["import", file.to_str().expect("utf-8 path")]);
        assert_eq!(code, 0, "{}: {v}", file.display());
        assert_eq!(v["applied"], 1, "{}: {v}", file.display());
    }
    assert_eq!(
        store.ok(&["member", "show", "mem_2"])["email"],
        "lee@example.com"
    );
}

#[test]
fn demo_load_refuses_a_store_with_a_history_and_says_it_wants_a_fresh_one() {
    let store = Store::funded();
    let before = store.fingerprint();

    let (code, v) = store.json(&["demo", "--load"]);

    assert_eq!(code, 3, "{v}");
    assert_eq!(error_code(&v), "invalid_state");
    assert!(error_message(&v).contains("fresh store"), "{v}");
    assert_eq!(store.fingerprint(), before, "nothing was loaded");
}

#[test]
fn demo_load_fills_a_store_that_holds_only_its_creation() {
    let store = Store::new();
    store.ok(&["init", "--currency", "KRW"]);

    let (code, v) = store.json(&["demo", "--load", "--members", "3", "--merchants", "1"]);

    assert!(code == 0 || code == 3, "{v}");
    assert!(v["applied"].as_u64().is_some_and(|n| n > 0), "{v}");
}
