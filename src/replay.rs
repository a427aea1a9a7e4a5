//! Replaying the log through the one fold: what `rebuild`, `verify` and the as-of queries do,
//! each into the adapter it needs.

use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{EnvelopeRef, decode_payload};
use crate::money::Currency;
use crate::ports::{EventLog, ReadModels};
use crate::projections::{self, ApplyContext};
use crate::queries::AsOf;
use crate::store::memory::{Dropping, MemoryStore};

/// Where a replay stands: the store's currency once its initialization is applied.
#[derive(Debug, Default, Clone, Copy)]
pub struct Replayer {
    currency: Option<Currency>,
}

impl Replayer {
    /// Decodes one event of the log and applies it to `port`.
    pub fn apply<P: ReadModels + ?Sized>(
        &mut self,
        env: &EnvelopeRef<'_>,
        port: &mut P,
    ) -> Result<()> {
        self.apply_raw(
            env.seq,
            env.kind,
            env.schema,
            env.payload,
            env.effective_at,
            port,
        )
    }

    /// `apply`, from the fields it reads.
    pub fn apply_raw<P: ReadModels + ?Sized>(
        &mut self,
        seq: i64,
        kind: &str,
        schema: i64,
        payload: &str,
        effective_at: &str,
        port: &mut P,
    ) -> Result<()> {
        let event = decode_payload(seq, kind, schema, payload)?;
        self.currency = projections::currency_of(&event, self.currency);
        let Some(currency) = self.currency else {
            return Err(Error::new(
                ErrorCode::StoreCorrupt,
                format!("event {seq} precedes the store's initialization"),
            ));
        };
        let cx = ApplyContext {
            seq,
            kind,
            at: effective_at,
            currency,
        };
        projections::apply(&event, &cx, port)
    }
}

/// Replays the events of `log` after `after`, while `include` says so, into `port`; returns how
/// many were applied and the last one's effective time.
pub fn replay<P: ReadModels + ?Sized>(
    log: &dyn EventLog,
    after: i64,
    port: &mut P,
    mut include: impl FnMut(&EnvelopeRef<'_>) -> bool,
) -> Result<(i64, Option<String>)> {
    let mut replayer = Replayer::default();
    let mut applied = 0;
    let mut last_at = None;
    log.scan_events(after, &mut |env| {
        if !include(env) {
            return Ok(false);
        }
        replayer.apply(env, port)?;
        applied += 1;
        last_at = Some(env.effective_at.to_string());
        Ok(true)
    })?;
    Ok((applied, last_at))
}

impl AsOf {
    /// Whether the state as of this point includes `env`. The store's initialization (event 1)
    /// is outside business time: its settings hold from the first event on, whatever its time.
    pub fn includes(&self, env: &EnvelopeRef<'_>) -> bool {
        match self {
            AsOf::Seq(s) => env.seq <= *s,
            AsOf::Time(_) if env.seq == 1 => true,
            AsOf::Time(t) => env.effective_at <= crate::clock::to_storage(*t).as_str(),
        }
    }
}

impl Engine {
    /// The read models as they stood at `as_of`, replayed from the log through the one fold
    /// (rows written once are dropped); and the last replayed event's effective time.
    pub(crate) fn replay_until(
        &self,
        as_of: AsOf,
    ) -> Result<(MemoryStore<Dropping>, Option<String>)> {
        let mut state = MemoryStore::new(Dropping);
        let (_, last_at) = replay(self.store(), 0, &mut state, |env| as_of.includes(env))?;
        Ok((state, last_at))
    }
}
