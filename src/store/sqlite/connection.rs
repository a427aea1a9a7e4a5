//! `SqlConn` over rusqlite: prepared statements from its cache, values bound in place, rows read
//! borrowed; SQLite's transactions (`BEGIN IMMEDIATE` for writers), its pragmas, its online
//! backup and its `data_version`.

use std::path::Path;
use std::sync::OnceLock;

use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Connection, OpenFlags};

use super::schema::PROJECTION_INDEXES;
use super::{SqliteConn, SqliteStore};
use crate::digest::{Digests, Salt, Spell};
use crate::error::Result;
use crate::event::Envelope;
use crate::ports::{Store, Value};
use crate::projections::rows::{Row, Table, Values};
use crate::store::sql::{Dialect, Param, SqlConn, SqlRow, event_params, not_written, stream_taken};

/// `INSERT INTO <table> (<columns>) VALUES (?1, …)` for each table, made once.
fn insert_sql(table: Table) -> &'static str {
    static SQL: OnceLock<Vec<String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        Table::ALL
            .iter()
            .map(|t| {
                let column_list = t.columns().join(", ");
                let marks: Vec<String> = (1..=t.columns().len()).map(|i| format!("?{i}")).collect();
                let placeholders = marks.join(", ");
                format!(
                    "INSERT INTO {} ({column_list}) VALUES ({placeholders})",
                    t.name()
                )
            })
            .collect()
    });
    let at = Table::ALL.iter().position(|t| *t == table).unwrap_or(0);
    all.get(at).map_or("", String::as_str)
}

/// Binds a row's values to an INSERT, in order.
struct Binder<'s, 'c> {
    stmt: &'s mut CachedStatement<'c>,
    at: usize,
    spelled: Vec<u8>,
    failed: Option<rusqlite::Error>,
}

impl Binder<'_, '_> {
    fn bind<T: rusqlite::ToSql>(&mut self, v: T) {
        self.at += 1;
        if self.failed.is_none() {
            if let Err(e) = self.stmt.raw_bind_parameter(self.at, v) {
                self.failed = Some(e);
            }
        }
    }
}

impl Values for Binder<'_, '_> {
    fn null(&mut self) {
        self.bind(rusqlite::types::Null);
    }
    fn int(&mut self, v: i64) {
        self.bind(v);
    }
    fn text(&mut self, v: &str) {
        self.bind(v);
    }
    fn spelled(&mut self, v: &dyn Spell) {
        let mut buf = std::mem::take(&mut self.spelled);
        buf.clear();
        v.spell(&mut buf);
        // Spellings are ASCII ids, accounts and rates, or the stored texts they are made of.
        match std::str::from_utf8(&buf) {
            Ok(text) => self.bind(text),
            Err(_) => self.bind(String::from_utf8_lossy(&buf).as_ref()),
        }
        self.spelled = buf;
    }
}

/// A statement from the cache with `params` bound.
fn prepared<'c>(
    conn: &'c Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    for (i, p) in params.iter().enumerate() {
        match p {
            Param::Null => stmt.raw_bind_parameter(i + 1, rusqlite::types::Null)?,
            Param::Int(v) => stmt.raw_bind_parameter(i + 1, v)?,
            Param::Text(v) => stmt.raw_bind_parameter(i + 1, v)?,
        }
    }
    Ok(stmt)
}

/// A row of a query, read by position.
struct SqliteRow<'a, 'r>(&'a rusqlite::Row<'r>);

impl SqliteRow<'_, '_> {
    fn get(&self, i: usize) -> Result<ValueRef<'_>> {
        Ok(self.0.get_ref(i)?)
    }
}

impl SqlRow for SqliteRow<'_, '_> {
    fn int(&self, i: usize) -> Result<i64> {
        match self.get(i)? {
            ValueRef::Integer(v) => Ok(v),
            other => Err(not_written(i, type_name(other))),
        }
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.get(i)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(v) => Ok(Some(v)),
            other => Err(not_written(i, type_name(other))),
        }
    }

    fn text(&self, i: usize) -> Result<&str> {
        match self.get(i)? {
            ValueRef::Text(t) => std::str::from_utf8(t).map_err(|_| not_written(i, "not UTF-8")),
            other => Err(not_written(i, type_name(other))),
        }
    }

    fn opt_text(&self, i: usize) -> Result<Option<&str>> {
        match self.get(i)? {
            ValueRef::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    fn value(&self, i: usize) -> Value {
        match self.get(i) {
            Ok(ValueRef::Null) => Value::Null,
            Ok(ValueRef::Integer(v)) => Value::Int(v),
            Ok(ValueRef::Text(t)) => match std::str::from_utf8(t) {
                Ok(t) => Value::Text(t.to_string()),
                Err(_) => {
                    Value::Other(format!("text, not UTF-8: {:?}", String::from_utf8_lossy(t)))
                }
            },
            Ok(ValueRef::Real(r)) => Value::Other(format!("real {r}")),
            Ok(ValueRef::Blob(b)) => Value::Other(format!("blob of {} bytes", b.len())),
            Err(e) => Value::Other(format!("unreadable: {e}")),
        }
    }

    fn columns(&self) -> usize {
        self.0.as_ref().column_count()
    }
}

fn type_name(v: ValueRef<'_>) -> &'static str {
    match v {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a real",
        ValueRef::Text(_) => "a text",
        ValueRef::Blob(_) => "a blob",
    }
}

impl SqliteConn {
    /// Runs a fixed statement (transaction control) through the statement cache.
    fn run(&self, sql: &str) -> Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }
}

impl SqlConn for SqliteConn {
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize> {
        Ok(prepared(&self.conn, sql, params)?.raw_execute()?)
    }

    fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
        f: &mut dyn FnMut(&dyn SqlRow) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = prepared(&self.conn, sql, params)?;
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            if !f(&SqliteRow(row))? {
                break;
            }
        }
        Ok(())
    }

    fn insert_row(&self, row: &dyn Row) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(insert_sql(row.table()))?;
        let mut binder = Binder {
            stmt: &mut stmt,
            at: 0,
            spelled: Vec::new(),
            failed: None,
        };
        row.values(&mut binder);
        if let Some(e) = binder.failed {
            return Err(e.into());
        }
        stmt.raw_execute()?;
        Ok(())
    }

    fn insert_event(&self, env: &Envelope) -> Result<()> {
        let inserted = prepared(
            &self.conn,
            "INSERT INTO events (seq, stream, version, kind, schema, payload, recorded_at,
                                 effective_at, actor, idempotency_key, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            &event_params(env),
        )?
        .raw_execute();
        match inserted {
            Ok(_) => Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::ConstraintViolation) =>
            {
                Err(stream_taken(&env.stream))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn begin_write(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    fn begin_read(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        Ok(())
    }

    fn end_read(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("COMMIT");
        }
    }

    fn commit(&mut self) -> Result<()> {
        let result = self.run("COMMIT");
        if result.is_err() {
            self.rollback();
        }
        result
    }

    fn rollback(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    fn set_durable(&mut self, durable: bool) -> Result<()> {
        let mode = if durable { "FULL" } else { "NORMAL" };
        self.conn.pragma_update(None, "synchronous", mode)?;
        Ok(())
    }

    fn bulk_writes(&mut self, on: bool) -> Result<()> {
        // Fewer, larger checkpoints while many commands commit in few transactions: a hot page
        // is written back once per checkpoint, not once per batch (BENCHMARKS.md).
        let pages = if on { 60_000 } else { 1_000 };
        self.conn.pragma_update(None, "wal_autocheckpoint", pages)?;
        Ok(())
    }

    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests> {
        super::digest::table_digests(&self.conn, salt)
    }

    fn clear_read_models(&mut self) -> Result<()> {
        for table in Table::ALL {
            // Names come from `Table`, never from input.
            self.conn
                .execute(&format!("DELETE FROM {}", table.name()), [])?;
        }
        Ok(())
    }

    fn query_indexes(&self) -> &'static [(&'static str, &'static str)] {
        PROJECTION_INDEXES
    }

    fn second_reader(&self) -> Option<Box<dyn Store>> {
        let path = self.path.as_ref()?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(crate::store::BUSY_TIMEOUT).ok()?;
        conn.execute_batch("BEGIN").ok()?;
        Some(Box::new(SqliteStore::new(SqliteConn {
            conn,
            path: self.path.clone(),
            created: false,
        })))
    }

    fn change_signal(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    fn backup_to(&self, target: &Path) -> Result<bool> {
        let mut dst = Connection::open(target)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
            // -1: all pages in one step, so the copy is one snapshot even while others write.
            backup.step(-1)?;
        }
        let _mode: String = dst.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        Ok(true)
    }

    fn location(&self) -> String {
        self.path.as_ref().map_or_else(
            || "sqlite (in memory)".to_string(),
            |p| p.display().to_string(),
        )
    }
}
