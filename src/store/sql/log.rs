//! The unit of work, the event log, its head and the idempotency records, in shared SQL.

use super::{ENVELOPE_COLUMNS, Param, SqlConn, SqlStore, envelope};
use crate::chain;
use crate::error::Result;
use crate::event::{Envelope, EnvelopeRef};
use crate::ports::{
    EventLog, Head, IdempotencyRecord, IdempotencyRecords, RecordVisit, UnitOfWork,
};

impl<C: SqlConn> SqlStore<C> {
    fn meta_get(&self, key: &str) -> Result<Option<String>> {
        self.one(
            "SELECT value FROM store_meta WHERE key = ?1",
            &[key.into()],
            |r| Ok(r.text(0)?.to_string()),
        )
    }

    fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn.write(
            "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
            Some(1),
        )
    }
}

impl<C: SqlConn> UnitOfWork for SqlStore<C> {
    fn begin_write(&mut self) -> Result<()> {
        self.conn.begin_write()?;
        self.versions.get_mut().clear();
        self.writing = true;
        Ok(())
    }

    fn begin_read(&mut self) -> Result<()> {
        self.conn.begin_read()
    }

    fn end_read(&mut self) {
        self.conn.end_read();
    }

    fn commit(&mut self) -> Result<()> {
        self.writing = false;
        self.versions.get_mut().clear();
        self.conn.commit()
    }

    fn rollback(&mut self) {
        self.writing = false;
        self.versions.get_mut().clear();
        self.conn.rollback();
    }

    fn savepoint(&mut self, name: &'static str) -> Result<()> {
        // Savepoint names are fixed words of the engine's, never input.
        self.conn.write(&format!("SAVEPOINT {name}"), &[], None)
    }

    fn release(&mut self, name: &'static str) -> Result<()> {
        self.conn
            .write(&format!("RELEASE SAVEPOINT {name}"), &[], None)
    }

    fn rollback_to(&mut self, name: &'static str) -> Result<()> {
        self.versions.get_mut().clear();
        self.conn
            .execute(&format!("ROLLBACK TO SAVEPOINT {name}"), &[])?;
        Ok(())
    }

    fn set_durable(&mut self, durable: bool) -> Result<()> {
        self.conn.set_durable(durable)
    }

    fn bulk_writes(&mut self, on: bool) -> Result<()> {
        self.conn.bulk_writes(on)
    }
}

impl<C: SqlConn> EventLog for SqlStore<C> {
    fn head(&self) -> Result<Head> {
        // One statement: on a server, one round trip. The store's creation (event 1) is outside
        // business time.
        let (seq, hash, last_effective_at) = self
            .one(
                "SELECT (SELECT value FROM store_meta WHERE key = 'head_seq'),
                        (SELECT value FROM store_meta WHERE key = 'head_hash'),
                        (SELECT effective_at FROM events WHERE seq > 1
                         ORDER BY seq DESC LIMIT 1)",
                &[],
                |r| {
                    Ok((
                        r.opt_text(0)?.and_then(|s| s.parse().ok()),
                        r.opt_text(1)?.map(str::to_string),
                        r.opt_text(2)?.map(str::to_string),
                    ))
                },
            )?
            .unwrap_or_default();
        let hash = match hash {
            Some(h) => h,
            None => chain::genesis_hash(&self.store_id()?.unwrap_or_default()),
        };
        Ok(Head {
            seq: seq.unwrap_or(0),
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
        if let Some(v) = self.versions.borrow().get(stream) {
            return Ok(*v);
        }
        let version = self.scalar(
            "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?1",
            &[stream.into()],
        )?;
        if self.writing {
            self.versions
                .borrow_mut()
                .insert(stream.to_string(), version);
        }
        Ok(version)
    }

    fn insert_event(&mut self, env: &Envelope) -> Result<()> {
        self.conn.insert_event(env)?;
        if self.writing {
            self.versions
                .get_mut()
                .insert(env.stream.clone(), env.version);
        }
        Ok(())
    }

    fn scan_events(
        &self,
        after: i64,
        f: &mut dyn FnMut(&EnvelopeRef<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.conn.query(
            &format!("SELECT {ENVELOPE_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq"),
            &[after.into()],
            &mut |row| f(&envelope(row)?),
        )
    }

    fn event_count(&self) -> Result<i64> {
        self.scalar("SELECT COUNT(*) FROM events", &[])
    }
}

impl<C: SqlConn> IdempotencyRecords for SqlStore<C> {
    fn find_record(&self, key: &str) -> Result<Option<IdempotencyRecord>> {
        self.one(
            "SELECT request_hash, outcome, first_seq, last_seq FROM idempotency WHERE key = ?1",
            &[key.into()],
            |r| {
                Ok(IdempotencyRecord {
                    request_hash: r.text(0)?.to_string(),
                    outcome: r.text(1)?.to_string(),
                    first_seq: r.opt_int(2)?,
                    last_seq: r.opt_int(3)?,
                })
            },
        )
    }

    fn add_record(&mut self, key: &str, record: &IdempotencyRecord) -> Result<()> {
        self.conn.write(
            "INSERT INTO idempotency (key, request_hash, outcome, first_seq, last_seq)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                key.into(),
                Param::Text(&record.request_hash),
                Param::Text(&record.outcome),
                record.first_seq.into(),
                record.last_seq.into(),
            ],
            Some(1),
        )
    }

    fn each_record(&self, f: &mut dyn FnMut(&str, &IdempotencyRecord) -> Result<()>) -> Result<()> {
        self.conn.query(
            "SELECT key, request_hash, outcome, first_seq, last_seq FROM idempotency ORDER BY key",
            &[],
            &mut |r| {
                let record = IdempotencyRecord {
                    request_hash: r.text(1)?.to_string(),
                    outcome: r.text(2)?.to_string(),
                    first_seq: r.opt_int(3)?,
                    last_seq: r.opt_int(4)?,
                };
                f(r.text(0)?, &record)?;
                Ok(true)
            },
        )
    }

    fn scan_records(&self, f: &mut RecordVisit<'_>) -> Result<()> {
        self.conn.query(
            "SELECT key, first_seq, last_seq FROM idempotency",
            &[],
            &mut |row| {
                // A key that is not text (only an edit makes one) matches no event's key.
                let key = row.text(0).map(str::as_bytes).unwrap_or(b"\0not text");
                f(key, row.opt_int(1)?, row.opt_int(2)?)?;
                Ok(true)
            },
        )
    }
}
