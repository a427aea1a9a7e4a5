//! The one writer: requests queue to it; it takes every request waiting (up to a batch), runs
//! each through the engine in one transaction, each atomic on its own (a refusal leaves only its
//! idempotency record, as an import line does), commits, and only then answers each.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use payctl_core::domain::Command;
use payctl_core::{Context, Engine, Error, ErrorCode, InitOptions, OpenMode, Outcome};
use tokio::sync::{Notify, oneshot};

use crate::metrics::Metrics;

use crate::{ServeError, ServeOptions};

/// One write request and where its answer goes.
pub struct Job {
    pub command: Command,
    pub ctx: Context,
    pub reply: oneshot::Sender<Result<Outcome, Error>>,
}

#[derive(Clone)]
pub struct WriterHandle {
    queue: SyncSender<Job>,
    metrics: Arc<Metrics>,
}

impl WriterHandle {
    /// Queues `job`; a full queue is refused at once (the caller answers 503).
    pub fn submit(&self, job: Job) -> Result<(), Error> {
        self.queue.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => {
                self.metrics.queue_was_full();
                Error::new(
                    ErrorCode::StoreLocked,
                    "the write queue is full: try again in a moment".to_string(),
                )
            }
            TrySendError::Disconnected(_) => Error::new(
                ErrorCode::StoreLocked,
                "the server is shutting down".to_string(),
            ),
        })
    }
}

/// Opens the store for writing (creating it if missing) and starts the writer thread.
pub fn start(
    options: &ServeOptions,
    metrics: Arc<Metrics>,
    committed: Arc<Notify>,
) -> Result<(WriterHandle, JoinHandle<()>), ServeError> {
    let ctx = Context {
        at: None,
        actor: options.actor.clone(),
        idempotency_key: None,
    };
    let engine = Engine::open_creating(
        &options.db,
        OpenMode::CreateIfMissing,
        options.busy_timeout,
        &InitOptions::default(),
        &ctx,
    )?;
    let (queue, jobs) = sync_channel(options.queue.max(1));
    let max_batch = options.max_batch.max(1);
    let handle = WriterHandle {
        queue,
        metrics: metrics.clone(),
    };
    let thread = std::thread::Builder::new()
        .name("payctl-writer".into())
        .spawn(move || run(engine, &jobs, max_batch, &metrics, &committed))?;
    Ok((handle, thread))
}

fn run(
    mut engine: Engine,
    jobs: &Receiver<Job>,
    max_batch: usize,
    metrics: &Metrics,
    committed: &Notify,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match commit_batch(&mut engine, batch) {
            Some(requests) => {
                metrics.committed(requests);
                committed.notify_waiters();
            }
            None => metrics.commit_failed(),
        }
    }
}

/// Runs `batch` in one transaction and answers each job after the commit. A job whose failure
/// abandons the transaction (a store error, not a refusal) is answered with it; the others,
/// none of them acknowledged, run again in a new transaction. Returns how many requests the
/// commit held, `None` when nothing committed.
fn commit_batch(engine: &mut Engine, mut batch: Vec<Job>) -> Option<usize> {
    loop {
        if let Err(e) = engine.begin() {
            answer_all(batch, &e);
            return None;
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut abandoned = None;
        for (i, job) in batch.iter().enumerate() {
            match engine.step(&job.command, &job.ctx) {
                Ok(outcome) => outcomes.push(Ok(outcome)),
                // Refused before it wrote anything (a malformed key, a future time): the
                // transaction stands.
                Err(e) if engine.in_transaction() => outcomes.push(Err(e)),
                Err(e) => {
                    abandoned = Some((i, e));
                    break;
                }
            }
        }
        if let Some((i, e)) = abandoned {
            let job = batch.remove(i);
            let _ = job.reply.send(Err(e));
            if batch.is_empty() {
                return None;
            }
            continue;
        }
        return match engine.commit() {
            Ok(()) => {
                let requests = batch.len();
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
                Some(requests)
            }
            Err(e) => {
                answer_all(batch, &e);
                None
            }
        };
    }
}

fn answer_all(batch: Vec<Job>, e: &Error) {
    for job in batch {
        let _ = job.reply.send(Err(e.clone()));
    }
}
