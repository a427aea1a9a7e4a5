//! The stored rows' digests, hashed inside SQLite's scan: an aggregate function receives each
//! row's values from the scan's registers and hashes them as `digest::RowDigester` hashes a row
//! the fold made.

use rusqlite::Connection;
use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::digest::{Digests, PORTABLE, RowHasher, Salt, TableDigest};
use crate::error::{Error, Result};
use crate::projections::rows::Table;

/// Each read-model table's digest: keyed by `salt` over every column, or (`None`) portable.
pub(super) fn table_digests(conn: &Connection, salt: Option<&Salt>) -> Result<Digests> {
    register_row_digest(conn, salt.unwrap_or(&PORTABLE))?;
    let mut digests = Digests::new();
    for table in Table::ALL {
        digests.insert(table, aggregated_digest(conn, table, salt.is_none())?);
    }
    Ok(digests)
}

/// The SQL name of the row-digest aggregate.
const ROW_DIGEST: &str = "payctl_row_digest";

/// `payctl_row_digest(a, b, …)`: the digest of the rows whose values are given, in the order
/// given; a 24-byte blob (`TableDigest::to_bytes`).
struct RowDigest {
    salt: Salt,
}

impl Aggregate<(RowHasher, TableDigest), Vec<u8>> for RowDigest {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<(RowHasher, TableDigest)> {
        Ok((RowHasher::new(&self.salt), TableDigest::default()))
    }

    fn step(
        &self,
        ctx: &mut Context<'_>,
        (hasher, digest): &mut (RowHasher, TableDigest),
    ) -> rusqlite::Result<()> {
        for i in 0..ctx.len() {
            hash_value(hasher, ctx.get_raw(i));
        }
        hasher.finish_into(digest);
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        acc: Option<(RowHasher, TableDigest)>,
    ) -> rusqlite::Result<Vec<u8>> {
        Ok(acc.map(|(_, d)| d).unwrap_or_default().to_bytes().to_vec())
    }
}

/// One stored value into the row being hashed, tagged by its SQL type as `RowHasher` tags.
fn hash_value(hasher: &mut RowHasher, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => hasher.null(),
        ValueRef::Integer(v) => hasher.int(v),
        ValueRef::Real(v) => hasher.real(v),
        ValueRef::Text(v) => hasher.text_bytes(v),
        ValueRef::Blob(v) => hasher.blob(v),
    };
}

/// Makes `ROW_DIGEST` (keyed by `salt`) callable on `conn`, replacing any earlier key. Only
/// statements prepared directly may call it, never a view or trigger.
fn register_row_digest(conn: &Connection, salt: &Salt) -> Result<()> {
    conn.create_aggregate_function(
        ROW_DIGEST,
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        RowDigest { salt: *salt },
    )?;
    Ok(())
}

/// One table's digest by `ROW_DIGEST` over its columns in `Table` order; `portable` leaves the
/// store's random id out, as the portable digest of a row does.
fn aggregated_digest(conn: &Connection, table: Table, portable: bool) -> Result<TableDigest> {
    // Names come from `Table`, never from input.
    let columns: Vec<&str> = table
        .columns()
        .iter()
        .copied()
        .filter(|c| !(portable && *c == "store_id"))
        .collect();
    let column_list = columns.join(", ");
    let sql = format!("SELECT {ROW_DIGEST}({column_list}) FROM {}", table.name());
    let bytes: Vec<u8> = conn.query_row(&sql, [], |r| r.get(0))?;
    TableDigest::from_bytes(&bytes).ok_or_else(|| {
        Error::internal(format!(
            "{}: a row digest of {} bytes",
            table.name(),
            bytes.len()
        ))
    })
}
