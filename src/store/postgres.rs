//! The PostgreSQL adapter: every `postgres` type in payctl lives under this module. A store is a
//! schema of a database (default `payctl`), made by the same numbered migrations as SQLite's in
//! PostgreSQL's dialect (`schema.rs`). The ports are the shared SQL's (`store::sql`); this module
//! is the connection beneath them: writers serialised by a lock on one row taken first in every
//! write transaction (a wait beyond the busy timeout is `store_locked`), readers on a snapshot.
//!
//! The `postgres` client is synchronous; inside, it drives its connection on a runtime of its
//! own, on the calling thread. Nothing of it shows outside this module.

mod client;
mod connection;
mod location;
pub mod schema;

use std::time::Duration;

use super::sql::{Param, SqlStore};
use super::{Initialize, OpenMode};
use crate::error::{Error, ErrorCode, Result};
pub use location::{PgLocation, hide_password};

/// A store in a PostgreSQL schema.
pub type PgStore = SqlStore<PgConn>;

/// A connection to a PostgreSQL store.
pub struct PgConn {
    client: std::cell::RefCell<client::Client>,
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
        let client = connect(location, busy_timeout)?;
        let mut store = SqlStore::new(PgConn {
            client: std::cell::RefCell::new(client),
            location: location.clone(),
            busy_timeout,
            created: false,
        });
        prepare_schema(&mut store, mode, initialize)?;
        Ok(store)
    }

    /// A bare connection to the store's schema, without payctl's checks or migrations (tests
    /// that edit a store behind payctl's back).
    pub(crate) fn raw(location: &PgLocation) -> Result<PgConn> {
        Ok(PgConn {
            client: std::cell::RefCell::new(connect(location, crate::store::BUSY_TIMEOUT)?),
            location: location.clone(),
            busy_timeout: crate::store::BUSY_TIMEOUT,
            created: false,
        })
    }

    /// Whether this open created the store.
    pub fn created(&self) -> bool {
        self.conn.created
    }
}

/// A client connected to the database of `location`: its `search_path` the store's schema,
/// waiting at most `busy_timeout` for a lock (set as the connection starts: no round trip).
fn connect(location: &PgLocation, busy_timeout: Duration) -> Result<client::Client> {
    let config = client_config(location, busy_timeout, std::env::var_os("PGPASSWORD"));
    client::Client::connect(&config).map_err(|e| unreachable(location, &e))
}

/// The connection's settings: the location's, payctl's session options, and the password of
/// `$PGPASSWORD` (`env_password`) when the location has none.
fn client_config(
    location: &PgLocation,
    busy_timeout: Duration,
    env_password: Option<std::ffi::OsString>,
) -> tokio_postgres::Config {
    let mut config = location.config().clone();
    // The schema name is checked to be a plain identifier (`PgLocation::parse`).
    let schema = location.schema();
    let lock_ms = busy_timeout.as_millis().max(1);
    let ours =
        format!("-c search_path={schema} -c client_min_messages=warning -c lock_timeout={lock_ms}");
    let options = match config.get_options() {
        Some(theirs) => format!("{theirs} {ours}"),
        None => ours,
    };
    config.options(&options);
    if config.get_application_name().is_none() {
        // How an administrator tells payctl's sessions apart (`pg_stat_activity`).
        config.application_name("payctl");
    }
    if config.get_password().is_none() {
        // As libpq does: a password kept out of the URL (and out of shell history and `ps`).
        if let Some(password) = env_password.filter(|p| !p.is_empty()) {
            config.password(password.as_encoded_bytes());
        }
    }
    config
}

/// The error for a server that cannot be reached (`store_locked`: try again later) or that has
/// no such database or role (`store_missing`), naming it without its password.
fn unreachable(location: &PgLocation, e: &client::ConnectError) -> Error {
    Error::new(
        ErrorCode::from(e),
        format!(
            "cannot reach the PostgreSQL store at {}: {} (is the server running, and the \
             database there?)",
            location.shown(),
            e.reason()
        ),
    )
}

/// The store's schema, made or migrated as needed, under an advisory lock so that two processes
/// doing it at once do it once.
fn prepare_schema(store: &mut PgStore, mode: OpenMode, initialize: Initialize<'_>) -> Result<()> {
    let known = schema::MIGRATIONS.len() as i64;
    let mut version = schema_version(&store.conn)?;
    if version.is_none() && refuse_foreign_tables(&store.conn)? == Tables::Payctl {
        // Another process created the store since it was looked for: open that.
        version = schema_version(&store.conn)?;
        if version.is_none() {
            return Err(Error::new(
                ErrorCode::StoreCorrupt,
                format!(
                    "the store at {} has an empty schema_version table",
                    store.conn.location.shown()
                ),
            ));
        }
    }
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
    let version = schema_version_in_tx(&store.conn)?;
    if version.is_none() {
        refuse_foreign_tables(&store.conn)?;
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

/// What a schema without payctl's version table holds when looked at again.
#[derive(Debug, PartialEq, Eq)]
enum Tables {
    None,
    /// payctl's own: a store committed since the version table was looked for.
    Payctl,
}

/// A schema without payctl's version table that holds tables all the same is someone else's:
/// `store_corrupt`, and left as it is.
fn refuse_foreign_tables(conn: &PgConn) -> Result<Tables> {
    let schema = conn.location.schema();
    let tables = conn.client().scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?1",
        &[Param::Text(schema)],
    )?;
    if tables == 0 {
        return Ok(Tables::None);
    }
    // A store's tables are committed with its version table, all at once: asked after the
    // count, the version table is there if those tables are payctl's.
    let ours = conn.client().scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?1 \
         AND table_name = 'schema_version'",
        &[Param::Text(schema)],
    )?;
    if ours > 0 {
        return Ok(Tables::Payctl);
    }
    let foreign = tables;
    Err(Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "schema {schema} of {} holds {foreign} table(s) without payctl's schema (not made by \
             payctl): name another schema (?schema=NAME)",
            conn.location.shown()
        ),
    ))
}

/// The schema's version; `None` when the schema (or its version table) does not exist. Outside
/// a transaction: a failed statement would end one.
fn schema_version(conn: &PgConn) -> Result<Option<i64>> {
    conn.client().schema_version()
}

/// `schema_version` inside the migration's transaction, asking the catalog first.
fn schema_version_in_tx(conn: &PgConn) -> Result<Option<i64>> {
    let exists = conn.client().scalar(
        "SELECT CAST(to_regclass('schema_version') IS NOT NULL AS INT)",
        &[],
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
    let client = connect(location, busy_timeout).ok()?;
    let conn = PgConn {
        client: std::cell::RefCell::new(client),
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

/// Drops the store's schema with everything in it (test stores; never a command's).
pub fn drop_schema(location: &PgLocation) -> Result<()> {
    let mut client = connect(location, crate::store::BUSY_TIMEOUT)?;
    let schema = location.schema();
    // The name is a checked identifier (`PgLocation::parse`), quoted.
    client.batch(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str, env: Option<&str>) -> tokio_postgres::Config {
        let location = PgLocation::parse(url).expect("location");
        client_config(&location, Duration::from_millis(250), env.map(Into::into))
    }

    #[test]
    fn the_password_comes_from_pgpassword_unless_the_location_has_one() {
        let plain = "postgres://app@db.internal/books";
        assert_eq!(
            config(plain, Some("s3cret")).get_password(),
            Some(&b"s3cret"[..])
        );
        assert_eq!(config(plain, Some("")).get_password(), None);
        assert_eq!(config(plain, None).get_password(), None);
        let with = "postgres://app:own@db.internal/books";
        assert_eq!(
            config(with, Some("s3cret")).get_password(),
            Some(&b"own"[..])
        );
    }

    #[test]
    fn sessions_search_the_store_schema_and_wait_no_longer_than_the_busy_timeout() {
        let c = config(
            "host=/run/postgresql dbname=t schema=books options=-cwork_mem=8MB",
            None,
        );
        assert_eq!(
            c.get_options(),
            Some(
                "-cwork_mem=8MB -c search_path=books -c client_min_messages=warning -c lock_timeout=250"
            )
        );
        assert_eq!(c.get_application_name(), Some("payctl"));
    }
}
