//! `verify`'s one pass over the log: on this thread the hash chain and the key runs; on a second
//! the replay through the one fold into the memory adapter, digesting the rows as they are made;
//! on a third (when the store offers a second reader of the same state) the stored rows'
//! digests and the idempotency records.

use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use super::chain::ChainCheck;
use super::idempotency::{self, KeyHasher, KeyRuns, Records};
use super::invariants;
use crate::digest::{Digests, RowDigester, Salt};
use crate::error::{Error, Result};
use crate::event::EnvelopeRef;
use crate::ports::Store;
use crate::replay::Replayer;
use crate::store::memory::{Digesting, MemoryStore};

/// Events per batch handed to the fold.
const BATCH: usize = 2_048;

pub struct Pass {
    pub events: i64,
    pub head_hash: String,
    /// The chain's problems.
    pub problems: Vec<String>,
    pub folded: Result<Folded>,
    pub stored: Option<Result<Digests>>,
    pub records: Option<Result<Records>>,
    pub runs: KeyRuns,
}

/// What the replay found: its tables' digests and the invariants on its state.
pub struct Folded {
    pub digests: Digests,
    pub invariants: Vec<String>,
}

/// Events as the fold receives them, undecoded (decoding is its work, not the chain's): the
/// texts of a batch in one buffer, so a batch costs two allocations, not several per event.
struct Batch {
    text: String,
    /// seq, schema, and where the kind, the payload and the effective time end in `text`.
    events: Vec<(i64, i64, usize, usize, usize)>,
}

impl Batch {
    fn new() -> Batch {
        Batch {
            text: String::with_capacity(BATCH * 400),
            events: Vec::with_capacity(BATCH),
        }
    }

    fn push(&mut self, env: &EnvelopeRef<'_>) {
        self.text.push_str(env.kind);
        let kind = self.text.len();
        self.text.push_str(env.payload);
        let payload = self.text.len();
        self.text.push_str(env.effective_at);
        self.events
            .push((env.seq, env.schema, kind, payload, self.text.len()));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.events.clear();
    }

    /// Each event's seq, schema, kind, payload and effective time.
    fn iter(&self) -> impl Iterator<Item = (i64, i64, &str, &str, &str)> {
        let mut start = 0;
        self.events
            .iter()
            .map(move |&(seq, schema, kind, payload, at)| {
                let texts = (
                    self.text.get(start..kind).unwrap_or(""),
                    self.text.get(kind..payload).unwrap_or(""),
                    self.text.get(payload..at).unwrap_or(""),
                );
                start = at;
                (seq, schema, texts.0, texts.1, texts.2)
            })
    }
}

fn spawn_error(e: std::io::Error) -> Error {
    Error::internal(format!("starting a verify thread: {e}"))
}

pub fn run(store: &dyn Store, salt: &Salt, keys: &KeyHasher) -> Result<Pass> {
    std::thread::scope(|scope| {
        let stored = store
            .parallel_reader()
            .map(|reader| {
                std::thread::Builder::new()
                    .name("verify-stored".into())
                    .spawn_scoped(scope, move || {
                        let digests = reader.table_digests(Some(salt));
                        let records = idempotency::read_records(reader.as_ref(), keys);
                        (digests, records)
                    })
            })
            .transpose()
            .map_err(spawn_error)?;
        let (to_fold, batches) = sync_channel::<Batch>(8);
        // Applied batches come back to be filled again (their buffers are reused).
        let (to_refill, emptied) = channel::<Batch>();
        let fold = std::thread::Builder::new()
            .name("verify-fold".into())
            .spawn_scoped(scope, move || fold(salt, &batches, &to_refill))
            .map_err(spawn_error)?;
        let mut problems = Vec::new();
        let mut chain = ChainCheck::new(store)?;
        let mut runs = KeyRuns::default();
        let mut feed = Feed {
            batch: Batch::new(),
            to_fold: Some(to_fold),
            emptied,
        };
        let scanned = store.scan_events(0, &mut |env| {
            if !chain.link(env, &mut problems) {
                return Ok(false);
            }
            runs.push(env.seq, env.idempotency_key, keys);
            feed.push(env);
            Ok(true)
        });
        feed.finish();
        let chain_end = scanned.and_then(|()| chain.end(store, &mut problems));
        let (stored, records) = match stored {
            Some(h) => {
                let (d, r) = h
                    .join()
                    .map_err(|_| Error::internal("the verify reader panicked"))?;
                (Some(d), Some(r))
            }
            None => (None, None),
        };
        let folded = fold
            .join()
            .map_err(|_| Error::internal("the verify fold panicked"))?;
        let (events, head_hash) = chain_end?;
        Ok(Pass {
            events,
            head_hash,
            problems,
            folded,
            stored,
            records,
            runs,
        })
    })
}

/// The fold thread: replays every batch through the one fold into a digesting memory store.
fn fold(
    salt: &Salt,
    batches: &Receiver<Batch>,
    to_refill: &std::sync::mpsc::Sender<Batch>,
) -> Result<Folded> {
    let mut state = MemoryStore::new(Digesting::new(RowDigester::keyed(salt)));
    let mut replayer = Replayer::default();
    for mut batch in batches {
        for (seq, schema, kind, payload, at) in batch.iter() {
            replayer.apply_raw(seq, kind, schema, payload, at, &mut state)?;
        }
        batch.clear();
        // The chain pass may have ended: then the buffer is simply dropped.
        let _ = to_refill.send(batch);
    }
    let invariants = invariants::replayed(&state);
    let digests = state.finish()?.digests;
    Ok(Folded {
        digests,
        invariants,
    })
}

/// The scan's side of the channel to the fold.
struct Feed {
    batch: Batch,
    to_fold: Option<SyncSender<Batch>>,
    emptied: Receiver<Batch>,
}

impl Feed {
    fn push(&mut self, env: &EnvelopeRef<'_>) {
        self.batch.push(env);
        if self.batch.events.len() >= BATCH {
            let next = self.emptied.try_recv().unwrap_or_else(|_| Batch::new());
            let full = std::mem::replace(&mut self.batch, next);
            self.send(full);
        }
    }

    fn send(&mut self, batch: Batch) {
        // A fold that stopped (on an event it could not apply) has said why in its result.
        if let Some(to_fold) = &self.to_fold {
            if to_fold.send(batch).is_err() {
                self.to_fold = None;
            }
        }
    }

    /// The last batch goes to the fold and its channel closes.
    fn finish(mut self) {
        let last = std::mem::replace(&mut self.batch, Batch::new());
        if !last.events.is_empty() {
            self.send(last);
        }
    }
}
