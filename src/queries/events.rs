//! The event log as a list.

use serde::Serialize;

use crate::engine::Engine;
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRow {
    pub seq: i64,
    pub stream: String,
    pub version: i64,
    pub kind: String,
    pub effective_at: String,
    pub recorded_at: String,
    pub actor: String,
    pub idempotency_key: Option<String>,
    pub hash: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// Which events a list shows: of a stream, of a kind, after a seq.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub stream: Option<String>,
    pub kind: Option<String>,
    pub after: Option<i64>,
}

/// The events a filter matches, and how many of them come at or before its `after` seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCount {
    pub total: i64,
    pub skipped: i64,
}

impl Engine {
    /// Events in log order, filtered by stream and kind, after a seq.
    pub fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>> {
        self.store().events(filter, limit)
    }

    /// Events newest first, before `before` (exclusive; `None`: from the newest), filtered by
    /// stream or kind (exact), at most `limit`. The console's log view pages with this.
    pub fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        self.store().events_newest(filter, before, limit)
    }

    /// Events of the filter's stream and kind: all of them, and those up to its `after` seq.
    pub fn count_events(&self, filter: &EventQuery) -> Result<EventCount> {
        self.store().count_events(filter)
    }

    /// Event count and head hash: a cheap fingerprint of the log.
    pub fn log_head(&self) -> Result<(i64, String)> {
        let head = self.store().head()?;
        let count = self.store().event_count()?;
        Ok((count, if count == 0 { String::new() } else { head.hash }))
    }
}
