//! What `verify`, `rebuild`, `backup` and the console need of the SQLite store besides commands
//! and queries: digests of the stored rows, the rows themselves, bulk loading, a second reader,
//! the change signal and the online backup.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;

use super::SqliteStore;
use super::schema::PROJECTION_INDEXES;
use crate::digest::{Digests, PORTABLE, RowHasher, Salt, TableDigest};
use crate::error::{Error, Result};
use crate::ports::{Maintenance, Store, Value};
use crate::projections::rows::{Row, Table};

impl Maintenance for SqliteStore {
    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests> {
        register_row_digest(&self.conn, salt.unwrap_or(&PORTABLE))?;
        let mut digests = Digests::new();
        for table in Table::ALL {
            digests.insert(table, aggregated_digest(&self.conn, table, salt.is_none())?);
        }
        Ok(digests)
    }

    fn scan_table(&self, table: Table, f: &mut dyn FnMut(&[Value]) -> Result<bool>) -> Result<()> {
        // Table and column names come from `Table`, never from input.
        let column_list = table.columns().join(", ");
        let sql = format!(
            "SELECT {column_list} FROM {} ORDER BY {}",
            table.name(),
            table.key()
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut values = Vec::with_capacity(n);
        while let Some(row) = rows.next()? {
            values.clear();
            for i in 0..n {
                values.push(value(row.get_ref(i)?));
            }
            if !f(&values)? {
                break;
            }
        }
        Ok(())
    }

    fn clear_read_models(&mut self) -> Result<()> {
        for table in Table::ALL {
            // Names come from `Table`, never from input.
            self.conn
                .execute(&format!("DELETE FROM {}", table.name()), [])?;
        }
        Ok(())
    }

    fn load_row(&mut self, row: &dyn Row) -> Result<()> {
        self.insert(row)
    }

    fn begin_bulk_load(&mut self) -> Result<()> {
        // Indexes only queries use: kept out while the rows go in, built once at the end.
        for (name, _) in PROJECTION_INDEXES {
            self.conn
                .execute(&format!("DROP INDEX IF EXISTS {name}"), [])?;
        }
        Ok(())
    }

    fn end_bulk_load(&mut self) -> Result<()> {
        for (_, create) in PROJECTION_INDEXES {
            self.conn.execute(create, [])?;
        }
        Ok(())
    }

    fn parallel_reader(&self) -> Option<Box<dyn Store>> {
        // The same state only if no write committed between the two snapshots: the heads agree
        // (only `rebuild` commits without moving the head, and what it writes is the same).
        let conn = self.second_connection()?;
        conn.execute_batch("BEGIN").ok()?;
        let other = SqliteStore {
            conn,
            path: self.path.clone(),
            created: false,
        };
        use crate::ports::EventLog;
        (self.head().ok()? == other.head().ok()?).then(|| Box::new(other) as Box<dyn Store>)
    }

    fn change_signal(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    fn backup_to(&self, target: &Path) -> Result<()> {
        let mut dst = Connection::open(target)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
            // -1: all pages in one step, so the copy is one snapshot even while others write.
            backup.step(-1)?;
        }
        let _mode: String = dst.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        Ok(())
    }

    fn location(&self) -> String {
        self.path.as_ref().map_or_else(
            || "sqlite (in memory)".to_string(),
            |p| p.display().to_string(),
        )
    }
}

/// A stored value as `verify` shows it.
fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(t) => Value::Text(t.to_string()),
            Err(_) => Value::Other(format!("text, not UTF-8: {:?}", String::from_utf8_lossy(t))),
        },
        ValueRef::Real(r) => Value::Other(format!("real {r}")),
        ValueRef::Blob(b) => Value::Other(format!("blob of {} bytes", b.len())),
    }
}

/// The SQL name of the row-digest aggregate.
const ROW_DIGEST: &str = "payctl_row_digest";

/// `payctl_row_digest(a, b, …)`: the digest of the rows whose values are given, in the order
/// given, hashed as `RowHasher` hashes a row the fold made; a 24-byte blob. The rows are hashed
/// inside SQLite's scan: each value reaches the hasher from the scan's registers, not through
/// the column API one call per value.
struct RowDigest {
    salt: Salt,
}

impl Aggregate<(RowHasher, TableDigest), Vec<u8>> for RowDigest {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<(RowHasher, TableDigest)> {
        Ok((RowHasher::new(&self.salt), TableDigest::default()))
    }

    fn step(
        &self,
        ctx: &mut Context<'_>,
        (hasher, digest): &mut (RowHasher, TableDigest),
    ) -> rusqlite::Result<()> {
        for i in 0..ctx.len() {
            hash_value(hasher, ctx.get_raw(i));
        }
        hasher.finish_into(digest);
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        acc: Option<(RowHasher, TableDigest)>,
    ) -> rusqlite::Result<Vec<u8>> {
        Ok(acc.map(|(_, d)| d).unwrap_or_default().to_bytes().to_vec())
    }
}

/// One stored value into the row being hashed, tagged by its SQL type as `RowHasher` tags.
fn hash_value(hasher: &mut RowHasher, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => hasher.null(),
        ValueRef::Integer(v) => hasher.int(v),
        ValueRef::Real(v) => hasher.real(v),
        ValueRef::Text(v) => hasher.text_bytes(v),
        ValueRef::Blob(v) => hasher.blob(v),
    };
}

/// Makes `ROW_DIGEST` (keyed by `salt`) callable on `conn`, replacing any earlier key. Only
/// statements prepared directly may call it, never a view or trigger.
fn register_row_digest(conn: &Connection, salt: &Salt) -> Result<()> {
    conn.create_aggregate_function(
        ROW_DIGEST,
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        RowDigest { salt: *salt },
    )?;
    Ok(())
}

/// One table's digest by `ROW_DIGEST` over its columns in `Table` order; `portable` leaves the
/// store's random id out, as the portable digest of a row does.
fn aggregated_digest(conn: &Connection, table: Table, portable: bool) -> Result<TableDigest> {
    // Names come from `Table`, never from input.
    let columns: Vec<&str> = table
        .columns()
        .iter()
        .copied()
        .filter(|c| !(portable && *c == "store_id"))
        .collect();
    let column_list = columns.join(", ");
    let sql = format!("SELECT {ROW_DIGEST}({column_list}) FROM {}", table.name());
    let bytes: Vec<u8> = conn.query_row(&sql, [], |r| r.get(0))?;
    TableDigest::from_bytes(&bytes).ok_or_else(|| {
        Error::internal(format!(
            "{}: a row digest of {} bytes",
            table.name(),
            bytes.len()
        ))
    })
}
