//! A whole store into a new one, between any two backends (`store copy`; `backup` of a store
//! that has no copy of its own): the log byte for byte (the same hashes, the same head), the
//! idempotency records and the store's id; the read models made by the one fold as the log goes
//! in. The new store appears whole or not at all: it is built inside the transaction that
//! creates it, from one snapshot of the source.

use std::path::Path;
use std::time::Duration;

use crate::digest;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::ports::{Head, Store};
use crate::rebuild::Loader;
use crate::store::OpenMode;
use crate::store::postgres::PgLocation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub events: i64,
    pub records: i64,
    /// The head of the log copied (the source's, and now the copy's).
    pub head: Head,
    /// The portable digest of the copy's read models (as `verify --digest` prints it).
    pub projection_digest: String,
}

impl Engine {
    /// Copies this store into a new store at `target` (a file or a PostgreSQL location) and
    /// opens it. Refuses a target that already holds a store; leaves nothing behind on failure.
    pub fn copy_to(&mut self, target: &Path, busy_timeout: Duration) -> Result<(Copied, Engine)> {
        let shown = target.to_string_lossy().into_owned();
        let is_file = PgLocation::recognise(&shown)?.is_none();
        if is_file && target.exists() {
            return Err(Error::invalid(
                "to",
                &shown,
                "already exists: copy only into a new file",
            ));
        }
        self.store_mut().begin_read()?;
        let mut copied = None;
        let source = self.store();
        let opened = Engine::open_store(
            target,
            OpenMode::CreateIfMissing,
            busy_timeout,
            &mut |target| {
                copied = Some(copy_into(source, target)?);
                Ok(())
            },
        );
        self.store_mut().end_read();
        let copy = opened?;
        match copied {
            Some(copied) => Ok((copied, copy)),
            None => Err(Error::invalid(
                "to",
                &copy.location(),
                &format!(
                    "already holds a store ({} events): copy only into a new one",
                    copy.store().event_count()?
                ),
            )),
        }
    }
}

/// Everything of `source` into `target`, a store made a moment ago with nothing in it yet.
fn copy_into(source: &dyn Store, target: &mut dyn Store) -> Result<Copied> {
    let mut loader = Loader::default();
    target.begin_bulk_load()?;
    source.scan_events(0, &mut |env| {
        target.insert_event(&env.to_owned())?;
        loader.fold(env)?;
        if loader.due() {
            loader.load(target)?;
        }
        Ok(true)
    })?;
    let (events, digests) = loader.finish(target)?;
    target.end_bulk_load()?;
    let mut records = 0;
    source.each_record(&mut |key, record| {
        records += 1;
        target.add_record(key, record)
    })?;
    if let Some(id) = source.store_id()? {
        target.set_store_id(&id)?;
    }
    let head = source.head()?;
    target.set_head(&head)?;
    Ok(Copied {
        events,
        records,
        head,
        projection_digest: digest::fingerprint(&digests),
    })
}
