//! Storage adapters: each implements the ports (`crate::ports`) over one way of keeping data.
//! `sqlite` is the embedded default, `postgres` the shared server (both through `sql`, the
//! SQL they have in common); `memory` holds the read models in maps (what `verify`,
//! `rebuild` and the as-of queries fold into).

pub mod memory;
pub mod postgres;
pub mod sql;
pub mod sqlite;

use std::time::Duration;

use crate::error::Result;
use crate::ports::Store;

/// What a new store is given before it appears: its first event, through the ports.
pub type Initialize<'a> = &'a mut dyn FnMut(&mut dyn Store) -> Result<()>;

/// How long a writer waits (by default) for another writer before `store_locked`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether opening may create the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read commands: a missing store is `store_missing`.
    MustExist,
    /// Write commands: a missing store is created (private to its owner).
    CreateIfMissing,
}

/// Which backend a `--db` value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(db: &std::path::Path) -> Backend {
        if postgres::PgLocation::is_postgres(&db.to_string_lossy()) {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

/// A `--db` value as people may read it: a PostgreSQL location without its password, or the
/// path.
pub fn shown(db: &std::path::Path) -> String {
    let text = db.to_string_lossy();
    match Backend::of(db) {
        Backend::Postgres => postgres::PgLocation::parse(&text).map_or_else(
            |_| postgres::hide_password(&text),
            |l| l.shown().to_string(),
        ),
        Backend::Sqlite => db.display().to_string(),
    }
}

/// A bare connection to the database `db` names, without payctl's checks or migrations (tests
/// that edit a store behind payctl's back).
pub(crate) fn raw_connection(db: &std::path::Path) -> Result<Box<dyn sql::SqlConn>> {
    match postgres::PgLocation::recognise(&db.to_string_lossy())? {
        Some(location) => Ok(Box::new(postgres::PgStore::raw(&location)?)),
        None => Ok(Box::new(sqlite::SqliteStore::raw(db)?)),
    }
}
