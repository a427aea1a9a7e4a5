//! SIGKILL drill: an import killed at any moment, then run again to completion, ends in exactly
//! the state of an uninterrupted import (shared/SPEC.md §1 "acknowledged per commit", §7).

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::Store;
use crate::import::{demo_path, import};

const ROUNDS: u64 = 20;

/// SplitMix64: a tiny deterministic PRNG, seeded per round so a failing round reproduces.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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

#[test]
fn an_import_killed_at_random_moments_then_rerun_ends_identical_to_an_uninterrupted_one() {
    let demo = demo_path();
    let demo = demo.to_str().unwrap();

    let reference = Store::new();
    let started = Instant::now();
    let (code, summary) = import(&reference, &[demo]);
    let duration = started.elapsed();
    assert!(code == 0 || code == 3, "{summary}");
    let expected = state(&reference);
    let window_ms = u64::try_from(duration.as_millis()).unwrap().max(1);
    eprintln!(
        "reference: {} events, digest {}, import took {window_ms} ms",
        expected.0, expected.1
    );

    for round in 0..ROUNDS {
        let delay = splitmix64(round) % (window_ms + 1);
        let store = Store::new();
        let mut child = store
            .command()
            .args(["import", demo])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the import");
        std::thread::sleep(Duration::from_millis(delay));
        let finished_first = child.try_wait().expect("try_wait").is_some();
        child.kill().expect("kill the import"); // SIGKILL on unix
        child.wait().expect("reap the import");
        let (code, v) = store.json(&["config"]);
        let at_kill = if code == 0 {
            v["events"].clone()
        } else {
            v.clone()
        };
        eprintln!(
            "round {round}: killed after {delay} ms with {at_kill} events{}",
            if finished_first {
                " (the import had already finished)"
            } else {
                ""
            }
        );

        let (code, summary) = import(&store, &[demo]);
        assert!(
            code == 0 || code == 3,
            "round {round} (delay {delay} ms): re-import exit {code}: {summary}"
        );
        assert_eq!(
            state(&store),
            expected,
            "round {round} (delay {delay} ms): (events, digest) differ from the reference"
        );
    }
}
