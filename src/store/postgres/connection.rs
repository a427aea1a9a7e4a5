//! `SqlConn` over the PostgreSQL client (`client.rs`): values bound as the parameter's type
//! asks, rows read by position; PostgreSQL's transactions, its errors in payctl's words.

use std::error::Error as _;
use std::path::Path;

use bytes::BytesMut;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{IsNull, Kind, ToSql, Type, to_sql_checked};

use super::client::Client;
use super::{PgConn, PgStore, second_store};
use crate::digest::{Digests, PORTABLE, RowDigester, RowHasher, Salt, Spell, TableDigest};
use crate::error::{Error, ErrorCode, Result};
use crate::event::Envelope;
use crate::ports::{Store, Value};
use crate::projections::rows::{Row, Table, Values};
use crate::store::sql::{
    Dialect, Owned, Param, SqlConn, SqlRow, event_params, not_changed, not_written, stream_taken,
};

/// A `Param` bound as the parameter's type asks (PostgreSQL types every parameter).
#[derive(Debug)]
pub(super) struct Bound<'a>(pub(super) Param<'a>);

impl Bound<'_> {
    /// The type the value declares when the statement is not prepared: a NULL leaves it to
    /// the server (type 0, "unspecified").
    pub(super) fn declared(&self) -> Type {
        match self.0 {
            Param::Int(_) => Type::INT8,
            Param::Text(_) => Type::TEXT,
            Param::Null => Type::new(
                "unspecified".to_string(),
                0,
                Kind::Pseudo,
                "pg_catalog".to_string(),
            ),
        }
    }
}

impl ToSql for Bound<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Param::Int(v) if *ty == Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
            Param::Int(v) if *ty == Type::BOOL => (v != 0).to_sql(ty, out),
            Param::Int(v) => v.to_sql(ty, out),
            Param::Text(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A row of a query, read by position.
pub(super) struct PgRow<'a>(pub(super) &'a tokio_postgres::Row);

impl PgRow<'_> {
    fn ty(&self, i: usize) -> Option<&Type> {
        self.0.columns().get(i).map(|c| c.type_())
    }
}

impl SqlRow for PgRow<'_> {
    fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| not_written(i, "NULL where a number was written"))
    }

    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        let got = match self.ty(i) {
            Some(t) if *t == Type::INT4 => self
                .0
                .try_get::<_, Option<i32>>(i)
                .map(|v| v.map(i64::from)),
            Some(t) if *t == Type::INT2 => self
                .0
                .try_get::<_, Option<i16>>(i)
                .map(|v| v.map(i64::from)),
            _ => self.0.try_get::<_, Option<i64>>(i),
        };
        got.map_err(|_| not_written(i, "not a number"))
    }

    fn text(&self, i: usize) -> Result<&str> {
        self.opt_text(i)?
            .ok_or_else(|| not_written(i, "NULL where a text was written"))
    }

    fn opt_text(&self, i: usize) -> Result<Option<&str>> {
        self.0
            .try_get::<_, Option<&str>>(i)
            .map_err(|_| not_written(i, "not a text"))
    }

    fn value(&self, i: usize) -> Value {
        if let Ok(v) = self.opt_int(i) {
            return v.map_or(Value::Null, Value::Int);
        }
        match self.opt_text(i) {
            Ok(v) => v.map_or(Value::Null, |t| Value::Text(t.to_string())),
            Err(_) => Value::Other(format!(
                "a value of type {}",
                self.ty(i).map_or("?", |t| t.name())
            )),
        }
    }

    fn columns(&self) -> usize {
        self.0.len()
    }
}

/// PostgreSQL's errors in payctl's words.
pub(super) fn error(e: tokio_postgres::Error) -> Error {
    let reason = reason(&e);
    if e.is_closed() {
        return Error::new(ErrorCode::StoreLocked, lost(&reason));
    }
    match e.code() {
        Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::T_R_DEADLOCK_DETECTED => {
            Error::new(
                ErrorCode::StoreLocked,
                format!("the store is locked by another writer (gave up waiting): {reason}"),
            )
        }
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE => Error::new(
            ErrorCode::ConcurrentUpdate,
            format!("the store changed under this command: retry ({reason})"),
        ),
        Some(c)
            if *c == SqlState::READ_ONLY_SQL_TRANSACTION
                || *c == SqlState::INSUFFICIENT_PRIVILEGE =>
        {
            Error::new(
                ErrorCode::StoreLocked,
                format!(
                    "the store is read-only for this role ({reason}): grant it the writer's privileges (README)"
                ),
            )
        }
        Some(c)
            if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || c.code().starts_with("08") =>
        {
            Error::new(ErrorCode::StoreLocked, lost(&reason))
        }
        _ => Error::internal(format!("postgresql: {reason}")),
    }
}

/// A lost connection: the server keeps a transaction whole or drops it, and only an answer
/// says which (a retry under the same idempotency key gets it).
fn lost(reason: &str) -> String {
    format!(
        "the connection to the store was lost ({reason}): this command's changes are in the \
         store whole or not at all; run it again under the same idempotency key to learn which"
    )
}

/// The server's message, or the client's.
pub(super) fn reason(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e
            .source()
            .map_or_else(|| e.to_string(), |s| format!("{e}: {s}")),
    }
}

impl PgConn {
    pub(super) fn client(&self) -> std::cell::RefMut<'_, Client> {
        self.client.borrow_mut()
    }

    /// A client not in use by a statement already (a statement run from inside a query's rows
    /// would be a bug: this says so instead of panicking).
    fn free_client(&self) -> Result<std::cell::RefMut<'_, Client>> {
        self.client
            .try_borrow_mut()
            .map_err(|_| Error::internal("a statement was run while a query still read rows"))
    }
}

const INSERT_EVENT: &str = "INSERT INTO events (seq, stream, version, kind, schema, payload,
                             recorded_at, effective_at, actor, idempotency_key, hash)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
     ON CONFLICT (stream, version) DO NOTHING";

/// `INSERT INTO <table> (<columns>) VALUES (?1, …)` for a table.
fn insert_sql(table: Table) -> String {
    let column_list = table.columns().join(", ");
    let marks: Vec<String> = (1..=table.columns().len())
        .map(|i| format!("?{i}"))
        .collect();
    let placeholders = marks.join(", ");
    format!(
        "INSERT INTO {} ({column_list}) VALUES ({placeholders})",
        table.name()
    )
}

/// A row's values, owned, to be bound when the statement goes out.
#[derive(Default)]
struct Collected {
    values: Vec<Option<Owned>>,
}

impl Values for Collected {
    fn null(&mut self) {
        self.values.push(None);
    }
    fn int(&mut self, v: i64) {
        self.values.push(Some(Owned::Int(v)));
    }
    fn text(&mut self, v: &str) {
        self.values.push(Some(Owned::Text(v.to_string())));
    }
    fn spelled(&mut self, v: &dyn Spell) {
        let mut out = Vec::new();
        v.spell(&mut out);
        self.values.push(Some(Owned::Text(
            String::from_utf8_lossy(&out).into_owned(),
        )));
    }
}

impl SqlConn for PgConn {
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize> {
        let n = self.free_client()?.execute(sql, params)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
        f: &mut dyn FnMut(&dyn SqlRow) -> Result<bool>,
    ) -> Result<()> {
        self.free_client()?.query(sql, params, f)
    }

    fn write(&self, sql: &str, params: &[Param<'_>], rows: Option<usize>) -> Result<()> {
        let values = params.iter().map(Param::owned).collect();
        let mismatch = rows.map(|n| not_changed(sql, 0, n));
        self.free_client()?
            .later(sql, values, rows.map(|n| n as u64), mismatch)
    }

    fn insert_row(&self, row: &dyn Row) -> Result<()> {
        let mut collected = Collected::default();
        row.values(&mut collected);
        let table = row.table();
        let mismatch = Error::internal(format!("a row of {} was not written", table.name()));
        self.free_client()?
            .later(insert_sql(table), collected.values, Some(1), Some(mismatch))
    }

    fn insert_event(&self, env: &Envelope) -> Result<()> {
        // A (stream, version) already taken inserts nothing (and does not end the transaction):
        // the check of the one row it must insert says so.
        let params = event_params(env);
        self.free_client()?.later(
            INSERT_EVENT,
            params.iter().map(Param::owned).collect(),
            Some(1),
            Some(stream_taken(&env.stream)),
        )
    }

    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn begin_write(&mut self) -> Result<()> {
        // Every writer takes this row first: one write transaction at a time, from any process
        // on any machine; every check runs after it. A wait beyond `lock_timeout` (the busy
        // timeout, set at connection) fails: `store_locked`.
        let mut client = self.free_client()?;
        let locked =
            client.batch("BEGIN; SELECT value FROM store_meta WHERE key = 'writer' FOR UPDATE");
        if locked.is_err() {
            let _ = client.batch("ROLLBACK");
        }
        locked
    }

    fn begin_read(&mut self) -> Result<()> {
        self.free_client()?
            .batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }

    fn end_read(&mut self) {
        if let Ok(mut c) = self.free_client() {
            let _ = c.batch("COMMIT");
        }
    }

    fn commit(&mut self) -> Result<()> {
        self.free_client()?.batch("COMMIT")
    }

    fn rollback(&mut self) {
        if let Ok(mut c) = self.free_client() {
            c.forget_waiting();
            let _ = c.batch("ROLLBACK");
        }
    }

    fn set_durable(&mut self, durable: bool) -> Result<()> {
        let value = if durable { "on" } else { "off" };
        self.free_client()?.execute(
            "SELECT set_config('synchronous_commit', ?1, false)",
            &[Param::Text(value)],
        )?;
        Ok(())
    }

    fn bulk_writes(&mut self, _on: bool) -> Result<()> {
        Ok(())
    }

    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests> {
        let mut digests = Digests::new();
        let mut hasher = RowHasher::new(salt.unwrap_or(&PORTABLE));
        let _ = RowDigester::portable; // the same encoding as the fold's rows
        for table in Table::ALL {
            // Names come from `Table`, never from input; the portable digest leaves the
            // store's random id out.
            let columns: Vec<&str> = table
                .columns()
                .iter()
                .copied()
                .filter(|c| !(salt.is_none() && *c == "store_id"))
                .collect();
            let column_list = columns.join(", ");
            let sql = format!("SELECT {column_list} FROM {}", table.name());
            let mut digest = TableDigest::default();
            self.query(&sql, &[], &mut |row| {
                for i in 0..row.columns() {
                    match row.value(i) {
                        Value::Null => hasher.null(),
                        Value::Int(v) => hasher.int(v),
                        Value::Text(t) => hasher.text(&t),
                        Value::Other(t) => hasher.blob(t.as_bytes()),
                    };
                }
                hasher.finish_into(&mut digest);
                Ok(true)
            })?;
            digests.insert(table, digest);
        }
        Ok(digests)
    }

    fn clear_read_models(&mut self) -> Result<()> {
        let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
        let table_list = names.join(", ");
        // Names come from `Table`, never from input.
        self.free_client()?.batch(&format!("TRUNCATE {table_list}"))
    }

    fn query_indexes(&self) -> &'static [(&'static str, &'static str)] {
        crate::store::sqlite::schema::PROJECTION_INDEXES
    }

    fn second_reader(&self) -> Option<Box<dyn Store>> {
        let mut snapshot = String::new();
        self.query("SELECT pg_export_snapshot()", &[], &mut |r| {
            snapshot = r.text(0)?.to_string();
            Ok(false)
        })
        .ok()?;
        let store: PgStore = second_store(&self.location, self.busy_timeout, &snapshot)?;
        Some(Box::new(store))
    }

    fn change_signal(&self) -> Result<i64> {
        let mut client = self.free_client()?;
        let head = client.scalar(
            "SELECT CAST(value AS BIGINT) FROM store_meta WHERE key = 'head_seq'",
            &[],
        )?;
        Ok(head)
    }

    fn backup_to(&self, _path: &Path) -> Result<bool> {
        Ok(false)
    }

    fn location(&self) -> String {
        self.location.shown().to_string()
    }
}
