//! The unit of work, the event log, its head and the idempotency records, in SQLite.

use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use crate::chain;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Envelope, EnvelopeRef};
use crate::ports::{
    EventLog, Head, IdempotencyRecord, IdempotencyRecords, RecordVisit, UnitOfWork,
};

impl SqliteStore {
    /// Runs a fixed statement through the statement cache (SAVEPOINT and friends run per
    /// command).
    fn run(&self, sql: &str) -> Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM store_meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }
}

impl UnitOfWork for SqliteStore {
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

    fn savepoint(&mut self, name: &'static str) -> Result<()> {
        // Savepoint names are fixed words of the engine's, never input.
        self.run(&format!("SAVEPOINT {name}"))
    }

    fn release(&mut self, name: &'static str) -> Result<()> {
        self.run(&format!("RELEASE {name}"))
    }

    fn rollback_to(&mut self, name: &'static str) -> Result<()> {
        self.run(&format!("ROLLBACK TO {name}"))
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
}

impl EventLog for SqliteStore {
    fn head(&self) -> Result<Head> {
        let seq = self
            .meta_get("head_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let hash = match self.meta_get("head_hash")? {
            Some(h) => h,
            None => chain::genesis_hash(&self.store_id()?.unwrap_or_default()),
        };
        // The store's creation (event 1) is outside business time.
        let last_effective_at = self
            .conn
            .prepare_cached(
                "SELECT effective_at FROM events WHERE seq > 1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(Head {
            seq,
            hash,
            last_effective_at,
        })
    }

    fn set_head(&mut self, head: &Head) -> Result<()> {
        self.meta_set("head_seq", &head.seq.to_string())?;
        self.meta_set("head_hash", &head.hash)
    }

    fn store_id(&self) -> Result<Option<String>> {
        self.meta_get("store_id")
    }

    fn set_store_id(&mut self, store_id: &str) -> Result<()> {
        self.meta_set("store_id", store_id)
    }

    fn stream_version(&self, stream: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?1")?
            .query_row([stream], |r| r.get(0))?)
    }

    fn insert_event(&mut self, env: &Envelope) -> Result<()> {
        let inserted = self
            .conn
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
        match inserted {
            Ok(_) => Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::ConstraintViolation) =>
            {
                Err(Error::new(
                    ErrorCode::ConcurrentUpdate,
                    format!("stream {} changed under this command: retry", env.stream),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn scan_events(
        &self,
        after: i64,
        f: &mut dyn FnMut(&EnvelopeRef<'_>) -> Result<bool>,
    ) -> Result<()> {
        super::scan::scan_events(&self.conn, after, f)
    }

    fn event_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM events")?
            .query_row([], |r| r.get(0))?)
    }
}

impl IdempotencyRecords for SqliteStore {
    fn find_record(&self, key: &str) -> Result<Option<IdempotencyRecord>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT request_hash, outcome, first_seq, last_seq FROM idempotency WHERE key = ?1",
            )?
            .query_row([key], |r| {
                Ok(IdempotencyRecord {
                    request_hash: r.get(0)?,
                    outcome: r.get(1)?,
                    first_seq: r.get(2)?,
                    last_seq: r.get(3)?,
                })
            })
            .optional()?)
    }

    fn add_record(&mut self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO idempotency (key, request_hash, outcome, first_seq, last_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                key,
                record.request_hash,
                record.outcome,
                record.first_seq,
                record.last_seq
            ])?;
        Ok(())
    }

    fn scan_records(&self, f: &mut RecordVisit<'_>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, first_seq, last_seq FROM idempotency")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            // A key that is not text (only an edit makes one) matches no event's key.
            let key = match row.get_ref(0)? {
                rusqlite::types::ValueRef::Text(t) => t,
                _ => b"\0not text",
            };
            f(key, row.get(1)?, row.get(2)?)?;
        }
        Ok(())
    }
}
