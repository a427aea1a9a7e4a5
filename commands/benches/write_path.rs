//! Benchmark (not a test): one `payctl remit` process on a store of ~100k events, next to the
//! `sqlite3` CLI appending one row to a table of the same shape and size, WAL + synchronous=FULL.
//!
//! Run: `cargo bench -p payctl --bench write_path` (env `BENCH_EVENTS`, default 100000;
//! `BENCH_RUNS`, default 50). Uses hyperfine when installed, and its own timer always.

use std::path::Path;
use std::process::Command as Process;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use payctl_core::domain::{Command, RemitTo};
use payctl_core::{Context, Engine, InitOptions, OpenMode};
use rust_decimal::Decimal;

const EVENTS_DDL: &str = "CREATE TABLE events (seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, \
    version INTEGER NOT NULL, kind TEXT NOT NULL, schema INTEGER NOT NULL, payload TEXT NOT NULL, \
    recorded_at TEXT NOT NULL, effective_at TEXT NOT NULL, actor TEXT NOT NULL, \
    idempotency_key TEXT, hash TEXT NOT NULL, UNIQUE (stream, version));";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed_store(path: &Path, events: usize) -> Result<i64, payctl_core::Error> {
    let mut engine = Engine::open(path, OpenMode::CreateIfMissing)?;
    engine.set_durable(false)?; // seeding only: the measured command runs with FULL
    let mut at = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let mut ctx = |key: String| {
        at += chrono::Duration::milliseconds(10);
        Context {
            at: Some(at),
            actor: "bench".into(),
            idempotency_key: Some(key),
        }
    };
    engine.init(&InitOptions::default(), &ctx("init".into()))?;
    for (i, email) in ["a@example.com", "b@example.com"].iter().enumerate() {
        let c = Command::RegisterMember {
            name: format!("Bench {i}"),
            email: email.to_string(),
            address: None,
            corporate: false,
        };
        engine.execute(&c, &ctx(format!("reg{i}")))?;
        let c = Command::LinkBank {
            member: email.to_string(),
            bank: "KB".into(),
            account: format!("100-{i}"),
        };
        engine.execute(&c, &ctx(format!("link{i}")))?;
        let c = Command::Recharge {
            member: email.to_string(),
            amount: Decimal::from(1_000_000_000),
            link: None,
        };
        engine.execute(&c, &ctx(format!("rch{i}")))?;
    }
    let mut n = 0;
    while engine.log_head()?.0 < events as i64 {
        let (from, to) = if n % 2 == 0 {
            ("mem_1", "mem_2")
        } else {
            ("mem_2", "mem_1")
        };
        let c = Command::Remit {
            from: from.into(),
            amount: Decimal::from(1 + n % 5000),
            to: RemitTo::Member(to.into()),
            auto_recharge: false,
        };
        engine.execute(&c, &ctx(format!("seed-{n}")))?;
        n += 1;
    }
    Ok(engine.log_head()?.0)
}

fn sqlite3(db: &Path, sql: &str) -> bool {
    Process::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_runs(runs: usize, mut f: impl FnMut(usize) -> bool) -> Option<Duration> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        if !f(i) {
            return None;
        }
        times.push(t.elapsed());
    }
    Some(median(times))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a list; there is nothing to list.
    }
    let events = env_num("BENCH_EVENTS", 100_000);
    let runs = env_num("BENCH_RUNS", 50);
    let payctl = env!("CARGO_BIN_EXE_payctl");
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return eprintln!("tempdir: {e}"),
    };
    let store = dir.path().join("bench.db");
    let base = dir.path().join("baseline.db");
    let t = Instant::now();
    let seeded = match seed_store(&store, events) {
        Ok(n) => n,
        Err(e) => return eprintln!("seeding failed: {e}"),
    };
    println!("seeded {seeded} events in {:.1?}", t.elapsed());
    let fill = format!(
        "PRAGMA journal_mode=WAL; {EVENTS_DDL}
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {seeded})
         INSERT INTO events SELECT i, 'wallet-mem_' || (i % 2 + 1), i, 'RemittanceCompleted', 1,
           '{{\"kind\":\"RemittanceCompleted\",\"remittance\":\"rem_' || i || '\",\"amount\":\"1234\"}}',
           '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'bench', 'seed-' || i,
           hex(randomblob(32)) FROM n;"
    );
    if !sqlite3(&base, &fill) {
        return eprintln!("the sqlite3 CLI is needed for the baseline (apt-get install sqlite3)");
    }
    let insert = "PRAGMA synchronous=FULL; INSERT INTO events SELECT MAX(seq) + 1, 'wallet-mem_9', \
        MAX(seq) + 1, 'RemittanceCompleted', 1, '{\"kind\":\"RemittanceCompleted\",\"amount\":\"1\"}', \
        '2026-01-02T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z', 'bench', \
        'bench-' || (MAX(seq) + 1), hex(randomblob(32)) FROM events;";
    let store_s = store.display().to_string();
    let remit = |i: usize| {
        Process::new(payctl)
            .args([
                "--db", &store_s, "--actor", "bench", "remit", "mem_1", "1", "--to", "mem_2",
            ])
            .args(["--idempotency-key", &format!("bench-{i}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let payctl_median = time_runs(runs, remit);
    let sqlite_median = time_runs(runs, |_| sqlite3(&base, insert));
    match (payctl_median, sqlite_median) {
        (Some(p), Some(s)) => {
            println!("own timer, median of {runs} runs on {seeded} events:");
            println!(
                "  payctl remit (one process, FULL): {:>8.2} ms",
                p.as_secs_f64() * 1e3
            );
            println!(
                "  sqlite3 one-row INSERT (FULL):    {:>8.2} ms",
                s.as_secs_f64() * 1e3
            );
            println!(
                "  ratio payctl / sqlite3:           {:>8.2}",
                p.as_secs_f64() / s.as_secs_f64()
            );
        }
        _ => eprintln!("a measured command failed"),
    }
    let has_hyperfine = Process::new("hyperfine").arg("--version").output().is_ok();
    if has_hyperfine {
        let remit_cmd = format!("{payctl} --db {store_s} --actor bench remit mem_1 1 --to mem_2");
        let insert_cmd = format!(
            "sqlite3 {} \"{}\"",
            base.display(),
            insert.replace('"', "\\\"")
        );
        let _ = Process::new("hyperfine")
            .args([
                "-N",
                "--warmup",
                "5",
                "--runs",
                &runs.to_string(),
                "--style",
                "basic",
            ])
            .args([
                "-n",
                "payctl remit",
                &remit_cmd,
                "-n",
                "sqlite3 insert",
                &insert_cmd,
            ])
            .status();
    } else {
        println!("(hyperfine not installed: apt-get install hyperfine for its report)");
    }
}
