//! A throwaway store for tests, on the backend `PAYCTL_TEST_DB` names: unset, a file in the
//! directory the test gives; a PostgreSQL location (`postgres://…`), a schema of its own in that
//! database, dropped when the `TestDb` is. One variable runs every suite on either backend.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Result;
use crate::ports::Value;
use crate::store::Backend;
use crate::store::postgres::PgLocation;
pub use crate::store::sql::Param;

/// The variable that picks the backend of the test suites.
pub const TEST_DB_VAR: &str = "PAYCTL_TEST_DB";

/// The backend the suites run on.
pub fn backend() -> Backend {
    match server() {
        Some(_) => Backend::Postgres,
        None => Backend::Sqlite,
    }
}

/// Whether the suites run on PostgreSQL.
pub fn on_postgres() -> bool {
    backend() == Backend::Postgres
}

/// The PostgreSQL location `PAYCTL_TEST_DB` names, if it names one.
fn server() -> Option<String> {
    std::env::var(TEST_DB_VAR)
        .ok()
        .filter(|v| PgLocation::is_postgres(v))
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// One store of a test: `path()` is what `--db` and `Engine::open` take.
pub struct TestDb {
    path: PathBuf,
    schema: Option<PgLocation>,
    /// The server's location as `PAYCTL_TEST_DB` gave it (what `psql` takes).
    server: Option<String>,
}

impl TestDb {
    /// A store not yet created: the file `name` in `dir`, or a new schema on the test server.
    pub fn in_dir(dir: &Path, name: &str) -> TestDb {
        let Some(base) = server() else {
            return TestDb {
                path: dir.join(name),
                schema: None,
                server: None,
            };
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "t{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let text = with_schema(&base, &schema);
        let location = PgLocation::parse(&text).ok();
        TestDb {
            path: PathBuf::from(text),
            schema: location,
            server: Some(base),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The location as text (a path or a URL).
    pub fn text(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    /// The database's own client reading SQL from its standard input: `sqlite3 FILE`, or
    /// `psql` on the store's schema, printing rows as `sqlite3` does (values joined by `|`).
    pub fn sql_shell(&self) -> std::process::Command {
        match (&self.server, self.schema()) {
            (Some(server), Some(schema)) => {
                let mut cmd = std::process::Command::new("psql");
                cmd.args([
                    "-X",
                    "-q",
                    "-A",
                    "-t",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-d",
                    server,
                ])
                .env("PGOPTIONS", format!("-c search_path={schema}"));
                cmd
            }
            _ => {
                let mut cmd = std::process::Command::new("sqlite3");
                cmd.arg(&self.path);
                cmd
            }
        }
    }

    /// The database's own client running one SQL text (append it as the next argument).
    pub fn sql_cli(&self) -> std::process::Command {
        let mut cmd = self.sql_shell();
        if self.server.is_some() {
            cmd.arg("-c");
        }
        cmd
    }

    /// This store as another role of the test server sees it (`None` on SQLite).
    pub fn as_role(&self, role: &str) -> Option<PathBuf> {
        let server = self.server.as_ref()?;
        let schema = self.schema()?;
        let base = match server.split_once("://") {
            Some((scheme, rest)) => {
                let end = rest.find('/').unwrap_or(rest.len());
                let host = match rest[..end].rsplit_once('@') {
                    Some((_, host)) => host,
                    None => &rest[..end],
                };
                format!("{scheme}://{role}@{host}{}", &rest[end..])
            }
            None => format!("{server} user={role}"),
        };
        Some(PathBuf::from(with_schema(&base, schema)))
    }

    /// Runs one statement on the store behind payctl's back (no checks, no migrations); how
    /// many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize> {
        crate::store::raw_connection(&self.path)?.execute(sql, params)
    }

    /// A query's rows, each as its values, read behind payctl's back.
    pub fn rows(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Value>>> {
        let conn = crate::store::raw_connection(&self.path)?;
        let mut rows = Vec::new();
        conn.query(sql, params, &mut |row| {
            rows.push((0..row.columns()).map(|i| row.value(i)).collect());
            Ok(true)
        })?;
        Ok(rows)
    }

    /// The schema, on PostgreSQL.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_ref().map(PgLocation::schema)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(location) = &self.schema {
            let _ = crate::store::postgres::drop_schema(location);
        }
    }
}

/// `base` (a URL or key=value string) naming the schema `schema`.
fn with_schema(base: &str, schema: &str) -> String {
    with_option(base, "schema", schema)
}

/// `base` (a URL or key=value string) with the option `key=value` added.
pub fn with_option(base: &str, key: &str, value: &str) -> String {
    if base.contains("://") {
        let joiner = if base.contains('?') { '&' } else { '?' };
        format!("{base}{joiner}{key}={value}")
    } else {
        format!("{base} {key}={value}")
    }
}

/// A fresh engine for a test that keeps nothing on disk, with nothing in its log yet (as
/// `Engine::in_memory`): in memory on SQLite, or a schema of its own on the test server (dropped
/// with the `TestDb`, which the test keeps alive).
pub fn scratch() -> Result<(crate::Engine, Option<TestDb>)> {
    if !on_postgres() {
        return Ok((crate::Engine::in_memory()?, None));
    }
    let db = TestDb::in_dir(Path::new(""), "");
    let engine = crate::Engine::open_store(
        db.path(),
        crate::OpenMode::CreateIfMissing,
        crate::store::BUSY_TIMEOUT,
        &mut |_| Ok(()),
    )?;
    Ok((engine, Some(db)))
}

/// Says that a test does not apply to the backend the suites run on, and why: on stderr, and
/// in the file `PAYCTL_TEST_TALLY` names (`.ci/run` prints it with the counts per backend).
/// The test then returns: it is counted as not applicable, never skipped in silence.
pub fn not_applicable(test: &str, why: &str) {
    let line = format!("not applicable on {}: {test}: {why}\n", backend().name());
    eprint!("{line}");
    if let Ok(path) = std::env::var("PAYCTL_TEST_TALLY") {
        use std::io::Write as _;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = file.write_all(line.as_bytes());
        }
    }
}
