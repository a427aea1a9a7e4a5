//! Reading the log in seq order, each event borrowed from SQLite's row (no copies).

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::error::Result;
use crate::event::EnvelopeRef;

pub(super) const ENVELOPE_COLUMNS: &str = "seq, stream, version, kind, schema, payload, \
                                           recorded_at, effective_at, actor, idempotency_key, hash";

/// The events after `after`, in order, handed to `f` until it answers `false`.
pub(super) fn scan_events(
    conn: &Connection,
    after: i64,
    f: &mut dyn FnMut(&EnvelopeRef<'_>) -> Result<bool>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENVELOPE_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq"
    ))?;
    let mut rows = stmt.query([after])?;
    while let Some(row) = rows.next()? {
        let env = envelope(row)?;
        if !f(&env)? {
            break;
        }
    }
    Ok(())
}

/// A row of `ENVELOPE_COLUMNS`, borrowed. A value of another type, or a text that is not UTF-8
/// (only an edit of the file stores one), is `store_corrupt`.
pub(super) fn envelope<'a>(row: &'a rusqlite::Row<'_>) -> rusqlite::Result<EnvelopeRef<'a>> {
    let failure = |i: usize, v: ValueRef<'a>| {
        move |e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
    };
    let int = |i: usize| -> rusqlite::Result<i64> {
        let v = row.get_ref(i)?;
        v.as_i64().map_err(failure(i, v))
    };
    let text = |i: usize| -> rusqlite::Result<&'a str> {
        let v = row.get_ref(i)?;
        v.as_str().map_err(failure(i, v))
    };
    let opt_text = |i: usize| -> rusqlite::Result<Option<&'a str>> {
        let v = row.get_ref(i)?;
        v.as_str_or_null().map_err(failure(i, v))
    };
    Ok(EnvelopeRef {
        seq: int(0)?,
        stream: text(1)?,
        version: int(2)?,
        kind: text(3)?,
        schema: int(4)?,
        payload: text(5)?,
        recorded_at: text(6)?,
        effective_at: text(7)?,
        actor: text(8)?,
        idempotency_key: opt_text(9)?,
        hash: text(10)?,
    })
}
