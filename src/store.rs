//! The SQLite store: opening (pragmas, file mode, migrations) and the append-only, hash-chained
//! event log. Projections live in `projections`; this module only knows the log and its metadata.

pub mod schema;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Result};
use crate::event::{Envelope, Event, SCHEMA};

/// How long a writer waits (by default) for another process's write transaction before `store_locked`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether opening may create the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read commands: a missing store is `store_missing`.
    MustExist,
    /// Write commands: a missing store is created (mode 0600).
    CreateIfMissing,
}

/// Opens (or creates) the store file, sets the pragmas and migrates the schema. A store it
/// creates is built whole, `initialize` (its first event) included, before it appears at `path`.
/// Returns the connection and whether the file was created by this call.
pub fn open(
    path: &Path,
    mode: OpenMode,
    busy_timeout: Duration,
    initialize: &dyn Fn(&Connection) -> Result<()>,
) -> Result<(Connection, bool)> {
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
    Ok((conn, created))
}

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A file that is not an SQLite database (an empty file, a text file) is refused, saying what it
/// is: payctl never turns a file it did not make into a store.
fn refuse_foreign_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let shown = path.display();
    let mut file = std::fs::File::open(path)
        .map_err(|e| Error::new(ErrorCode::StoreMissing, format!("cannot open {shown}: {e}")))?;
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|e| Error::new(ErrorCode::StoreCorrupt, format!("cannot read {shown}: {e}")))?;
    let what = if head.is_empty() {
        "an empty file (0 bytes)"
    } else if head.as_slice() != SQLITE_HEADER {
        "not an SQLite database"
    } else {
        return Ok(());
    };
    Err(Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "{shown} is {what}, not a payctl store: point --db at a store, or remove the file \
             and run `payctl init` to create one there"
        ),
    ))
}

/// An SQLite database payctl did not make (every store has a schema version) is refused
/// before anything is written to it.
fn refuse_foreign_schema(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
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
    initialize: &dyn Fn(&Connection) -> Result<()>,
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
    initialize: &dyn Fn(&Connection) -> Result<()>,
) -> Result<bool> {
    create_private_file(temp)?;
    {
        // Closing the only connection checkpoints the WAL into the file and removes it.
        let conn = Connection::open_with_flags(
            temp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn, busy_timeout)?;
        migrate(&conn)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        match initialize(&conn) {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        conn.close().map_err(|(_, e)| Error::from(e))?;
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

/// An in-memory store with the current schema: the target of `verify`'s replay.
pub fn open_in_memory() -> Result<Connection> {
    open_in_memory_with_pages(4096)
}

/// An in-memory store whose pages are `page_size` bytes (a power of two, 512 to 65,536).
pub fn open_in_memory_with_pages(page_size: i64) -> Result<Connection> {
    with_schema(Connection::open_in_memory()?, page_size)
}

/// A fresh scratch connection with `page_size`-byte pages and the current schema.
fn with_schema(conn: Connection, page_size: i64) -> Result<Connection> {
    conn.set_prepared_statement_cache_capacity(256);
    conn.pragma_update(None, "page_size", page_size)?;
    migrate(&conn)?;
    Ok(conn)
}

/// A scratch store in the (empty, private) file at `path`, with the current schema: `page_size`
/// as in `open_in_memory_with_pages`, and at most `cache_kib` KiB of it held in memory.
pub fn open_scratch_file(path: &Path, page_size: i64, cache_kib: i64) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let conn = with_schema(conn, page_size)?;
    // After the page size: a cache given in KiB before it was held to 4 KiB pages' count, and
    // took four times the memory once the pages grew.
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    Ok(conn)
}

/// Creates the file at `path`, readable and writable by its owner only (0600), failing if
/// anything (a file, a link) is already there.
pub fn create_new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates an empty file readable and writable by its owner only (0600), parents included.
pub fn create_private_file(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            Error::internal(format!("cannot create directory {}: {e}", parent.display()))
        })?;
    }
    match create_new_private_file(path) {
        Ok(_) => Ok(()),
        // Another process created it between our check and now: fine, it is a store or will be.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::internal(format!(
            "cannot create store {}: {e}",
            path.display()
        ))),
    }
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

/// The hash that precedes the first event: derived from the store id.
pub fn genesis_hash(store_id: &str) -> String {
    hex(&Sha256::digest(
        format!("payctl genesis {store_id}").as_bytes(),
    ))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// `hash_n = SHA-256(hash_{n-1} ‖ canonical bytes of event n)`. Every envelope field but the
/// hash itself is covered, each length-prefixed so no two field lists hash alike.
pub fn event_hash(prev_hash: &str, e: &Envelope) -> String {
    hex(&event_digest(prev_hash, &e.borrowed()))
}

/// The SHA-256 of an event's fields after its predecessor's hash: each field length-prefixed,
/// numbers in decimal, a missing key as "\0none". Allocates nothing (`verify` runs it per event).
pub fn event_digest(prev_hash: &str, e: &EnvelopeRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    let (mut seq, mut version, mut schema) = ([0_u8; 20], [0_u8; 20], [0_u8; 20]);
    let key = e.idempotency_key.unwrap_or("\u{0}none");
    for field in [
        decimal(e.seq, &mut seq),
        e.stream.as_bytes(),
        decimal(e.version, &mut version),
        e.kind.as_bytes(),
        decimal(e.schema, &mut schema),
        e.payload.as_bytes(),
        e.recorded_at.as_bytes(),
        e.effective_at.as_bytes(),
        e.actor.as_bytes(),
        key.as_bytes(),
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field);
    }
    h.finalize().into()
}

/// `n` in decimal, written into `buf` (as `n.to_string()` would spell it).
pub(crate) fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Whether `hex_text` is the lowercase hex spelling of `digest`.
pub fn hex_matches(hex_text: &str, digest: &[u8; 32]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let text = hex_text.as_bytes();
    text.len() == 64
        && digest.iter().enumerate().all(|(i, b)| {
            text[2 * i] == DIGITS[(b >> 4) as usize] && text[2 * i + 1] == DIGITS[(b & 15) as usize]
        })
}

pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM store_meta WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// The head of the log: the last event's seq, hash and effective time (0, genesis, none when
/// empty). Recorded in `store_meta` by every command so a truncated log is detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub last_effective_at: Option<String>,
}

/// The recorded head (seq, hash). (0, genesis) for an empty log.
pub fn head(conn: &Connection) -> Result<(i64, String)> {
    let seq = meta_get(conn, "head_seq")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let hash = match meta_get(conn, "head_hash")? {
        Some(h) => h,
        None => genesis_hash(&meta_get(conn, "store_id")?.unwrap_or_default()),
    };
    Ok((seq, hash))
}

/// The head a writer continues from.
pub fn read_head(conn: &Connection) -> Result<Head> {
    let (seq, hash) = head(conn)?;
    Ok(Head {
        seq,
        hash,
        last_effective_at: last_effective_at(conn)?,
    })
}

pub fn write_head(conn: &Connection, head: &Head) -> Result<()> {
    meta_set(conn, "head_seq", &head.seq.to_string())?;
    meta_set(conn, "head_hash", &head.hash)
}

/// The envelope fields a command supplies for the events it appends.
pub struct AppendContext<'a> {
    pub recorded_at: &'a str,
    pub effective_at: &'a str,
    pub actor: &'a str,
    pub idempotency_key: Option<&'a str>,
}

/// Appends one event at `head`: next seq, next stream version, chained hash; advances `head`.
/// The caller records the head (`write_head`) once its command is done.
pub fn append_on(
    tx: &Connection,
    event: &Event,
    ctx: &AppendContext<'_>,
    head: &mut Head,
) -> Result<Envelope> {
    let (head_seq, head_hash) = (head.seq, head.hash.clone());
    let stream = event.stream();
    let version: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?1")?
        .query_row([&stream], |r| r.get(0))?;
    let mut env = Envelope {
        seq: head_seq + 1,
        stream,
        version: version + 1,
        kind: event.kind().to_string(),
        schema: SCHEMA,
        payload: serde_json::to_string(event)
            .map_err(|e| Error::internal(format!("cannot encode event: {e}")))?,
        recorded_at: ctx.recorded_at.to_string(),
        effective_at: ctx.effective_at.to_string(),
        actor: ctx.actor.to_string(),
        idempotency_key: ctx.idempotency_key.map(str::to_string),
        hash: String::new(),
    };
    env.hash = event_hash(&head_hash, &env);
    let inserted = tx
        .prepare_cached(
            "INSERT INTO events (seq, stream, version, kind, schema, payload, recorded_at,
                                 effective_at, actor, idempotency_key, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            env.seq,
            env.stream,
            env.version,
            env.kind,
            env.schema,
            env.payload,
            env.recorded_at,
            env.effective_at,
            env.actor,
            env.idempotency_key,
            env.hash
        ]);
    if let Err(e) = inserted {
        if e.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::ConstraintViolation) {
            return Err(Error::new(
                ErrorCode::ConcurrentUpdate,
                format!("stream {} changed under this command: retry", env.stream),
            ));
        }
        return Err(e.into());
    }
    head.seq = env.seq;
    head.hash = env.hash.clone();
    head.last_effective_at = Some(env.effective_at.clone());
    Ok(env)
}

/// An event row borrowed from SQLite (no copies): what `verify` reads a million times.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeRef<'a> {
    pub seq: i64,
    pub stream: &'a str,
    pub version: i64,
    pub kind: &'a str,
    pub schema: i64,
    pub payload: &'a str,
    pub recorded_at: &'a str,
    pub effective_at: &'a str,
    pub actor: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub hash: &'a str,
}

impl Envelope {
    pub fn borrowed(&self) -> EnvelopeRef<'_> {
        EnvelopeRef {
            seq: self.seq,
            stream: &self.stream,
            version: self.version,
            kind: &self.kind,
            schema: self.schema,
            payload: &self.payload,
            recorded_at: &self.recorded_at,
            effective_at: &self.effective_at,
            actor: &self.actor,
            idempotency_key: self.idempotency_key.as_deref(),
            hash: &self.hash,
        }
    }
}

impl EnvelopeRef<'_> {
    pub fn to_owned(&self) -> Envelope {
        Envelope {
            seq: self.seq,
            stream: self.stream.to_string(),
            version: self.version,
            kind: self.kind.to_string(),
            schema: self.schema,
            payload: self.payload.to_string(),
            recorded_at: self.recorded_at.to_string(),
            effective_at: self.effective_at.to_string(),
            actor: self.actor.to_string(),
            idempotency_key: self.idempotency_key.map(str::to_string),
            hash: self.hash.to_string(),
        }
    }
}

/// Reads a row of `ENVELOPE_COLUMNS` without copying its texts.
pub fn envelope_ref_from_row<'a>(r: &'a rusqlite::Row<'_>) -> rusqlite::Result<EnvelopeRef<'a>> {
    envelope_ref_from_values(|i| r.get_ref(i))
}

/// An envelope from its values in `ENVELOPE_COLUMNS` order (`value(i)` is the i-th: a row's
/// column, or an SQL function's argument), without copying its texts. A value of another type,
/// or a text that is not UTF-8, is a conversion failure (`store_corrupt`).
pub fn envelope_ref_from_values<'a>(
    value: impl Fn(usize) -> rusqlite::Result<rusqlite::types::ValueRef<'a>>,
) -> rusqlite::Result<EnvelopeRef<'a>> {
    let failure = |i: usize, v: rusqlite::types::ValueRef<'a>| {
        move |e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
    };
    let int = |i: usize| -> rusqlite::Result<i64> {
        let v = value(i)?;
        v.as_i64().map_err(failure(i, v))
    };
    let text = |i: usize| -> rusqlite::Result<&'a str> {
        let v = value(i)?;
        v.as_str().map_err(failure(i, v))
    };
    let opt_text = |i: usize| -> rusqlite::Result<Option<&'a str>> {
        let v = value(i)?;
        v.as_str_or_null().map_err(failure(i, v))
    };
    Ok(EnvelopeRef {
        seq: int(0)?,
        stream: text(1)?,
        version: int(2)?,
        kind: text(3)?,
        schema: int(4)?,
        payload: text(5)?,
        recorded_at: text(6)?,
        effective_at: text(7)?,
        actor: text(8)?,
        idempotency_key: opt_text(9)?,
        hash: text(10)?,
    })
}

pub fn envelope_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Envelope> {
    envelope_ref_from_row(r).map(|e| e.to_owned())
}

pub const ENVELOPE_COLUMNS: &str = "seq, stream, version, kind, schema, payload, recorded_at, \
                                    effective_at, actor, idempotency_key, hash";

/// Decodes an event payload, upcasting older schemas (none yet: schema 1 is the first).
pub fn decode(env: &Envelope) -> Result<Event> {
    decode_ref(&env.borrowed())
}

/// As `decode`, from a borrowed row.
pub fn decode_ref(env: &EnvelopeRef<'_>) -> Result<Event> {
    decode_payload(env.seq, env.kind, env.schema, env.payload)
}

/// Decodes the payload of event `seq` (of `kind`, for the message), upcasting older schemas.
pub fn decode_payload(seq: i64, kind: &str, schema: i64, payload: &str) -> Result<Event> {
    if schema != SCHEMA {
        return Err(Error::new(
            ErrorCode::StoreCorrupt,
            format!("event {seq} has unknown payload schema {schema}"),
        ));
    }
    Event::from_json(payload).map_err(|e| {
        Error::new(
            ErrorCode::StoreCorrupt,
            format!("event {seq} ({kind}) has an unreadable payload: {e}"),
        )
    })
}

/// Number of events in the log.
pub fn event_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?)
}

/// The largest effective time recorded, in storage form. The store's creation (event 1) is
/// outside business time: a store made today can take a history that starts last year.
pub fn last_effective_at(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT effective_at FROM events WHERE seq > 1 ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_spells_numbers_like_to_string() {
        for n in [0, 1, 9, 10, -1, 1_539_105, i64::MAX, i64::MIN] {
            let mut buf = [0; 20];
            assert_eq!(decimal(n, &mut buf), n.to_string().as_bytes());
        }
    }

    #[test]
    fn hex_matches_only_the_lowercase_spelling() {
        let digest: [u8; 32] = Sha256::digest(b"payctl").into();
        let text = hex(&digest);
        assert!(hex_matches(&text, &digest));
        assert!(!hex_matches(&text.to_uppercase(), &digest));
        assert!(!hex_matches(&text[..62], &digest));
        let mut other = digest;
        other[31] ^= 1;
        assert!(!hex_matches(&text, &other));
    }

    /// The borrowed and the owned envelope hash alike (`verify` uses one, `append` the other).
    #[test]
    fn event_hash_is_the_digest_of_the_borrowed_row() {
        let env = Envelope {
            seq: 12,
            stream: "member-mem_1".into(),
            version: 3,
            kind: "MemberUpdated".into(),
            schema: 1,
            payload: "{}".into(),
            recorded_at: "2026-01-01T00:00:00.000000Z".into(),
            effective_at: "2026-01-01T00:00:00.000000Z".into(),
            actor: "tester".into(),
            idempotency_key: None,
            hash: String::new(),
        };
        let hash = event_hash("prev", &env);
        assert!(hex_matches(&hash, &event_digest("prev", &env.borrowed())));
        let keyed = Envelope {
            idempotency_key: Some("k".into()),
            ..env.clone()
        };
        assert_ne!(event_hash("prev", &keyed), hash);
    }
}
