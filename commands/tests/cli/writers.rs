//! Competing writers with a checking reader: 2, 4 and then 8 processes remit between random members
//! (unique keys, wall-clock time) while a reader checks after every read that the ledger sums to
//! zero and no wallet is negative. At the end every wallet is its start plus what it was
//! acknowledged to receive minus what it was acknowledged to send: no lost update.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::{Store, amount, parse_json_output, t};

const MEMBERS: usize = 6;
const START: i128 = 1_000_000;

/// Remits per writer: 120, or 500 in the full tier (`PAYCTL_FULL=1`).
fn per_writer() -> usize {
    if crate::common::full_tier() { 500 } else { 120 }
}

fn setup() -> Store {
    let s = Store::new();
    for m in 1..=MEMBERS {
        let minute = 10 * m as u32;
        let email = format!("m{m}@example.com");
        s.ok(&[
            "member",
            "register",
            "--name",
            &email,
            "--email",
            &email,
            "--at",
            &t(minute),
        ]);
        let id = format!("mem_{m}");
        let account = format!("100-{m}");
        s.ok(&[
            "bank",
            "link",
            &id,
            "--bank",
            "KB",
            "--account",
            &account,
            "--at",
            &t(minute + 1),
        ]);
        s.ok(&[
            "money",
            "recharge",
            &id,
            &START.to_string(),
            "--at",
            &t(minute + 2),
        ]);
    }
    s
}

/// (from, to, amount) of every acknowledged remittance, and the busy failures.
fn writer(s: &Store, w: usize, writers: usize) -> (Vec<(usize, usize, i128)>, u64) {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ (w as u64 * 7919 + writers as u64);
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let mut done = Vec::new();
    let mut busy = 0;
    for i in 0..per_writer() {
        let from = 1 + (next() as usize) % MEMBERS;
        let to = 1 + (from + (next() as usize) % (MEMBERS - 1)) % MEMBERS;
        let value = 1 + (next() % 20_000) as i128;
        let key = format!("w{writers}-{w}-{i}");
        let mut cmd = s.command();
        cmd.args([
            "--json",
            "remit",
            &format!("mem_{from}"),
            &value.to_string(),
        ]);
        cmd.args([
            "--to",
            &format!("mem_{to}"),
            "--no-auto-recharge",
            "--idempotency-key",
            &key,
        ]);
        let (code, v) = parse_json_output(&cmd.output().expect("run"));
        match code {
            0 => done.push((from, to, value)),
            3 => assert_eq!(v["error"]["code"], "insufficient_funds", "{v}"),
            6 if v["error"]["code"] == "store_locked" => busy += 1,
            other => panic!("writer {w}: exit {other}: {v}"),
        }
    }
    (done, busy)
}

fn run(writers: usize) {
    let s = Arc::new(setup());
    let stop = Arc::new(AtomicBool::new(false));
    let bad_reads = Arc::new(AtomicU64::new(0));
    let reads = Arc::new(AtomicU64::new(0));
    let reader = {
        let (s, stop, bad, reads) = (
            Arc::clone(&s),
            Arc::clone(&stop),
            Arc::clone(&bad_reads),
            Arc::clone(&reads),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let total: i128 = s.ledger_balances().iter().map(|(_, v)| v).sum();
                let members = s.ok(&["member", "list"]);
                let negative = members["members"].as_array().map_or(0, |list| {
                    list.iter()
                        .filter(|m| amount(&m["balance"]) < 0 || amount(&m["available"]) < 0)
                        .count()
                });
                if total != 0 || negative > 0 {
                    bad.fetch_add(1, Ordering::SeqCst);
                }
                reads.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || writer(&s, w, writers))
        })
        .collect();
    let mut expected = [START; MEMBERS + 1];
    let mut busy = 0;
    let mut applied = 0;
    for h in handles {
        let (done, b) = h.join().expect("writer");
        busy += b;
        applied += done.len();
        for (from, to, value) in done {
            expected[from] -= value;
            expected[to] += value;
        }
    }
    stop.store(true, Ordering::SeqCst);
    reader.join().expect("reader");
    for (m, want) in expected.iter().enumerate().skip(1) {
        let b = s.ok(&["money", "balance", &format!("mem_{m}")]);
        assert_eq!(amount(&b["balance"]), *want, "mem_{m}: lost update");
    }
    assert_eq!(bad_reads.load(Ordering::SeqCst), 0, "bad reads");
    assert_eq!(busy, 0, "busy failures");
    assert!(reads.load(Ordering::SeqCst) > 0);
    assert!(
        applied > writers * per_writer() / 2,
        "most remits apply: {applied}"
    );
    s.cmd().arg("verify").assert().code(0);
    eprintln!(
        "{writers} writers: {applied} applied, 0 lost, {} reads, 0 bad, 0 busy",
        reads.load(Ordering::SeqCst)
    );
}

#[test]
fn two_writers_and_a_reader_lose_nothing_and_never_see_a_broken_ledger() {
    run(2);
}

#[test]
fn four_writers_and_a_reader_lose_nothing_and_never_see_a_broken_ledger() {
    run(4);
}

#[test]
fn eight_writers_and_a_reader_lose_nothing_and_never_see_a_broken_ledger() {
    run(8);
}
