//! What bounds `payctl verify`: each stage it cannot skip, timed alone on one core.
//!
//! `cargo run --release --example verify_floor -- STORE.db [RUNS]`
//!
//! The stages: read the log (every column, borrowed), hash it (the chain), decode the JSON
//! payloads, fold the events into rows and digest them, and read and digest the stored
//! projection tables (every value, hashed inside SQLite's scan as `verify` does). `verify` runs them on two cores at once, so its wall
//! time cannot go below half their sum. Each stage is timed RUNS times (default 3) and the
//! fastest run is kept: the floor is what the stage costs at best on this machine.

use std::time::Instant;

use payctl_core::error::Result;
use payctl_core::event::{Envelope, Event};
use payctl_core::projections::digest::{Digests, fresh_salt, stored_digests};
use payctl_core::projections::native::{Ev, NativeFold};
use payctl_core::store::schema::PROJECTION_TABLES;
use payctl_core::store::{self, ENVELOPE_COLUMNS};
use rusqlite::{Connection, OpenFlags};

/// The fastest of `runs` timings of `f`, in seconds, and its last result.
fn fastest<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(f64, T)> {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = f()?;
        best = best.min(t.elapsed().as_secs_f64());
        last = Some(out);
    }
    match last {
        Some(out) => Ok((best, out)),
        None => unreachable!("at least one run"),
    }
}

fn read_log(conn: &Connection, keep: bool) -> Result<(u64, Vec<Envelope>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENVELOPE_COLUMNS} FROM events ORDER BY seq"
    ))?;
    let mut rows = stmt.query([])?;
    let (mut events, mut held) = (0, Vec::new());
    while let Some(row) = rows.next()? {
        let env = store::envelope_ref_from_row(row)?;
        events += 1;
        if keep {
            held.push(env.to_owned());
        }
    }
    Ok((events, held))
}

fn read_stored(conn: &Connection) -> Result<u64> {
    let mut values = 0;
    for (table, _) in PROJECTION_TABLES {
        // Table names come from the fixed schema list.
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}"))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..n {
                std::hint::black_box(row.get_ref(i)?);
                values += 1;
            }
        }
    }
    Ok(values)
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: verify_floor STORE.db [RUNS]");
        std::process::exit(2);
    };
    let runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    // As `verify` opens it: no SQLite mutex (one thread per connection), a 64 MB page cache.
    let conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch("PRAGMA cache_size=-65536")?;
    let salt = fresh_salt();
    let mut stages: Vec<(&str, f64)> = Vec::new();

    let (t, (events, _)) = fastest(runs, || read_log(&conn, false))?;
    stages.push(("read the log (every column)", t));

    let (_, held) = read_log(&conn, true)?;
    let (t, ()) = fastest(runs, || {
        for e in &held {
            std::hint::black_box(store::event_digest(&e.hash, &e.borrowed()));
        }
        Ok(())
    })?;
    stages.push(("hash the chain (SHA-256, in memory)", t));

    let (t, decoded) = fastest(runs, || {
        held.iter()
            .map(|e| store::decode_payload(e.seq, &e.kind, e.schema, &e.payload))
            .collect::<Result<Vec<Event>>>()
    })?;
    stages.push(("decode the JSON payloads", t));

    let (t, folded) = fastest(runs, || -> Result<Digests> {
        let mut fold = NativeFold::new(&salt);
        for (e, event) in held.iter().zip(&decoded) {
            let ev = Ev {
                seq: e.seq,
                kind: &e.kind,
                effective_at: &e.effective_at,
            };
            fold.apply(&ev, event)?;
        }
        Ok(fold.finish())
    })?;
    stages.push(("fold into rows and digest them", t));

    // `verify` hashes the stored rows inside SQLite's scan (an aggregate function), so reading
    // and digesting them is one stage; reading every value through the column API alone is
    // shown for comparison, outside the sum.
    let (t_stored, stored) = fastest(runs, || stored_digests(&conn, &salt))?;
    stages.push(("read and digest the stored tables", t_stored));
    let (t_read, values) = fastest(runs, || read_stored(&conn))?;

    let total: f64 = stages.iter().map(|(_, t)| t).sum();
    for (name, t) in &stages {
        println!("{name:<44} {t:>7.3} s");
    }
    println!("{:<44} {total:>7.3} s", "sum (one core)");
    println!(
        "{:<44} {:>7.3} s",
        "floor on two cores (sum / 2)",
        total / 2.0
    );
    let rows: u64 = stored.values().map(|d| d.rows).sum();
    println!(
        "{events} events, {rows} stored rows ({values} values), fold agrees with the store: {}",
        folded == stored
    );
    println!("(reading every stored value through the column API alone: {t_read:.3} s)");
    Ok(())
}
