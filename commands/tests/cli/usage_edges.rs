//! The edges of the command line (issue 16, item 7): usage errors in `--json` name what is
//! wrong, an empty input imports, an output path that is a directory is the user's mistake, and
//! a reader that goes away early never makes payctl panic.

use std::process::{Command, Stdio};

use crate::common::{Store, base_command, error_code, error_message, parse_json_output, t};

#[test]
fn a_json_usage_error_names_the_missing_arguments_on_one_line() {
    let out = base_command()
        .args(["--json", "money", "recharge"])
        .output()
        .expect("run payctl");
    let (code, v) = parse_json_output(&out);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    let message = error_message(&v);
    assert!(
        message.contains("<MEMBER>") && message.contains("<AMOUNT>"),
        "the message names the missing arguments: {message}"
    );
    assert!(!message.contains('\n'), "one line: {message:?}");
    assert!(!message.contains("Usage"), "no usage text: {message}");
}

#[test]
fn importing_dev_null_is_an_empty_import_that_succeeds() {
    let store = Store::new();

    let (code, v) = store.json(&["import", "/dev/null"]);

    assert_eq!(code, 0, "{v}");
    assert_eq!(v["operations"], 0, "{v}");
    assert_eq!(v["rejected"], 0, "{v}");
}

#[test]
fn importing_a_directory_or_a_missing_file_says_which() {
    let store = Store::new();
    let dir = store.dir().to_str().expect("utf-8 path").to_string();
    let missing = store.dir().join("nope.jsonl");
    let missing = missing.to_str().expect("utf-8 path");

    let (code, v) = store.json(&["import", &dir]);
    assert_eq!(code, 2, "{v}");
    assert!(error_message(&v).contains("is a directory"), "{v}");

    let (code, v) = store.json(&["import", missing]);
    assert_eq!(code, 2, "{v}");
    assert!(error_message(&v).contains("no such file"), "{v}");
}

#[test]
fn exporting_to_a_directory_is_invalid_input_naming_the_path() {
    let store = Store::funded();
    let dir = store.dir().to_str().expect("utf-8 path").to_string();

    let (code, v) = store.json(&["export", "--format", "jsonl", "--output", &dir]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert!(error_message(&v).contains(&dir), "names the path: {v}");
}

#[test]
fn a_report_path_that_is_a_directory_is_invalid_input_before_anything_applies() {
    let store = Store::new();
    let dir = store.dir().to_str().expect("utf-8 path").to_string();

    let (code, v) = store.json(&["import", "/dev/null", "--report", &dir]);

    assert_eq!(code, 2, "{v}");
    assert_eq!(error_code(&v), "invalid_input");
    assert!(error_message(&v).contains(&dir), "names the path: {v}");
}

/// The write end of a pipe whose reader has already gone (`payctl | true`, deterministically).
fn pipe_without_reader() -> Stdio {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn true");
    let write_end = reader.stdin.take().expect("true's stdin");
    reader.wait().expect("true exits");
    Stdio::from(write_end)
}

#[test]
fn a_reader_that_quits_early_ends_every_printing_command_quietly_with_exit_0() {
    let store = Store::funded();
    store.ok(&["money", "recharge", "mem_1", "5000", "--at", &t(3)]);
    let db = store.path().to_str().expect("utf-8 path").to_string();
    let lines: &[&[&str]] = &[
        &[],
        &["--help"],
        &["help", "money"],
        &["money", "--help"],
        &["--version"],
        &["man"],
        &["completions", "bash"],
        &["--db", &db, "member", "list"],
        &["--db", &db, "--json", "member", "list"],
        &["--db", &db, "events"],
        &["--db", &db, "money", "history", "mem_1"],
        &["--db", &db, "export", "--format", "jsonl"],
        &["--db", &db, "config"],
        &["demo"],
    ];
    for args in lines {
        let out = base_command()
            .args(*args)
            .stdin(Stdio::null())
            .stdout(pipe_without_reader())
            .output()
            .expect("run payctl");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "payctl {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "payctl {args:?} is quiet about the closed pipe: {stderr}"
        );
    }
}
