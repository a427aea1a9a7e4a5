//! Replays the fuzzers' committed corpus (`fuzz/corpus/<target>/`) and the inputs that once
//! crashed them (`fuzz/regressions/<target>/`) through the same target bodies, under plain
//! `cargo test` on stable. The fuzzers themselves run with `cargo +nightly fuzz run <target>`.

use std::path::Path;

#[path = "../fuzz/targets.rs"]
mod targets;

use payctl_core::import::Format;

/// Runs `check` on every file of the target's corpus and regressions; returns how many.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).expect("read a corpus file");
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(result.is_ok(), "{} fails its target", file.display());
            n += 1;
        }
    }
    n
}

#[test]
fn amount_corpus() {
    assert!(
        replay("amount", targets::amount) > 0,
        "the corpus is committed"
    );
}

#[test]
fn import_jsonl_corpus() {
    assert!(replay("import_jsonl", |d| targets::import(d, Format::Jsonl)) > 0);
}

#[test]
fn import_csv_corpus() {
    assert!(replay("import_csv", |d| targets::import(d, Format::Csv)) > 0);
}

#[test]
fn operations_corpus() {
    assert!(replay("operations", targets::operations) > 0);
}
