//! The PostgreSQL adapter: every `postgres` type in payctl lives under this module. A store is a
//! schema of a database (default `payctl`), made by the same numbered migrations as SQLite's in
//! PostgreSQL's dialect (`schema.rs`). The ports are the shared SQL's (`store::sql`); this module
//! is the connection beneath them: writers serialised by a lock on one row taken first in every
//! write transaction (a wait beyond the busy timeout is `store_locked`), readers on a snapshot.
//!
//! The `postgres` client is synchronous; inside, it drives its connection on a runtime of its
//! own, on the calling thread. Nothing of it shows outside this module.

mod connection;
mod location;
pub mod schema;

use std::time::Duration;

use postgres::{Client, NoTls};

use super::sql::{Param, SqlStore};
use super::{Initialize, OpenMode};
use crate::error::{Error, ErrorCode, Result};
pub use location::{PgLocation, hide_password};

/// A store in a PostgreSQL schema.
pub type PgStore = SqlStore<PgConn>;

/// A connection to a PostgreSQL store.
pub struct PgConn {
    client: std::cell::RefCell<connection::Client>,
    location: PgLocation,
    busy_timeout: Duration,
    created: bool,
}

impl SqlStore<PgConn> {
    /// Connects to the store at `location`; a missing one is created (when `mode` allows) with
    /// every migration and its first event (`initialize`), in one transaction, so processes
    /// started together see either no store or a whole one.
    pub fn open(
        location: &PgLocation,
        mode: OpenMode,
        busy_timeout: Duration,
        initialize: Initialize<'_>,
    ) -> Result<PgStore> {
        let client = connect(location)?;
        let mut store = SqlStore::new(PgConn {
            client: std::cell::RefCell::new(connection::Client::new(client)),
            location: location.clone(),
            busy_timeout,
            created: false,
        });
        prepare_schema(&mut store, mode, initialize)?;
        Ok(store)
    }

    /// Whether this open created the store.
    pub fn created(&self) -> bool {
        self.conn.created
    }
}

/// A client connected to the database of `location`, its `search_path` the store's schema.
fn connect(location: &PgLocation) -> Result<Client> {
    let mut client = location
        .config()
        .connect(NoTls)
        .map_err(|e| unreachable(location, &e))?;
    // The schema name is checked to be a plain identifier (`PgLocation::parse`); quoted anyway.
    let schema = location.schema();
    client
        .batch_execute(&format!(
            "SET search_path TO \"{schema}\"; SET client_min_messages TO warning"
        ))
        .map_err(|e| unreachable(location, &e))?;
    Ok(client)
}

/// The error for a server that cannot be reached, naming it without its password.
fn unreachable(location: &PgLocation, e: &postgres::Error) -> Error {
    Error::new(
        ErrorCode::StoreMissing,
        format!(
            "cannot reach the PostgreSQL store at {}: {} (is the server running, and the \
             database there?)",
            location.shown(),
            connection::reason(e)
        ),
    )
}

/// The store's schema, made or migrated as needed, under an advisory lock so that two processes
/// doing it at once do it once.
fn prepare_schema(store: &mut PgStore, mode: OpenMode, initialize: Initialize<'_>) -> Result<()> {
    let known = schema::MIGRATIONS.len() as i64;
    let version = schema_version(&store.conn)?;
    if let Some(v) = version.filter(|v| *v > known) {
        return Err(too_new(v, known));
    }
    if version == Some(known) {
        return Ok(());
    }
    if version.is_none() && mode == OpenMode::MustExist {
        return Err(Error::new(
            ErrorCode::StoreMissing,
            format!(
                "no store at {}: create one with `payctl init` (or any write command)",
                store.conn.location.shown()
            ),
        ));
    }
    store.conn.client().batch("BEGIN")?;
    match migrate_locked(store, known, initialize) {
        Ok(()) => store.conn.client().batch("COMMIT"),
        Err(e) => {
            let _ = store.conn.client().batch("ROLLBACK");
            Err(e)
        }
    }
}

fn migrate_locked(store: &mut PgStore, known: i64, initialize: Initialize<'_>) -> Result<()> {
    let schema = store.conn.location.schema().to_string();
    let lock_name = format!("payctl schema {schema}");
    // One creator at a time for this schema (the lock ends with the transaction).
    store.conn.client().execute(
        "SELECT pg_advisory_xact_lock(hashtext(?1))",
        &[Param::Text(&lock_name)],
    )?;
    // The name is a checked identifier (`PgLocation::parse`), quoted.
    store
        .conn
        .client()
        .batch(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))?;
    let version = schema_version(&store.conn)?;
    if version.is_none() {
        let foreign = store.conn.client().scalar(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?1",
            &[Param::Text(&schema)],
        )?;
        if foreign > 0 {
            return Err(Error::new(
                ErrorCode::StoreCorrupt,
                format!(
                    "schema {schema} of {} holds {foreign} table(s) payctl did not make: name \
                     another schema (?schema=NAME)",
                    store.conn.location.shown()
                ),
            ));
        }
    }
    let from = version.unwrap_or(0);
    if from > known {
        return Err(too_new(from, known));
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(from as usize) {
        store.conn.client().batch(sql)?;
        store.conn.client().execute(
            "UPDATE schema_version SET version = ?1",
            &[Param::Int(i as i64 + 1)],
        )?;
    }
    if version.is_none() {
        store.conn.created = true;
        // The first event, through the ports, in this same transaction.
        initialize(store)?;
    }
    Ok(())
}

/// The schema's version; `None` when the schema (or its version table) does not exist.
fn schema_version(conn: &PgConn) -> Result<Option<i64>> {
    let schema = conn.location.schema();
    let exists = conn.client().scalar(
        "SELECT COUNT(*) FROM information_schema.tables
         WHERE table_schema = ?1 AND table_name = 'schema_version'",
        &[Param::Text(schema)],
    )?;
    if exists == 0 {
        return Ok(None);
    }
    Ok(Some(
        conn.client()
            .scalar("SELECT version FROM schema_version", &[])?,
    ))
}

fn too_new(version: i64, known: i64) -> Error {
    Error::new(
        ErrorCode::SchemaTooNew,
        format!(
            "the store has schema version {version}, this payctl knows up to {known}: upgrade \
             payctl"
        ),
    )
}

/// A second store on the same database and schema, reading the snapshot `snapshot` (as
/// `pg_export_snapshot` named it).
fn second_store(location: &PgLocation, busy_timeout: Duration, snapshot: &str) -> Option<PgStore> {
    // A snapshot id is hex digits and dashes: checked, as it is spelled into the statement.
    if snapshot.is_empty() || !snapshot.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        return None;
    }
    let client = connect(location).ok()?;
    let conn = PgConn {
        client: std::cell::RefCell::new(connection::Client::new(client)),
        location: location.clone(),
        busy_timeout,
        created: false,
    };
    conn.client()
        .batch(&format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'"
        ))
        .ok()?;
    Some(SqlStore::new(conn))
}
