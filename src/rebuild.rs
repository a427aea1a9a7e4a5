//! `rebuild`: the read models made again from the log, through the one fold. The log is folded
//! into the memory adapter part by part; the rows each part writes once are loaded into the
//! emptied read models as it ends (the rows that change, once at the end). When the store
//! offers a second reader, the fold runs on its own thread while this one loads: the two
//! overlap. All in one write transaction: other writers wait, and the store is untouched if
//! anything fails.

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use crate::digest::{self, Digests, RowDigester};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::event::{Envelope, EnvelopeRef};
use crate::ports::{EventLog, Store};
use crate::replay::Replayer;
use crate::store::memory::{Buffering, Digesting, MemoryStore, RowBatch};

/// Events folded into one batch of rows.
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
    // Under the write lock nothing changes the log: a second reader sees the same events.
    let (events, digests) = match store.parallel_reader() {
        Some(reader) => fold_beside(reader, store)?,
        None => fold_in_turn(store)?,
    };
    store.end_bulk_load()?;
    Ok(Rebuilt {
        events,
        projection_digest: digest::fingerprint(&digests),
    })
}

/// Folds on a thread of its own, reading the log through `reader`, while this thread loads each
/// batch of rows into `store`.
fn fold_beside(reader: Box<dyn Store>, store: &mut dyn Store) -> Result<(i64, Digests)> {
    let (to_load, batches) = sync_channel::<RowBatch>(2);
    let (to_refill, emptied) = channel::<RowBatch>();
    std::thread::scope(|scope| {
        let fold = std::thread::Builder::new()
            .name("rebuild-fold".into())
            .spawn_scoped(scope, move || fold(reader.as_ref(), &to_load, &emptied))
            .map_err(|e| Error::internal(format!("starting the rebuild's fold: {e}")))?;
        let loaded = load(store, &batches, &to_refill);
        // A failed load stops the fold too: its batches have nowhere to go.
        drop(batches);
        let folded = fold
            .join()
            .map_err(|_| Error::internal("the rebuild's fold panicked"))?;
        loaded?;
        folded
    })
}

fn load(
    store: &mut dyn Store,
    batches: &Receiver<RowBatch>,
    to_refill: &Sender<RowBatch>,
) -> Result<()> {
    for mut batch in batches {
        batch.load_into(&mut |row| store.load_row(row))?;
        batch.clear();
        let _ = to_refill.send(batch);
    }
    Ok(())
}

fn fold(
    log: &dyn EventLog,
    to_load: &SyncSender<RowBatch>,
    emptied: &Receiver<RowBatch>,
) -> Result<(i64, Digests)> {
    let mut state = MemoryStore::new(Buffering::new(Digesting::new(RowDigester::portable())));
    let mut replayer = Replayer::default();
    let mut events = 0;
    let stopped = || Error::internal("the rebuild's load stopped");
    log.scan_events(0, &mut |env| {
        replayer.apply(env, &mut state)?;
        events += 1;
        if events % BATCH as i64 == 0 {
            let next = emptied.try_recv().unwrap_or_default();
            let batch = state.sink_mut().take(next);
            to_load.send(batch).map_err(|_| stopped())?;
        }
        Ok(true)
    })?;
    let mut sink = state.finish()?;
    let last = sink.take(RowBatch::default());
    to_load.send(last).map_err(|_| stopped())?;
    Ok((events, sink.digest.digests))
}

/// Folds and loads in turn on this thread, reading the log a batch at a time.
fn fold_in_turn(store: &mut dyn Store) -> Result<(i64, Digests)> {
    let mut loader = Loader::default();
    let mut after = 0;
    loop {
        let batch = read_batch(store, after)?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for env in &batch {
            loader.fold(&env.borrowed())?;
        }
        loader.load(store)?;
    }
    loader.finish(store)
}

/// The one fold into memory, its rows loaded into a store's read models when asked (and the
/// rows that change, once at the end): for folding where the log is read on the same thread
/// (`rebuild` without a second reader, `store copy`).
pub(crate) struct Loader {
    state: MemoryStore<Buffering>,
    replayer: Replayer,
    events: i64,
}

impl Default for Loader {
    fn default() -> Loader {
        Loader {
            state: MemoryStore::new(Buffering::new(Digesting::new(RowDigester::portable()))),
            replayer: Replayer::default(),
            events: 0,
        }
    }
}

impl Loader {
    pub(crate) fn fold(&mut self, env: &EnvelopeRef<'_>) -> Result<()> {
        self.replayer.apply(env, &mut self.state)?;
        self.events += 1;
        Ok(())
    }

    /// Whether a batch of rows is due for loading.
    pub(crate) fn due(&self) -> bool {
        self.events % BATCH as i64 == 0
    }

    /// Loads the rows made since the last load.
    pub(crate) fn load(&mut self, store: &mut dyn Store) -> Result<()> {
        let rows = self.state.sink_mut().take(RowBatch::default());
        rows.load_into(&mut |row| store.load_row(row))
    }

    /// Loads what is left; the events folded and the portable digests of the rows.
    pub(crate) fn finish(self, store: &mut dyn Store) -> Result<(i64, Digests)> {
        let mut sink = self.state.finish()?;
        sink.take(RowBatch::default())
            .load_into(&mut |row| store.load_row(row))?;
        Ok((self.events, sink.digest.digests))
    }
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
