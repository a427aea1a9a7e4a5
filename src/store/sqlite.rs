//! The SQLite adapter: every rusqlite type in payctl lives under this module. One file per store,
//! WAL journal, `synchronous=FULL`; writers serialised by `BEGIN IMMEDIATE` and a busy timeout;
//! migrations keyed on `PRAGMA user_version`. The ports are the shared SQL's (`store::sql`); this
//! module is the connection beneath them, and what only SQLite does.

mod connection;
mod digest;
mod error;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::sql::SqlStore;
use super::{Initialize, OpenMode};
use crate::error::{Error, ErrorCode, Result};
use crate::ports::UnitOfWork;

/// A store in an SQLite file (or in memory).
pub type SqliteStore = SqlStore<SqliteConn>;

/// A connection to an SQLite store.
pub struct SqliteConn {
    conn: Connection,
    /// The file, when there is one: a second reader opens it.
    path: Option<PathBuf>,
    /// Whether this open created the file.
    created: bool,
}

impl SqlStore<SqliteConn> {
    /// Opens (or creates) the store file, sets the pragmas and migrates the schema. A store it
    /// creates is built whole, its first event (`initialize`) included, before it appears at
    /// `path`.
    pub fn open(
        path: &Path,
        mode: OpenMode,
        busy_timeout: Duration,
        initialize: Initialize<'_>,
    ) -> Result<SqliteStore> {
        refuse_unsafe_path(path)?;
        let exists = path.exists();
        if !exists && mode == OpenMode::MustExist {
            return Err(Error::new(
                ErrorCode::StoreMissing,
                format!(
                    "no store at {}: create one with `payctl init` (or any write command)",
                    path.display()
                ),
            ));
        }
        if exists {
            refuse_foreign_file(path)?;
        }
        let created = !exists && create_store_file(path, busy_timeout, initialize)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(busy_timeout)?;
        refuse_foreign_schema(&conn, path)?;
        configure(&conn, busy_timeout)?;
        migrate(&conn)?;
        Ok(SqliteStore::new(SqliteConn {
            conn,
            path: Some(path.to_path_buf()),
            created,
        }))
    }

    /// A bare connection to the file, without payctl's checks, settings or migrations (tests
    /// that edit a store behind payctl's back).
    pub(crate) fn raw(path: &Path) -> Result<SqliteConn> {
        Ok(SqliteConn {
            conn: Connection::open(path)?,
            path: Some(path.to_path_buf()),
            created: false,
        })
    }

    /// A store in memory with the current schema and nothing in it (tests).
    pub fn in_memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()?;
        conn.set_prepared_statement_cache_capacity(256);
        migrate(&conn)?;
        Ok(SqliteStore::new(SqliteConn {
            conn,
            path: None,
            created: true,
        }))
    }

    /// Whether this open created the store.
    pub fn created(&self) -> bool {
        self.conn.created
    }
}

/// A file that is not an SQLite database (an empty file, a text file) is refused, saying what it
/// is: payctl never turns a file it did not make into a store. The file is only looked at
/// (`stat`) here and read through SQLite (`refuse_foreign_schema`): opening and closing it
/// with std::fs would drop the POSIX locks this process's other connections hold on it (a
/// server's), and another process closing its connection would then delete the WAL under them.
fn refuse_foreign_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::new(
            ErrorCode::StoreMissing,
            format!("cannot open {}: {e}", path.display()),
        )
    })?;
    if meta.len() == 0 {
        return Err(not_a_store(path, "an empty file (0 bytes)"));
    }
    Ok(())
}

fn not_a_store(path: &Path, what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "{} is {what}, not a payctl store: point --db at a store, or remove the file \
             and run `payctl init` to create one there",
            path.display()
        ),
    )
}

/// An SQLite database payctl did not make (every store has a schema version) is refused
/// before anything is written to it.
fn refuse_foreign_schema(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = match conn.query_row("PRAGMA user_version", [], |r| r.get(0)) {
        Ok(v) => v,
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(not_a_store(path, "not an SQLite database"));
        }
        Err(e) => return Err(e.into()),
    };
    if version > 0 {
        return Ok(());
    }
    let tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    Err(Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "{} is an SQLite database without payctl's schema ({tables} table(s) of its own), \
             not a payctl store: point --db at a store, or at a new path to create one",
            path.display()
        ),
    ))
}

/// Makes a new store appear at `path` whole: built (WAL mode, every migration) in a private
/// temporary file beside it, then linked into place. A process that opens the path meanwhile
/// sees either no store or a finished one, never a file still being set up: switching a
/// fresh file to WAL needs a lock that a concurrent opener could hold, and losing that race
/// failed the command. Returns whether this call's store is the one in place (false: another
/// process created it first, and that one is used).
fn create_store_file(
    path: &Path,
    busy_timeout: Duration,
    initialize: Initialize<'_>,
) -> Result<bool> {
    let name = path
        .file_name()
        .map_or_else(|| "payctl.db".into(), |n| n.to_string_lossy().into_owned());
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = path.with_file_name(format!(".{name}.creating-{}-{nonce}", std::process::id()));
    let result = build_and_link(&temp, path, busy_timeout, initialize);
    let _ = std::fs::remove_file(&temp);
    result
}

fn build_and_link(
    temp: &Path,
    path: &Path,
    busy_timeout: Duration,
    initialize: Initialize<'_>,
) -> Result<bool> {
    crate::files::create_private_file(temp)?;
    {
        // Closing the only connection checkpoints the WAL into the file and removes it.
        let conn = Connection::open_with_flags(
            temp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn, busy_timeout)?;
        migrate(&conn)?;
        let mut store = SqliteStore::new(SqliteConn {
            conn,
            path: None,
            created: true,
        });
        store.begin_write()?;
        match initialize(&mut store) {
            Ok(()) => store.commit()?,
            Err(e) => {
                store.rollback();
                return Err(e);
            }
        }
        store.conn.conn.close().map_err(|(_, e)| Error::from(e))?;
    }
    // A hard link fails if the name exists: exactly one creator wins, nothing is overwritten.
    let created = match std::fs::hard_link(temp, path) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
        // A file system without hard links: rename, which is atomic but would replace a
        // store another process made since our check, so look once more first.
        Err(_) if !path.exists() => {
            std::fs::rename(temp, path).map_err(|e| {
                Error::internal(format!("cannot create store {}: {e}", path.display()))
            })?;
            true
        }
        Err(_) => false,
    };
    // The new name is durable only once its directory is synced.
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(dir) = std::fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
    Ok(created)
}

/// A store behind a symbolic link (which could be swapped to point at another file) or writable
/// by everyone (anyone could rewrite the books) is refused, naming the path.
fn refuse_unsafe_path(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(()); // missing: created private below
    };
    let shown = path.display().to_string();
    if meta.file_type().is_symlink() {
        return Err(Error::invalid(
            "db",
            &shown,
            "is a symbolic link; point --db at the real file",
        ));
    }
    if meta.is_dir() {
        return Err(Error::invalid(
            "db",
            &shown,
            "is a directory, not a store file",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(Error::invalid(
                "db",
                &shown,
                "is writable by everyone; make it private first (chmod 600)",
            ));
        }
    }
    Ok(())
}

fn configure(conn: &Connection, busy_timeout: Duration) -> Result<()> {
    conn.busy_timeout(busy_timeout)?;
    // Every hot statement stays prepared (the default cache of 16 thrashes on the write path).
    conn.set_prepared_statement_cache_capacity(256);
    // WAL: readers never block the writer; FULL: an acknowledged commit survives power loss.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::new(
            ErrorCode::StoreCorrupt,
            format!("cannot switch the store to WAL mode (got {mode})"),
        ));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;
         PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
    )?;
    Ok(())
}

fn migrate(conn: &Connection) -> Result<()> {
    let known = schema::MIGRATIONS.len() as i64;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > known {
        return Err(Error::new(
            ErrorCode::SchemaTooNew,
            format!(
                "the store has schema version {version}, this payctl knows up to {known}: \
                 upgrade payctl"
            ),
        ));
    }
    if version == known {
        return Ok(());
    }
    // One exclusive transaction for all pending steps; re-read the version inside it in case
    // another process migrated meanwhile.
    conn.execute_batch("BEGIN EXCLUSIVE")?;
    let result = (|| -> Result<()> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in schema::MIGRATIONS
            .iter()
            .enumerate()
            .skip(version.max(0) as usize)
        {
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(())
}
