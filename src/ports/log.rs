//! The event log: append-only, in seq order, each event chained to the one before by its hash.

use crate::error::Result;
use crate::event::{Envelope, EnvelopeRef};

/// The head of the log: the last event's seq and hash (0 and the genesis hash when empty), and
/// the last effective time in business order (the store's creation does not count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub last_effective_at: Option<String>,
}

pub trait EventLog {
    /// The recorded head, and the log's last effective time.
    fn head(&self) -> Result<Head>;
    /// Records the head (seq and hash), so a truncated log is detected.
    fn set_head(&mut self, head: &Head) -> Result<()>;
    fn store_id(&self) -> Result<Option<String>>;
    fn set_store_id(&mut self, store_id: &str) -> Result<()>;
    /// The last version of a stream (0 when it has no event).
    fn stream_version(&self, stream: &str) -> Result<i64>;
    /// Stores one event as it is; a (stream, version) already taken is `concurrent_update`.
    fn insert_event(&mut self, env: &Envelope) -> Result<()>;
    /// The events after `after`, in seq order, each handed to `f` until it answers `false`.
    fn scan_events(
        &self,
        after: i64,
        f: &mut dyn FnMut(&EnvelopeRef<'_>) -> Result<bool>,
    ) -> Result<()>;
    fn event_count(&self) -> Result<i64>;
}
