//! What the relational adapters share: the ports over SQL written once, in SQL both SQLite and
//! PostgreSQL run, against a small connection interface (`SqlConn`) each adapter implements for
//! its driver and dialect. Statements use `?N` (or bare `?`) placeholders, which an adapter may
//! rewrite; every value is bound, never spliced into the text. Only portable SQL here: types
//! are 64-bit integers and texts (flags are 0 or 1), sums are cast back to integers, and a
//! parameter whose type nothing else fixes is cast.

mod log;
mod maintenance;
mod queries;
mod read_models;
mod state;
mod tokens;

use crate::digest::{Digests, Salt};
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Envelope, EnvelopeRef};
use crate::ports::{Store, Value};
use crate::projections::rows::Row;

/// A value bound to a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Int(i64::from(v))
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Param::Null, Into::into)
    }
}

/// A value owned by a statement being composed (`Filters`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    Int(i64),
    Text(String),
}

impl Owned {
    pub fn param(&self) -> Param<'_> {
        match self {
            Owned::Int(v) => Param::Int(*v),
            Owned::Text(v) => Param::Text(v),
        }
    }
}

impl<'a> Param<'a> {
    /// The value, owned (`None`: NULL), to be bound later.
    pub fn owned(&self) -> Option<Owned> {
        match self {
            Param::Null => None,
            Param::Int(v) => Some(Owned::Int(*v)),
            Param::Text(v) => Some(Owned::Text((*v).to_string())),
        }
    }

    /// The value an owned one binds.
    pub fn of(value: Option<&'a Owned>) -> Param<'a> {
        value.map_or(Param::Null, Owned::param)
    }
}

/// Which SQL a connection speaks, where the fastest statement for a change differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One row of a query's answer, read by column position.
pub trait SqlRow {
    fn int(&self, i: usize) -> Result<i64>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
    fn text(&self, i: usize) -> Result<&str>;
    fn opt_text(&self, i: usize) -> Result<Option<&str>>;
    /// Any value, as `verify` shows it (a value of a type payctl never writes included).
    fn value(&self, i: usize) -> Value;
    fn columns(&self) -> usize;

    fn flag(&self, i: usize) -> Result<bool> {
        Ok(self.int(i)? != 0)
    }
}

/// The columns of the event log, in `EnvelopeRef` order.
pub const ENVELOPE_COLUMNS: &str = "seq, stream, version, kind, schema, payload, recorded_at, \
                                    effective_at, actor, idempotency_key, hash";

/// A row of `ENVELOPE_COLUMNS`, borrowed from the driver's row.
pub fn envelope<'r>(row: &'r dyn SqlRow) -> Result<EnvelopeRef<'r>> {
    Ok(EnvelopeRef {
        seq: row.int(0)?,
        stream: row.text(1)?,
        version: row.int(2)?,
        kind: row.text(3)?,
        schema: row.int(4)?,
        payload: row.text(5)?,
        recorded_at: row.text(6)?,
        effective_at: row.text(7)?,
        actor: row.text(8)?,
        idempotency_key: row.opt_text(9)?,
        hash: row.text(10)?,
    })
}

/// The error for a write that changed another number of rows than it must.
pub fn not_changed(sql: &str, changed: usize, rows: usize) -> Error {
    let statement: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    Error::internal(format!(
        "a write changed {changed} rows, not {rows}: {statement}"
    ))
}

/// An event's values in the log's column order (seq, stream, version, kind, schema, payload,
/// recorded_at, effective_at, actor, idempotency_key, hash): what either database's insert binds.
pub fn event_params(env: &crate::event::Envelope) -> [Param<'_>; 11] {
    [
        env.seq.into(),
        Param::Text(&env.stream),
        env.version.into(),
        Param::Text(&env.kind),
        env.schema.into(),
        Param::Text(&env.payload),
        Param::Text(&env.recorded_at),
        Param::Text(&env.effective_at),
        Param::Text(&env.actor),
        env.idempotency_key.as_deref().into(),
        Param::Text(&env.hash),
    ]
}

/// The error for an event whose place in its stream another command took.
pub fn stream_taken(stream: &str) -> Error {
    Error::new(
        ErrorCode::ConcurrentUpdate,
        format!("stream {stream} changed under this command: retry"),
    )
}

/// A value read back that is not of the type payctl wrote there: only an edit of the store makes
/// one.
pub fn not_written(column: usize, what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "the store holds a value payctl did not write (run `payctl verify`): column {column} \
             is {what}"
        ),
    )
}

/// A connection as the shared SQL needs it: statements, and what differs between databases
/// (transactions and locks, bulk reads and writes, digests, the change signal, backups).
pub trait SqlConn: Send {
    /// Runs a statement; how many rows it changed.
    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize>;
    /// Runs a query, handing each row to `f` until it answers `false`.
    fn query(
        &self,
        sql: &str,
        params: &[Param<'_>],
        f: &mut dyn FnMut(&dyn SqlRow) -> Result<bool>,
    ) -> Result<()>;
    /// Runs a statement whose answer nobody reads, which must change exactly `rows` rows (when
    /// given). An adapter may send it later, with the next statement that is read or the
    /// commit (its failure then fails that one, and the transaction).
    fn write(&self, sql: &str, params: &[Param<'_>], rows: Option<usize>) -> Result<()> {
        let changed = self.execute(sql, params)?;
        match rows {
            Some(rows) if rows != changed => Err(not_changed(sql, changed, rows)),
            _ => Ok(()),
        }
    }
    /// Inserts one row of a read model, its values taken from the row (as `write` does).
    fn insert_row(&self, row: &dyn Row) -> Result<()>;
    /// Appends one event as it is (as `write` does); its (stream, version) already taken is
    /// `concurrent_update`.
    fn insert_event(&self, env: &Envelope) -> Result<()>;
    fn dialect(&self) -> Dialect;

    fn begin_write(&mut self) -> Result<()>;
    fn begin_read(&mut self) -> Result<()>;
    fn end_read(&mut self);
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self);
    fn set_durable(&mut self, durable: bool) -> Result<()>;
    fn bulk_writes(&mut self, on: bool) -> Result<()>;

    /// Each read-model table's digest (`ports::Maintenance::table_digests`).
    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests>;
    fn clear_read_models(&mut self) -> Result<()>;
    /// The statements that build the query-only indexes (dropped during a bulk load).
    fn query_indexes(&self) -> &'static [(&'static str, &'static str)];
    /// A second store on the same database, its read transaction begun (`None`: not offered).
    fn second_reader(&self) -> Option<Box<dyn Store>>;
    fn change_signal(&self) -> Result<i64>;
    /// A consistent copy of the whole store into a new SQLite file at `path`; `false` when the
    /// database has no way of its own (the engine then copies through the ports).
    fn backup_to(&self, path: &std::path::Path) -> Result<bool>;
    fn location(&self) -> String;
}

/// A store over a relational database: every port, in the shared SQL, over `C`.
pub struct SqlStore<C: SqlConn> {
    pub(crate) conn: C,
    /// Inside a write transaction (no one else appends): each stream's last version, as read
    /// or appended by it. Saves a query per event (a round trip on a server).
    pub(crate) versions: std::cell::RefCell<std::collections::HashMap<String, i64>>,
    /// Whether a write transaction is open.
    pub(crate) writing: bool,
}

impl<C: SqlConn> SqlStore<C> {
    pub fn new(conn: C) -> SqlStore<C> {
        SqlStore {
            conn,
            versions: Default::default(),
            writing: false,
        }
    }

    /// The first row of a query's answer, read by `f`.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        f: impl FnOnce(&dyn SqlRow) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut found = None;
        self.conn.query(sql, params, &mut |row| {
            if let Some(f) = f.take() {
                found = Some(f(row)?);
            }
            Ok(false)
        })?;
        Ok(found)
    }

    /// Every row of a query's answer, each read by `f`.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut f: impl FnMut(&dyn SqlRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.conn.query(sql, params, &mut |row| {
            out.push(f(row)?);
            Ok(true)
        })?;
        Ok(out)
    }

    /// The integer a query answers (0 when it answers nothing, or NULL).
    pub(crate) fn scalar(&self, sql: &str, params: &[Param<'_>]) -> Result<i64> {
        Ok(self
            .one(sql, params, |r| r.opt_int(0))?
            .flatten()
            .unwrap_or(0))
    }

    /// Whether a query answers any row.
    pub(crate) fn exists(&self, sql: &str, params: &[Param<'_>]) -> Result<bool> {
        Ok(self.one(sql, params, |_| Ok(()))?.is_some())
    }

    /// Runs an UPDATE; whether it changed exactly one row.
    pub(crate) fn update(&self, sql: &str, params: &[Param<'_>]) -> Result<bool> {
        Ok(self.conn.execute(sql, params)? == 1)
    }
}

/// Optional filters composed into a WHERE clause from fixed fragments (never from input), with
/// their values bound (bare `?` placeholders, numbered by position).
#[derive(Default, Clone)]
pub(crate) struct Filters {
    pub sql: String,
    values: Vec<Owned>,
}

impl Filters {
    pub fn clause(&mut self, fragment: &'static str, values: Vec<Owned>) {
        self.sql.push_str(" AND ");
        self.sql.push_str(fragment);
        self.values.extend(values);
    }

    pub fn eq(&mut self, fragment: &'static str, value: Option<Owned>) {
        if let Some(v) = value {
            self.clause(fragment, vec![v]);
        }
    }

    /// Values bound before the filters', the filters', then trailing ones (LIMIT, OFFSET).
    pub fn params<'a>(&'a self, leading: &[Param<'a>], trailing: &[i64]) -> Vec<Param<'a>> {
        let mut v: Vec<Param<'a>> = leading.to_vec();
        v.extend(self.values.iter().map(Owned::param));
        v.extend(trailing.iter().map(|n| Param::Int(*n)));
        v
    }
}

pub(crate) fn int(n: Option<i64>) -> Option<Owned> {
    n.map(Owned::Int)
}

pub(crate) fn text(t: Option<&str>) -> Option<Owned> {
    t.map(|s| Owned::Text(s.to_string()))
}

/// Rewrites `?N` and bare `?` placeholders as PostgreSQL's `$N` (bare ones numbered in order).
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0;
    let mut chars = sql.chars().peekable();
    let mut in_quote = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
            continue;
        }
        if c != '?' || in_quote {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        out.push('$');
        if digits.is_empty() {
            next += 1;
            out.push_str(&next.to_string());
        } else {
            out.push_str(&digits);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            dollar_placeholders("SELECT ?1, ?12 WHERE a = ?2"),
            "SELECT $1, $12 WHERE a = $2"
        );
        assert_eq!(
            dollar_placeholders("WHERE a = ? AND b LIKE ? ESCAPE '?' LIMIT ?"),
            "WHERE a = $1 AND b LIKE $2 ESCAPE '?' LIMIT $3"
        );
    }
}
