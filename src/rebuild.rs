//! `rebuild`: the read models made again from the log, through the one fold. The log is read in
//! batches and folded into the memory adapter, whose rows are loaded into the store as each
//! batch ends (the rows that change are loaded once, at the end); all in one write transaction,
//! so other writers wait and the store is untouched if anything fails.

use crate::digest::{self, RowDigester};
use crate::engine::Engine;
use crate::error::Result;
use crate::event::Envelope;
use crate::ports::Store;
use crate::replay::Replayer;
use crate::store::memory::{Buffering, Digesting, MemoryStore};

/// Events folded between two loads.
const BATCH: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuilt {
    pub events: i64,
    /// The portable digest of the rebuilt read models (as `verify --digest` prints it).
    pub projection_digest: String,
}

impl Engine {
    pub fn rebuild(&mut self) -> Result<Rebuilt> {
        let store = self.store_mut();
        store.begin_write()?;
        match rebuild_in(store) {
            Ok(rebuilt) => {
                store.commit()?;
                Ok(rebuilt)
            }
            Err(e) => {
                store.rollback();
                Err(e)
            }
        }
    }
}

fn rebuild_in(store: &mut dyn Store) -> Result<Rebuilt> {
    store.clear_read_models()?;
    store.begin_bulk_load()?;
    let mut state = MemoryStore::new(Buffering::new(Digesting::new(RowDigester::portable())));
    let mut replayer = Replayer::default();
    let (mut after, mut events) = (0, 0);
    loop {
        let batch = read_batch(store, after)?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for env in &batch {
            replayer.apply(&env.borrowed(), &mut state)?;
        }
        events += batch.len() as i64;
        state.sink_mut().drain(&mut |row| store.load_row(row))?;
    }
    let mut sink = state.finish()?;
    sink.drain(&mut |row| store.load_row(row))?;
    store.end_bulk_load()?;
    Ok(Rebuilt {
        events,
        projection_digest: digest::fingerprint(&sink.digest.digests),
    })
}

/// The next events after `after`, at most `BATCH`.
fn read_batch(store: &dyn Store, after: i64) -> Result<Vec<Envelope>> {
    let mut batch = Vec::with_capacity(BATCH);
    store.scan_events(after, &mut |env| {
        batch.push(env.to_owned());
        Ok(batch.len() < BATCH)
    })?;
    Ok(batch)
}
