//! Invariant 4, the hash chain: seqs contiguous from 1, every hash recomputes, the recorded head
//! matches.

use crate::chain;
use crate::error::Result;
use crate::event::EnvelopeRef;
use crate::ports::EventLog;

/// The chain as the log is read in seq order.
pub struct ChainCheck {
    prev: String,
    expected_seq: i64,
    /// Where the chain broke: its length and head there.
    stopped: Option<(i64, String)>,
}

impl ChainCheck {
    pub fn new(log: &dyn EventLog) -> Result<ChainCheck> {
        let store_id = log.store_id()?.unwrap_or_default();
        Ok(ChainCheck {
            prev: chain::genesis_hash(&store_id),
            expected_seq: 1,
            stopped: None,
        })
    }

    /// Takes `env` as the next link; false (and the problem pushed) when it is not one: the
    /// pass stops there.
    pub fn link(&mut self, env: &EnvelopeRef<'_>, problems: &mut Vec<String>) -> bool {
        if env.seq != self.expected_seq {
            problems.push(format!(
                "event log: expected seq {}, found {} (events missing or reordered)",
                self.expected_seq, env.seq
            ));
            self.stopped = Some((self.expected_seq - 1, self.prev.clone()));
            return false;
        }
        if !chain::hex_matches(env.hash, &chain::event_digest(&self.prev, env)) {
            problems.push(format!(
                "event {} ({}): hash does not match its content or its predecessor (edited)",
                env.seq, env.kind
            ));
            self.stopped = Some((env.seq, self.prev.clone()));
            return false;
        }
        if env.seq == 1 && env.kind != "StoreInitialized" {
            problems.push("event 1 is not StoreInitialized".to_string());
        }
        self.prev.clear();
        self.prev.push_str(env.hash);
        self.expected_seq += 1;
        true
    }

    /// The log read to its end (or to where it broke): its length and head. A log read to its
    /// end must end where the recorded head says.
    pub fn end(self, log: &dyn EventLog, problems: &mut Vec<String>) -> Result<(i64, String)> {
        if let Some(stopped) = self.stopped {
            return Ok(stopped);
        }
        let count = self.expected_seq - 1;
        if count == 0 {
            // payctl creates a store with its first event in it: an empty log was emptied.
            problems.push(
                "event log: empty, no initialization event (StoreInitialized): not a store \
                 payctl initialized, or its events were deleted"
                    .to_string(),
            );
        }
        let head = log.head()?;
        if head.seq != count || (count > 0 && head.hash != self.prev) {
            problems.push(format!(
                "event log: the recorded head is seq {} but the log ends at seq {count} \
                 (events after {count} were deleted)",
                head.seq
            ));
        }
        Ok((count, self.prev))
    }
}
