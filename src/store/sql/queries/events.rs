//! The event log as a list.

use super::*;
use crate::queries::MAX_PAGE;
use crate::store::sql::{ENVELOPE_COLUMNS, Param, envelope, text};

/// Events in log order, filtered by stream and kind, after a seq.
pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    filter: &EventQuery,
    limit: i64,
) -> Result<Vec<EventRow>> {
    let mut f = Filters::default();
    f.clause("seq > ?", vec![Owned::Int(filter.after.unwrap_or(0))]);
    rows(s, f, filter, "ORDER BY seq", limit)
}

/// Events newest first, before `before` (exclusive), filtered by stream or kind.
pub(super) fn newest<C: SqlConn>(
    s: &SqlStore<C>,
    filter: &EventQuery,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>> {
    let mut f = Filters::default();
    f.eq("seq < ?", int(before));
    rows(s, f, filter, "ORDER BY seq DESC", limit)
}

/// Events matching `f` and the stream/kind of `filter`, in `order`, at most `limit`.
fn rows<C: SqlConn>(
    s: &SqlStore<C>,
    mut f: Filters,
    filter: &EventQuery,
    order: &'static str,
    limit: i64,
) -> Result<Vec<EventRow>> {
    f.eq("stream = ?", text(filter.stream.as_deref()));
    f.eq("kind = ?", text(filter.kind.as_deref()));
    let sql = format!(
        "SELECT {ENVELOPE_COLUMNS} FROM events WHERE 1 = 1{} {order} LIMIT ?",
        f.sql
    );
    s.all(&sql, &f.params(&[], &[limit.clamp(0, MAX_PAGE)]), |r| {
        event_row(&envelope(r)?)
    })
}

/// Events of the filter's stream and kind: all of them, and those up to its `after` seq.
pub(super) fn count<C: SqlConn>(s: &SqlStore<C>, filter: &EventQuery) -> Result<EventCount> {
    let mut f = Filters::default();
    f.eq("stream = ?", text(filter.stream.as_deref()));
    f.eq("kind = ?", text(filter.kind.as_deref()));
    let sql = format!(
        "SELECT COUNT(*), COALESCE(CAST(SUM(CASE WHEN seq <= ? THEN 1 ELSE 0 END) AS BIGINT), 0)
         FROM events WHERE 1 = 1{}",
        f.sql
    );
    let after = filter.after.unwrap_or(0);
    let (total, skipped) = s
        .one(&sql, &f.params(&[Param::Int(after)], &[]), |r| {
            Ok((r.int(0)?, r.int(1)?))
        })?
        .unwrap_or_default();
    Ok(EventCount { total, skipped })
}
