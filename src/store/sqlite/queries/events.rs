//! The event log as a list.

use super::super::SqliteStore;
use super::super::scan::{ENVELOPE_COLUMNS, envelope};
use super::*;
use crate::queries::MAX_PAGE;

impl SqliteStore {
    /// Events in log order, filtered by stream and kind, after a seq.
    pub(super) fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>> {
        let mut f = Filters::default();
        f.clause(
            "seq > ?",
            vec![rusqlite::types::Value::Integer(filter.after.unwrap_or(0))],
        );
        self.event_rows(f, filter, "ORDER BY seq", limit)
    }

    /// Events matching `f` and the stream/kind of `filter`, in `order`, at most `limit`.
    pub(super) fn event_rows(
        &self,
        mut f: Filters,
        filter: &EventQuery,
        order: &'static str,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        f.eq("stream = ?", text(filter.stream.as_deref()));
        f.eq("kind = ?", text(filter.kind.as_deref()));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENVELOPE_COLUMNS} FROM events WHERE 1 = 1{} {order} LIMIT ?",
            f.sql
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(
            f.params(&[limit.clamp(0, MAX_PAGE)]),
        ))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(event_row(&envelope(row)?)?);
        }
        Ok(out)
    }

    /// Events newest first, before `before` (exclusive; `None`: from the newest), filtered by
    /// stream or kind (exact), at most `limit`. The console's log view pages with this.
    pub(super) fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        let mut f = Filters::default();
        f.eq("seq < ?", int(before));
        self.event_rows(f, filter, "ORDER BY seq DESC", limit)
    }

    /// Events of the filter's stream and kind: all of them, and those up to its `after` seq.
    pub(super) fn count_events(&self, filter: &EventQuery) -> Result<EventCount> {
        let mut f = Filters::default();
        f.eq("stream = ?", text(filter.stream.as_deref()));
        f.eq("kind = ?", text(filter.kind.as_deref()));
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(seq <= ?), 0) FROM events WHERE 1 = 1{}",
            f.sql
        );
        let mut values = vec![rusqlite::types::Value::Integer(filter.after.unwrap_or(0))];
        values.extend(f.params(&[]));
        let (total, skipped) = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(EventCount { total, skipped })
    }

    /// The seq of the last event effective at or before `at` (storage form); 0 when none.
    pub(super) fn last_seq_at(&self, at: &str) -> Result<i64> {
        // Effective times never go backwards in log order after the store's creation.
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq = 1 OR effective_at <= ?1",
            )?
            .query_row([at], |r| r.get(0))?)
    }
}
