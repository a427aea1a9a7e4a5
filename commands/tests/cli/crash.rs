//! Crash loop (issue 5, item 2): SIGKILL at random moments (one round in ten within the first
//! 50 ms, while the store is being created and migrated), then check what survived:
//! - an import of a generated workload: after each kill `verify` passes, every line the import
//!   acknowledged (written to its `--report` after a commit) is answered `replayed` with the same
//!   id or code when the import is resumed, and the resumed store equals an uninterrupted import;
//! - single commands (the sample's operations, in order): after each kill `verify` passes, the
//!   retry under the same key answers what an uninterrupted run answers (`replayed` if the killed
//!   process had acknowledged), and the store ends equal to an uninterrupted run.
//!
//! Fast tier: 20 import rounds on `fixtures/demo.jsonl` (2,099 operations) and 22 single commands.
//! Full tier (`PAYCTL_FULL=1`): 100 rounds of a 200,000-operation `payctl demo` workload, and 5
//! passes of the single commands (110 kills).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Store, full_tier, line_args, on_postgres, parse_json_output, sample_lines};
use crate::import::demo_path;

/// SplitMix64: a tiny deterministic PRNG, seeded per round so a failing round reproduces.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The kill delay of a round: one round in ten within the first 50 ms (open and migration),
/// the others anywhere in `window`.
fn delay(round: u64, window: Duration) -> Duration {
    let r = splitmix64(round);
    let ms = if round % 10 == 0 {
        r % 50
    } else {
        let window = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        r % (window + 1)
    };
    Duration::from_millis(ms)
}

/// Waits `delay`, then SIGKILLs the child; true if it had already exited on its own.
fn kill_after(child: &mut Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let finished = child.try_wait().expect("try_wait").is_some();
    child.kill().expect("kill"); // SIGKILL on unix; harmless if it already exited
    child.wait().expect("reap");
    finished
}

/// `verify --digest --json` on a store: (events, projection digest); insists on exit 0.
fn state(store: &Store) -> (u64, String) {
    let v = store.ok(&["verify", "--digest"]);
    assert_eq!(v["ok"], true, "{v}");
    (
        v["events"].as_u64().expect("events"),
        v["projection_digest"]
            .as_str()
            .expect("projection_digest")
            .to_string(),
    )
}

/// After a kill: a store that exists must verify. A kill before the file was created leaves
/// nothing; a kill during creation leaves a store that either has its schema or is empty.
fn verify_after_kill(store: &Store, what: &str) -> Option<u64> {
    if !on_postgres() && !store.path().exists() {
        return None;
    }
    let (code, v) = store.json(&["verify"]);
    if on_postgres() && code == 6 && v["error"]["code"] == "store_missing" {
        return None; // killed before the schema was made: nothing is there
    }
    assert_eq!(code, 0, "{what}: verify after the kill: {v}");
    assert_eq!(v["ok"], true, "{what}: {v}");
    v["events"].as_u64()
}

/// The complete lines of a `--report` file written by a killed import (the last line may have
/// been cut by the kill; it was not acknowledged).
fn acknowledged(report: &Path) -> Vec<Value> {
    let Ok(text) = std::fs::read_to_string(report) else {
        return Vec::new();
    };
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    complete
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("report line {l:?}: {e}")))
        .collect()
}

fn import_to_completion(store: &Store, workload: &Path, report: &Path) {
    let out = store
        .command()
        .arg("--json")
        .arg("import")
        .arg(workload)
        .arg("--report")
        .arg(report)
        .output()
        .expect("run the import");
    let (code, summary) = parse_json_output(&out);
    assert!(code == 0 || code == 3, "import exit {code}: {summary}");
}

/// The workload of the tier: the committed demo fixture, or a generated 200k-operation one.
fn workload(scratch: &Path) -> (PathBuf, u64) {
    if !full_tier() {
        return (demo_path(), 20);
    }
    let path = scratch.join("workload.jsonl");
    let out = crate::common::base_command()
        .args(["demo", "--ops", "200000", "--seed", "11"])
        .output()
        .expect("payctl demo");
    assert!(out.status.success(), "payctl demo failed");
    std::fs::write(&path, out.stdout).expect("write the workload");
    (path, 100)
}

#[test]
fn an_import_killed_at_random_moments_keeps_every_acknowledged_line_exactly_once() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let (workload, rounds) = workload(scratch.path());

    let reference = Store::new();
    let started = Instant::now();
    import_to_completion(
        &reference,
        &workload,
        &scratch.path().join("reference.jsonl"),
    );
    let window = started.elapsed();
    let expected = state(&reference);
    eprintln!(
        "reference: {} events, digest {}, import took {} ms",
        expected.0,
        expected.1,
        window.as_millis()
    );

    let (mut acked_total, mut early) = (0, 0);
    for round in 0..rounds {
        let delay = delay(round, window * 3 / 4);
        if delay < Duration::from_millis(50) {
            early += 1;
        }
        let store = Store::new();
        let first = store.dir().join("first.jsonl");
        let mut child = store
            .command()
            .arg("import")
            .arg(&workload)
            .arg("--report")
            .arg(&first)
            // Small batches: many acknowledgements to lose, and a kill lands between them.
            .args(["--batch", "50"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the import");
        let finished = kill_after(&mut child, delay);
        let what = format!("round {round} (kill after {} ms)", delay.as_millis());
        let events = verify_after_kill(&store, &what);
        let acked = acknowledged(&first);
        acked_total += acked.len();
        eprintln!(
            "{what}: {} events, {} lines acknowledged{}",
            events.map_or("no store".into(), |e| e.to_string()),
            acked.len(),
            if finished { " (had finished)" } else { "" }
        );

        let resumed = store.dir().join("resumed.jsonl");
        import_to_completion(&store, &workload, &resumed);
        let second: HashMap<u64, Value> = acknowledged(&resumed)
            .into_iter()
            .map(|l| (l["line"].as_u64().expect("line"), l))
            .collect();
        for line in &acked {
            let n = line["line"].as_u64().expect("line");
            let again = &second[&n];
            assert_eq!(again["status"], "replayed", "{what}: line {n}: {again}");
            assert_eq!(again["id"], line["id"], "{what}: line {n}: id");
            assert_eq!(again["code"], line["code"], "{what}: line {n}: code");
        }
        assert_eq!(
            state(&store),
            expected,
            "{what}: (events, digest) differ from the uninterrupted import"
        );
    }
    eprintln!(
        "{rounds} rounds ({early} killed within 50 ms): {acked_total} acknowledged lines, \
         0 lost, 0 duplicated, 0 verify failures"
    );
}

/// Spawns one sample operation as its CLI command with `--json`.
fn spawn_line(store: &Store, op: &Value) -> Child {
    store
        .command()
        .arg("--json")
        .args(line_args(op))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn payctl")
}

#[test]
fn single_commands_killed_at_random_moments_answer_once_when_retried() {
    let ops: Vec<Value> = sample_lines().into_iter().map(|(_, op)| op).collect();
    let passes = if full_tier() { 5 } else { 1 };

    // The uninterrupted run: each command's answer and how long it took.
    let reference = Store::new();
    let mut answers = Vec::new();
    let mut took = Vec::new();
    for op in &ops {
        let started = Instant::now();
        let out = spawn_line(&reference, op)
            .wait_with_output()
            .expect("run payctl");
        took.push(started.elapsed());
        answers.push(parse_json_output(&out));
    }
    took.sort();
    let median = took[took.len() / 2];
    let expected = state(&reference);

    let (mut kills, mut acked_total, mut early) = (0u64, 0, 0);
    for pass in 0..passes {
        let store = Store::new();
        for (i, op) in ops.iter().enumerate() {
            let round = pass * ops.len() as u64 + i as u64;
            // The median command's time: about half the kills land inside a command.
            let delay = delay(round + 1_000, median);
            if delay < Duration::from_millis(50) && round % 10 == 0 {
                early += 1;
            }
            let mut child = spawn_line(&store, op);
            let finished = kill_after(&mut child, delay);
            kills += 1;
            let what = format!("pass {pass} line {i} ({})", op["op"]);
            // What the killed process printed counts only if it finished: its answer was out.
            let first = if finished {
                let mut text = String::new();
                if let Some(mut out) = child.stdout.take() {
                    std::io::Read::read_to_string(&mut out, &mut text).expect("read stdout");
                }
                serde_json::from_str::<Value>(text.trim()).ok()
            } else {
                None
            };
            verify_after_kill(&store, &what);

            let (code, again) = parse_json_output(
                &spawn_line(&store, op)
                    .wait_with_output()
                    .expect("run payctl"),
            );
            let (want_code, want) = &answers[i];
            assert_eq!(code, *want_code, "{what}: retry exit code: {again}");
            assert_eq!(again["id"], want["id"], "{what}: retry id");
            assert_eq!(again["error"]["code"], want["error"]["code"], "{what}");
            if let Some(first) = first {
                acked_total += 1;
                assert_eq!(first["id"], want["id"], "{what}: the acknowledged answer");
                assert_eq!(
                    again["replayed"], true,
                    "{what}: acknowledged, not replayed"
                );
            }
        }
        assert_eq!(
            state(&store),
            expected,
            "pass {pass}: differs from the uninterrupted run"
        );
    }
    eprintln!(
        "{kills} kills ({early} within 50 ms, median command {} ms): {acked_total} had \
         answered first, every retry answered as the uninterrupted run, 0 verify failures",
        median.as_millis()
    );
}
