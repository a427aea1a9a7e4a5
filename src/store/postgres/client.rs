//! The connection to the server, driven on a runtime of its own on the calling thread, and the
//! round trips it saves. A statement whose answer nobody reads (a new row, an event, a balance
//! moved) is not sent alone: it waits and goes out with the next statement that is read, or the
//! commit, all in one write, and their answers are checked together. A statement's first and
//! second runs are parsed with their values' types (one round trip each); its third prepares
//! it for the rest of the connection.

use std::collections::HashMap;

use futures_util::future::{join, join_all};
use futures_util::{StreamExt, TryStreamExt, pin_mut};
use tokio::runtime::Runtime;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Config, NoTls, RowStream, Statement};

use super::connection::{Bound, PgRow, error};
use crate::error::{Error, ErrorCode, Result};
use crate::store::sql::{Owned, Param, SqlRow, dollar_placeholders};

/// Runs before a statement is prepared.
const UNPREPARED_RUNS: u32 = 2;

pub(super) struct Client {
    runtime: Runtime,
    client: tokio_postgres::Client,
    statements: HashMap<String, Known>,
    /// Statements waiting to go out with the next one that is read.
    waiting: Vec<Waiting>,
}

/// A statement run before: its text in PostgreSQL's placeholders, how often it ran, and once
/// prepared, the prepared statement.
struct Known {
    text: String,
    runs: u32,
    prepared: Option<Statement>,
}

/// A statement sent later, and the number of rows it must change with the error if it does
/// not.
struct Waiting {
    sql: String,
    params: Vec<Option<Owned>>,
    check: Option<(u64, Error)>,
}

impl Client {
    pub(super) fn connect(config: &Config) -> std::result::Result<Client, ConnectError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ConnectError::Runtime)?;
        let (client, connection) = runtime
            .block_on(config.connect(NoTls))
            .map_err(ConnectError::Server)?;
        // Its errors reach the client's next statement (as a closed connection).
        runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(Client {
            runtime,
            client,
            statements: HashMap::new(),
            waiting: Vec::new(),
        })
    }

    /// Statements without values (transaction control, schema changes), in one round trip
    /// with whatever waits.
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        let waiting = std::mem::take(&mut self.waiting);
        let statements = self.statements_for(&waiting)?;
        let client = &self.client;
        self.runtime.block_on(async {
            let (sent, this) = join(
                send_waiting(client, &waiting, &statements),
                client.batch_execute(sql),
            )
            .await;
            sent?;
            this.map_err(error)
        })
    }

    /// Sends a statement whose answer nobody reads, later: when `rows` is given, it must change
    /// exactly that many rows, or the transaction fails with `mismatch`.
    pub(super) fn later(
        &mut self,
        sql: impl Into<String>,
        params: Vec<Option<Owned>>,
        rows: Option<u64>,
        mismatch: Option<Error>,
    ) -> Result<()> {
        self.waiting.push(Waiting {
            sql: sql.into(),
            params,
            check: rows.zip(mismatch),
        });
        Ok(())
    }

    /// Forgets what waits (the transaction it belonged to is rolled back).
    pub(super) fn forget_waiting(&mut self) {
        self.waiting.clear();
    }

    /// Runs a statement (after whatever waits, in the same round trip); how many rows it
    /// changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let mut changed = 0;
        self.run(sql, params, &mut |_| Ok(true), &mut changed)?;
        Ok(changed)
    }

    /// Runs a query, handing each row to `f` until it answers `false`.
    pub(super) fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        f: &mut dyn FnMut(&dyn SqlRow) -> Result<bool>,
    ) -> Result<()> {
        let mut changed = 0;
        self.run(sql, params, f, &mut changed)
    }

    pub(super) fn scalar(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64> {
        let mut found = 0;
        self.query(sql, params, &mut |r| {
            found = r.opt_int(0)?.unwrap_or(0);
            Ok(false)
        })?;
        Ok(found)
    }

    /// The version row; `None` when there is no version table (no store in the schema).
    pub(super) fn schema_version(&mut self) -> Result<Option<i64>> {
        let client = &self.client;
        let rows = self
            .runtime
            .block_on(client.query_typed("SELECT version FROM schema_version", &[]));
        match rows {
            Ok(rows) => match rows.first() {
                Some(row) => PgRow(row).int(0).map(Some),
                None => Ok(None),
            },
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => Ok(None),
            Err(e) => Err(error(e)),
        }
    }

    fn run(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        f: &mut dyn FnMut(&dyn SqlRow) -> Result<bool>,
        changed: &mut u64,
    ) -> Result<()> {
        let waiting = std::mem::take(&mut self.waiting);
        let statements = self.statements_for(&waiting)?;
        let this = self.statement_for(sql)?;
        let bound: Vec<Bound<'_>> = params.iter().map(|p| Bound(*p)).collect();
        let client = &self.client;
        self.runtime.block_on(async {
            let (sent, rows) = join(
                send_waiting(client, &waiting, &statements),
                start(client, &this, &bound),
            )
            .await;
            sent?;
            let rows = rows.map_err(error)?;
            pin_mut!(rows);
            while let Some(row) = rows.next().await {
                if !f(&PgRow(&row.map_err(error)?))? {
                    return Ok(());
                }
            }
            *changed = rows.rows_affected().unwrap_or(0);
            Ok(())
        })
    }

    /// How to run each waiting statement (preparing those that ran often enough).
    fn statements_for(&mut self, waiting: &[Waiting]) -> Result<Vec<Run>> {
        waiting.iter().map(|w| self.statement_for(&w.sql)).collect()
    }

    /// How to run `sql` this time: its text, or its prepared statement.
    fn statement_for(&mut self, sql: &str) -> Result<Run> {
        let known = self
            .statements
            .entry(sql.to_string())
            .or_insert_with(|| Known {
                text: dollar_placeholders(sql),
                runs: 0,
                prepared: None,
            });
        known.runs += 1;
        if let Some(prepared) = &known.prepared {
            return Ok(Run::Prepared(prepared.clone()));
        }
        if known.runs <= UNPREPARED_RUNS {
            return Ok(Run::Text(known.text.clone()));
        }
        let prepared = self
            .runtime
            .block_on(self.client.prepare(&known.text))
            .map_err(error)?;
        known.prepared = Some(prepared.clone());
        Ok(Run::Prepared(prepared))
    }
}

/// A statement as it is sent: its text (parsed with the values' types), or prepared.
enum Run {
    Text(String),
    Prepared(Statement),
}

/// Starts a statement: its request is sent as this is first polled.
async fn start(
    client: &tokio_postgres::Client,
    run: &Run,
    bound: &[Bound<'_>],
) -> std::result::Result<RowStream, tokio_postgres::Error> {
    match run {
        Run::Text(text) => {
            client
                .query_typed_raw(text, bound.iter().map(|b| (b as &dyn ToSql, b.declared())))
                .await
        }
        Run::Prepared(statement) => {
            client
                .query_raw(statement, bound.iter().map(|b| b as &dyn ToSql))
                .await
        }
    }
}

/// Sends every waiting statement at once, then checks each one's answer in turn.
async fn send_waiting(
    client: &tokio_postgres::Client,
    waiting: &[Waiting],
    runs: &[Run],
) -> Result<()> {
    if waiting.is_empty() {
        return Ok(());
    }
    let bound: Vec<Vec<Bound<'_>>> = waiting
        .iter()
        .map(|w| {
            w.params
                .iter()
                .map(|p| Bound(Param::of(p.as_ref())))
                .collect()
        })
        .collect();
    let answers = join_all(runs.iter().zip(&bound).map(|(run, bound)| async move {
        let rows = start(client, run, bound).await?;
        pin_mut!(rows);
        while rows.try_next().await?.is_some() {}
        Ok::<_, tokio_postgres::Error>(rows.rows_affected().unwrap_or(0))
    }))
    .await;
    for (answer, w) in answers.into_iter().zip(waiting) {
        let changed = answer.map_err(error)?;
        if let Some((rows, mismatch)) = &w.check
            && changed != *rows
        {
            return Err(mismatch.clone());
        }
    }
    Ok(())
}

/// Why a connection could not be made.
pub(super) enum ConnectError {
    Runtime(std::io::Error),
    Server(tokio_postgres::Error),
}

impl ConnectError {
    pub(super) fn reason(&self) -> String {
        match self {
            ConnectError::Runtime(e) => format!("starting the client: {e}"),
            ConnectError::Server(e) => super::connection::reason(e),
        }
    }

    /// Whether the server answered that the database or role does not exist (not a server
    /// that is down).
    pub(super) fn is_missing(&self) -> bool {
        match self {
            ConnectError::Runtime(_) => false,
            ConnectError::Server(e) => e.code().is_some_and(|c| {
                *c == SqlState::INVALID_CATALOG_NAME
                    || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                    || *c == SqlState::INVALID_PASSWORD
            }),
        }
    }
}

impl From<&ConnectError> for ErrorCode {
    fn from(e: &ConnectError) -> ErrorCode {
        if e.is_missing() {
            ErrorCode::StoreMissing
        } else {
            ErrorCode::StoreLocked
        }
    }
}
