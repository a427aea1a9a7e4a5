//! What bounds `payctl verify`: each stage it cannot skip, timed alone on one core.
//!
//! `cargo run --release --example verify_floor -- STORE.db [RUNS]`
//!
//! The stages: read the log (every column, borrowed), hash it (the chain), decode the JSON
//! payloads, fold the events through the one fold into the memory adapter digesting the rows,
//! and read and digest the stored tables (every value, hashed inside SQLite's scan as
//! `verify` does). `verify` runs them on two cores at once, so its wall
//! time cannot go below half their sum. Each stage is timed RUNS times (default 3) and the
//! fastest run is kept: the floor is what the stage costs at best on this machine.

use std::time::Instant;

use payctl_core::digest::{Digests, RowDigester, Table, fresh_salt};
use payctl_core::error::Result;
use payctl_core::event::{Envelope, Event, decode_payload};
use payctl_core::ports::Maintenance;
use payctl_core::projections::{self, ApplyContext};
use payctl_core::store::memory::{Digesting, MemoryStore};
use payctl_core::store::sqlite::SqliteStore;
use payctl_core::store::{BUSY_TIMEOUT, OpenMode};
use rusqlite::{Connection, OpenFlags};

const ENVELOPE_COLUMNS: &str = "seq, stream, version, kind, schema, payload, recorded_at, \
                                effective_at, actor, idempotency_key, hash";

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
        events += 1;
        // Every column read as `verify` reads it: borrowed, no copy unless kept.
        let text = |i| -> rusqlite::Result<&str> { row.get_ref(i)?.as_str().map_err(Into::into) };
        let (stream, kind, payload) = (text(1)?, text(3)?, text(5)?);
        let (recorded_at, effective_at, actor, hash) = (text(6)?, text(7)?, text(8)?, text(10)?);
        let key: Option<&str> = row
            .get_ref(9)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?;
        let (seq, version, schema): (i64, i64, i64) = (row.get(0)?, row.get(2)?, row.get(4)?);
        if keep {
            held.push(Envelope {
                seq,
                stream: stream.to_string(),
                version,
                kind: kind.to_string(),
                schema,
                payload: payload.to_string(),
                recorded_at: recorded_at.to_string(),
                effective_at: effective_at.to_string(),
                actor: actor.to_string(),
                idempotency_key: key.map(str::to_string),
                hash: hash.to_string(),
            });
        } else {
            std::hint::black_box((
                stream,
                kind,
                payload,
                recorded_at,
                effective_at,
                actor,
                hash,
                key,
            ));
        }
    }
    Ok((events, held))
}

fn read_stored(conn: &Connection) -> Result<u64> {
    let mut values = 0;
    for table in Table::ALL {
        // Table names come from the fixed list of the code.
        let mut stmt = conn.prepare(&format!("SELECT * FROM {}", table.name()))?;
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
            std::hint::black_box(payctl_core::chain::event_digest(&e.hash, &e.borrowed()));
        }
        Ok(())
    })?;
    stages.push(("hash the chain (SHA-256, in memory)", t));

    let (t, decoded) = fastest(runs, || {
        held.iter()
            .map(|e| decode_payload(e.seq, &e.kind, e.schema, &e.payload))
            .collect::<Result<Vec<Event>>>()
    })?;
    stages.push(("decode the JSON payloads", t));

    let (t, folded) = fastest(runs, || -> Result<Digests> {
        let mut state = MemoryStore::new(Digesting::new(RowDigester::keyed(&salt)));
        let mut currency = None;
        for (e, event) in held.iter().zip(&decoded) {
            currency = projections::currency_of(event, currency);
            let cx = ApplyContext {
                seq: e.seq,
                kind: &e.kind,
                at: &e.effective_at,
                currency: currency.unwrap_or(payctl_core::money::Currency::Krw),
            };
            projections::apply(event, &cx, &mut state)?;
        }
        Ok(state.finish()?.digests)
    })?;
    stages.push(("fold into rows and digest them", t));

    // `verify` hashes the stored rows inside SQLite's scan (an aggregate function), so reading
    // and digesting them is one stage; reading every value through the column API alone is
    // shown for comparison, outside the sum.
    let store = SqliteStore::open(
        std::path::Path::new(&path),
        OpenMode::MustExist,
        BUSY_TIMEOUT,
        &mut |_| Ok(()),
    )?;
    let (t_stored, stored) = fastest(runs, || store.table_digests(Some(&salt)))?;
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
