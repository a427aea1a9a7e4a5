//! Invariant 5 in the pass over the log `verify` makes anyway, rather than joins of the events
//! with the records (BENCHMARKS.md): the log is cut into runs of consecutive events under one
//! key, and each record is checked against them.
//! Keys are compared by a keyed 128-bit hash, drawn fresh for every `verify`.

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::error::Result;
use crate::ports::{EventLog, IdempotencyRecords};

/// A keyed 128-bit hash of an idempotency key (SipHash-1-3-128 under a fresh random key).
#[derive(Clone)]
pub struct KeyHasher {
    key: [u8; 16],
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher::new()
    }
}

impl KeyHasher {
    /// The key comes from the standard library's OS-seeded hasher keys.
    pub fn new() -> KeyHasher {
        let mut key = [0; 16];
        key[..8].copy_from_slice(&RandomState::new().hash_one(1_u8).to_le_bytes());
        key[8..].copy_from_slice(&RandomState::new().hash_one(2_u8).to_le_bytes());
        KeyHasher { key }
    }

    fn hash(&self, key: &[u8]) -> u128 {
        let mut h = SipHasher13::new_with_key(&self.key);
        std::hash::Hasher::write(&mut h, key);
        h.finish128().as_u128()
    }
}

/// Runs of consecutive events recorded under one key: (first seq, last seq, key hash).
#[derive(Default)]
pub struct KeyRuns {
    runs: Vec<(i64, i64, u128)>,
    /// The last seq seen (the log is read in order).
    last_seq: i64,
}

impl KeyRuns {
    pub fn push(&mut self, seq: i64, key: Option<&str>, hasher: &KeyHasher) {
        self.last_seq = seq;
        let Some(key) = key else { return };
        let key = hasher.hash(key.as_bytes());
        match self.runs.last_mut() {
            Some((_, last, k)) if *last == seq - 1 && *k == key => *last = seq,
            _ => self.runs.push((seq, seq, key)),
        }
    }

    /// The run holding `seq`, if an event under a key has it. Records come in about the log's
    /// order, so the search starts from the run found last (`hint`) and looks a few runs ahead
    /// before it searches them all.
    fn at(&self, seq: i64, hint: &mut usize) -> Option<(i64, i64, u128)> {
        let starts_before = |(first, _, _): &(i64, i64, u128)| *first <= seq;
        let ahead = self.runs.get(*hint..).unwrap_or_default();
        let near = ahead.get(..8).unwrap_or(ahead);
        let i = match near.partition_point(starts_before) {
            j if j > 0 && j < near.len() => *hint + j,
            _ => self.runs.partition_point(starts_before),
        };
        let i = i.checked_sub(1)?;
        *hint = i;
        let run = *self.runs.get(i)?;
        (seq <= run.1).then_some(run)
    }
}

/// The key runs of the whole log, read on their own (`check_invariants`; `verify` makes them
/// in its pass over the log).
pub fn key_runs(log: &dyn EventLog, hasher: &KeyHasher) -> Result<KeyRuns> {
    let mut runs = KeyRuns::default();
    log.scan_events(0, &mut |env| {
        runs.push(env.seq, env.idempotency_key, hasher);
        Ok(true)
    })?;
    Ok(runs)
}

/// The idempotency records: key hash and the events they claim (first, last seq).
pub struct Records(Vec<(u128, Option<i64>, Option<i64>)>);

pub fn read_records(store: &dyn IdempotencyRecords, hasher: &KeyHasher) -> Result<Records> {
    let mut records = Vec::new();
    store.scan_records(&mut |key, first, last| {
        records.push((hasher.hash(key), first, last));
        Ok(())
    })?;
    Ok(Records(records))
}

/// Invariant 5: every key on an event has its record, and every record points at events of its
/// own key.
pub fn check(runs: &KeyRuns, records: &Records, problems: &mut Vec<String>) {
    // The keys are keyed hashes already: a fast hash only spreads them over the buckets.
    type Set = HashSet<u128, foldhash::fast::RandomState>;
    let recorded: Set = records.0.iter().map(|(k, _, _)| *k).collect();
    let orphan_keys = runs
        .runs
        .iter()
        .map(|(_, _, k)| *k)
        .filter(|k| !recorded.contains(k))
        .collect::<Set>()
        .len();
    if orphan_keys > 0 {
        problems.push(format!(
            "invariant 5: {orphan_keys} idempotency key(s) on events have no recorded outcome"
        ));
    }
    // A record points at events of another request when an event in its range (of those that
    // exist) is not under its key: the range must lie inside one run of that key.
    let mut hint = 0;
    let foreign = records
        .0
        .iter()
        .filter(|(key, first, last)| {
            let (Some(first), Some(last)) = (*first, *last) else {
                return false;
            };
            let (lo, hi) = (first.max(1), last.min(runs.last_seq));
            lo <= hi
                && !matches!(runs.at(lo, &mut hint), Some((_, end, k)) if k == *key && hi <= end)
        })
        .count();
    if foreign > 0 {
        problems.push(format!(
            "invariant 5: {foreign} idempotency record(s) point at events of another request"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events 1..=7: 1 keyless, 2-3 under "a", 4 under "b", 5 keyless, 6-7 under "c".
    fn runs(h: &KeyHasher) -> KeyRuns {
        let mut runs = KeyRuns::default();
        for (seq, key) in [
            (1, None),
            (2, Some("a")),
            (3, Some("a")),
            (4, Some("b")),
            (5, None),
            (6, Some("c")),
            (7, Some("c")),
        ] {
            runs.push(seq, key, h);
        }
        runs
    }

    fn found(h: &KeyHasher, records: &[(&str, Option<i64>, Option<i64>)]) -> Vec<String> {
        let records = Records(
            records
                .iter()
                .map(|(k, f, l)| (h.hash(k.as_bytes()), *f, *l))
                .collect(),
        );
        let mut problems = Vec::new();
        check(&runs(h), &records, &mut problems);
        problems
    }

    #[test]
    fn a_run_is_found_from_any_hint_in_any_order() {
        let h = KeyHasher::new();
        let mut runs = KeyRuns::default();
        // Runs of 1-3 events under keys k0, k1, …, with a keyless event after every fifth.
        let mut seq = 0;
        for i in 0..200_i64 {
            for _ in 0..=(i % 3) {
                seq += 1;
                runs.push(seq, Some(&format!("k{i}")), &h);
            }
            if i % 5 == 4 {
                seq += 1;
                runs.push(seq, None, &h);
            }
        }
        let scan = |seq: i64| runs.runs.iter().copied().find(|r| r.0 <= seq && seq <= r.1);
        let mut order: Vec<i64> = (0..=seq + 2).collect();
        // In order, backwards, and jumping about, starting from stale hints.
        let jumps: Vec<i64> = (0..=seq + 2).map(|i| (i * 37) % (seq + 3)).collect();
        for queries in [
            order.clone(),
            {
                order.reverse();
                order
            },
            jumps,
        ] {
            let mut hint = 0;
            for q in queries {
                assert_eq!(runs.at(q, &mut hint), scan(q), "seq {q}");
            }
        }
    }

    #[test]
    fn records_that_match_their_runs_are_sound() {
        let h = KeyHasher::new();
        let sound = [
            ("a", Some(2), Some(3)),
            ("b", Some(4), Some(4)),
            ("c", Some(6), Some(7)),
            // A refusal records no events; a range past the end of the log holds none.
            ("d", None, None),
            ("e", Some(8), Some(9)),
        ];
        assert!(found(&h, &sound).is_empty());
    }

    #[test]
    fn a_key_without_a_record_is_reported_once() {
        let h = KeyHasher::new();
        let problems = found(&h, &[("a", Some(2), Some(3)), ("b", Some(4), Some(4))]);
        assert_eq!(
            problems,
            ["invariant 5: 1 idempotency key(s) on events have no recorded outcome"]
        );
    }

    #[test]
    fn ranges_over_other_requests_or_keyless_events_are_reported() {
        let h = KeyHasher::new();
        let all = [
            ("a", Some(2), Some(3)),
            ("b", Some(4), Some(4)),
            ("c", Some(6), Some(7)),
        ];
        for (bad, why) in [
            (("a", Some(2), Some(4)), "runs into b's event"),
            (("b", Some(2), Some(3)), "a's events"),
            (("c", Some(5), Some(7)), "starts on a keyless event"),
            (("a", Some(1), Some(3)), "starts on a keyless event"),
            (
                ("c", Some(6), Some(9)),
                "ends past the log but starts right",
            ),
        ] {
            let mut records = all.to_vec();
            records.push(bad);
            let problems = found(&h, &records);
            let expect_bad = why != "ends past the log but starts right";
            assert_eq!(
                problems.iter().any(|p| p.contains("another request")),
                expect_bad,
                "{why}: {problems:?}"
            );
        }
    }
}
