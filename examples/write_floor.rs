//! What bounds the import and `rebuild`: SQLite writing the rows they must write, with nothing
//! else to do. Every row of a finished store is first read into memory (not timed); then:
//!
//! - `import`: every table's rows inserted into an empty copy of the schema (all its indexes),
//!   interleaved as an import writes them (each table's rows spread evenly over the log, in the
//!   order they were made), committing every 10,000 operations with the import's pragmas
//!   (`synchronous=FULL`, a 64 MiB page cache, checkpoints every 60,000 pages). It leaves out
//!   every read, every update of a row already written (wallets, balances, payments …) and all
//!   of the import's own work (parsing, deciding, JSON, SHA-256): a floor, not an estimate.
//! - `rebuild`: the projection tables' rows inserted table by table, through bound parameters,
//!   into a copy of the store whose projections were emptied (query-only indexes dropped before
//!   and built after), in one transaction: what any replay that makes its rows in Rust must
//!   pay to store them, against `INSERT … SELECT` (SQLite copying records whole) in the same
//!   conditions.
//!
//! `cargo run --release --example write_floor -- STORE.db WORKDIR [import|rebuild|both]`
//!
//! WORKDIR receives the copies (about the store's size, removed at the end). For trying what the
//! import could choose instead, the environment may set:
//! - `WF_OPS_PER_COMMIT` (10,000), `WF_CHECKPOINT` (pages, 60,000), `WF_CACHE_KIB` (65,536),
//!   `WF_PAGE_SIZE` (bytes, 4,096);
//! - `WF_SORT=1`: each batch's rows of `events`, `wallet_entries` and `idempotency` inserted in
//!   the order of their scattered key;
//! - `WF_ONLY`: a comma-separated list of the tables to write, e.g. `events,idempotency`.

use std::path::Path;
use std::time::Instant;

use payctl_core::digest::Table;
use payctl_core::store::sqlite::schema::PROJECTION_INDEXES;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

type Rows = Vec<Vec<Value>>;
type Failure = Box<dyn std::error::Error>;

/// Operations per import commit (`import::BATCH_LINES`).
const OPS_PER_COMMIT: usize = 10_000;

/// A tunable, from the environment (for trying what the import could choose instead).
fn tunable(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The tables `rebuild` writes (the read models), and every table an import writes.
fn tables(conn: &Connection) -> Result<Vec<String>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY rowid",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

/// Every row of each of `tables`, with its table's name.
fn load_all(conn: &Connection, tables: &[String]) -> Result<Vec<(String, Rows)>, Failure> {
    tables
        .iter()
        .map(|t| Ok((t.clone(), load(conn, t)?)))
        .collect()
}

/// Every row of `table`, in the order it was made (rowid, or the key of a WITHOUT ROWID table).
fn load(conn: &Connection, table: &str) -> Result<Rows, Failure> {
    // Names come from the store's own schema.
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
    let n = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(
            (0..n)
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<_>>()?,
        );
    }
    Ok(out)
}

/// The columns of a table's most scattered key (`WF_SORT`: a batch inserted in its order).
fn sort_key(table: &str) -> &'static [usize] {
    match table {
        "events" => &[1, 2],
        "wallet_entries" => &[0, 1],
        "idempotency" => &[0],
        _ => &[],
    }
}

fn compare(a: &[Value], b: &[Value], key: &[usize]) -> std::cmp::Ordering {
    key.iter()
        .map(|&k| match (&a[k], &b[k]) {
            (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
            (Value::Text(x), Value::Text(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        })
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

fn insert_sql(table: &str, columns: usize) -> String {
    let marks = vec!["?"; columns].join(", ");
    format!("INSERT OR FAIL INTO main.\"{table}\" VALUES ({marks})")
}

fn schema(conn: &Connection, what: &str) -> Result<Vec<(String, String)>, Failure> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name, sql FROM sqlite_master WHERE {what} AND sql IS NOT NULL ORDER BY rowid"
    ))?;
    let out = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(out)
}

/// A connection with the store's pragmas; `page_size` applies only to a new, empty file.
fn open_writer(path: &Path, page_size: i64) -> Result<Connection, Failure> {
    let conn = Connection::open(path)?;
    conn.set_prepared_statement_cache_capacity(64);
    // Before WAL: a WAL store's page size can no longer change.
    conn.pragma_update(None, "page_size", page_size)?;
    let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;")?;
    Ok(conn)
}

/// The import's writes, interleaved over the log, timed to the closed file (its checkpoint
/// included).
fn import_floor(source: &Connection, work: &Path) -> Result<(), Failure> {
    let only = std::env::var("WF_ONLY").unwrap_or_default();
    let names: Vec<String> = tables(source)?
        .into_iter()
        .filter(|t| only.is_empty() || only.split(',').any(|o| o == t))
        .collect();
    let data = load_all(source, &names)?;
    let path = work.join("import-floor.db");
    let _ = std::fs::remove_file(&path);
    let conn = open_writer(&path, tunable("WF_PAGE_SIZE", 4096))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    for (_, sql) in schema(
        source,
        "type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'",
    )? {
        conn.execute_batch(&sql)?;
    }
    conn.pragma_update(None, "wal_autocheckpoint", tunable("WF_CHECKPOINT", 60_000))?;
    conn.pragma_update(None, "cache_size", -tunable("WF_CACHE_KIB", 65_536))?;
    let ops_per_commit =
        usize::try_from(tunable("WF_OPS_PER_COMMIT", 10_000)).unwrap_or(OPS_PER_COMMIT);
    // Counted in the source: the clock of the interleaving even when `WF_ONLY` leaves them out.
    let count = |table: &str| -> Result<usize, Failure> {
        let n: i64 =
            source.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(usize::try_from(n)?)
    };
    let (events, ops) = (count("events")?, count("idempotency")?.max(1));
    let events_per_commit = (events * ops_per_commit).div_ceil(ops).max(1);
    // Held prepared, one per table: no statement-cache lookup per row (payctl's `apply` pays
    // one), so the floor is SQLite's alone.
    let mut inserts = data
        .iter()
        .map(|(t, rows)| conn.prepare(&insert_sql(t, rows.first().map_or(0, Vec::len))))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut done = vec![0usize; data.len()];
    let sorted = tunable("WF_SORT", 0) != 0;
    let keys: Vec<&[usize]> = data.iter().map(|(t, _)| sort_key(t)).collect();
    eprintln!("write_floor: rows loaded, writing");
    let started = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    for e in 1..=events {
        let boundary = e % events_per_commit == 0 || e == events;
        if sorted && !boundary {
            continue;
        }
        for (i, (_, rows)) in data.iter().enumerate() {
            // Each table's rows spread evenly over the log: after event e, its share of rows.
            let due = rows.len() * e / events;
            if due == done[i] {
                continue;
            }
            let stmt = &mut inserts[i];
            if sorted {
                let mut order: Vec<usize> = (done[i]..due).collect();
                order.sort_by(|&a, &b| compare(&rows[a], &rows[b], keys[i]));
                for r in order {
                    insert_row(stmt, &rows[r])?;
                }
            } else {
                for row in &rows[done[i]..due] {
                    insert_row(stmt, row)?;
                }
            }
            done[i] = due;
        }
        if boundary {
            conn.execute_batch("COMMIT; BEGIN IMMEDIATE")?;
        }
    }
    conn.execute_batch("COMMIT")?;
    conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
    drop(inserts);
    drop(conn);
    let t = started.elapsed().as_secs_f64();
    let rows: usize = data.iter().map(|(_, r)| r.len()).sum();
    println!(
        "import floor: {rows} rows ({events} events, {ops} operations) inserted in {t:.2} s: \
         {:.0} ops/s at best ({page_size}-byte pages)",
        ops as f64 / t
    );
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// A copy of the store with its read models emptied and their query-only indexes dropped, in
/// one open transaction, as `rebuild` leaves them before its copy.
fn emptied_copy(store: &Path, work: &Path, name: &str) -> Result<Connection, Failure> {
    let path = work.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::copy(store, &path)?;
    let conn = open_writer(&path, 4096)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    for (name, _) in PROJECTION_INDEXES {
        conn.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    for table in Table::ALL {
        // Table names come from the fixed list of the code.
        conn.execute_batch(&format!("DELETE FROM {}", table.name()))?;
    }
    Ok(conn)
}

/// The query-only indexes built once, and the transaction committed.
fn finish(conn: Connection) -> Result<(), Failure> {
    for (_, create) in PROJECTION_INDEXES {
        conn.execute_batch(create)?;
    }
    conn.execute_batch("COMMIT")?;
    drop(conn);
    Ok(())
}

/// One row through its table's prepared insert.
fn insert_row(stmt: &mut rusqlite::Statement<'_>, row: &[Value]) -> Result<(), Failure> {
    for (j, v) in row.iter().enumerate() {
        stmt.raw_bind_parameter(j + 1, v)?;
    }
    stmt.raw_execute()?;
    Ok(())
}

/// Every row of `data`, table by table, through bound parameters.
fn insert_bound(conn: &Connection, data: &[(String, Rows)]) -> Result<(), Failure> {
    for (table, rows) in data {
        let Some(first) = rows.first() else { continue };
        let mut stmt = conn.prepare(&insert_sql(table, first.len()))?;
        for row in rows {
            insert_row(&mut stmt, row)?;
        }
    }
    Ok(())
}

/// `rebuild`'s writes: bound inserts against `INSERT … SELECT`, each timed from the emptied
/// projections to the closed file.
fn rebuild_floor(store: &Path, source: &Connection, work: &Path) -> Result<(), Failure> {
    // The read models, as `rebuild` writes them.
    let names: Vec<String> = Table::ALL.iter().map(|t| t.name().to_string()).collect();
    let data = load_all(source, &names)?;
    let rows: usize = data.iter().map(|(_, r)| r.len()).sum();

    let conn = emptied_copy(store, work, "rebuild-bound.db")?;
    let started = Instant::now();
    insert_bound(&conn, &data)?;
    finish(conn)?;
    let bound = started.elapsed().as_secs_f64();

    let conn = emptied_copy(store, work, "rebuild-copy.db")?;
    let started = Instant::now();
    conn.execute("ATTACH DATABASE ?1 AS src", [store.to_string_lossy()])?;
    for (table, _) in &data {
        conn.execute_batch(&format!(
            "INSERT OR FAIL INTO main.\"{table}\" SELECT * FROM src.\"{table}\""
        ))?;
    }
    finish(conn)?;
    let copied = started.elapsed().as_secs_f64();
    println!(
        "rebuild floor: {rows} projection rows written in place: bound inserts {bound:.2} s, \
         INSERT … SELECT {copied:.2} s"
    );
    for name in ["rebuild-bound.db", "rebuild-copy.db"] {
        let _ = std::fs::remove_file(work.join(name));
    }
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(store), Some(work)) = (args.first(), args.get(1)) else {
        eprintln!("usage: write_floor STORE.db WORKDIR [import|rebuild|both]");
        std::process::exit(2);
    };
    let mode = args.get(2).map_or("both", String::as_str);
    let (store, work) = (Path::new(store), Path::new(work));
    let source = Connection::open_with_flags(store, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    if matches!(mode, "import" | "both") {
        import_floor(&source, work)?;
    }
    if matches!(mode, "rebuild" | "both") {
        rebuild_floor(store, &source, work)?;
    }
    Ok(())
}
