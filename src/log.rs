//! Appending to the event log: each event gets the next seq, its stream's next version and its
//! link in the hash chain, through the store's `EventLog` port.

use crate::chain;
use crate::error::{Error, Result};
use crate::event::{Envelope, Event, SCHEMA};
use crate::ports::{EventLog, Head};

/// The envelope fields a command supplies for the events it appends.
pub struct AppendContext<'a> {
    pub recorded_at: &'a str,
    pub effective_at: &'a str,
    pub actor: &'a str,
    pub idempotency_key: Option<&'a str>,
}

/// Appends one event at `head`: next seq, next stream version, chained hash; advances `head`.
/// The caller records the head (`EventLog::set_head`) once its transaction is done.
pub fn append<L: EventLog + ?Sized>(
    log: &mut L,
    event: &Event,
    ctx: &AppendContext<'_>,
    head: &mut Head,
) -> Result<Envelope> {
    let stream = event.stream();
    let version = log.stream_version(&stream)?;
    let mut env = Envelope {
        seq: head.seq + 1,
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
    env.hash = chain::event_hash(&head.hash, &env);
    log.insert_event(&env)?;
    head.seq = env.seq;
    head.hash.clone_from(&env.hash);
    head.last_effective_at = Some(env.effective_at.clone());
    Ok(env)
}
