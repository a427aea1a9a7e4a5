//! Naming the row that differs: for a table whose digests differ, the log is replayed once more
//! into the memory adapter keeping that table's rows, and they are compared in key order with
//! the stored rows.

use std::cmp::Ordering;

use crate::error::Result;
use crate::ports::{Store, Value};
use crate::projections::rows::Table;
use crate::replay::replay;
use crate::store::memory::{Keeping, MemoryStore};

/// Pushes, for each table of `tables`, the first row where the stored rows and a replay differ.
pub fn name_rows(store: &dyn Store, tables: &[Table], problems: &mut Vec<String>) -> Result<()> {
    let mut state = MemoryStore::new(Keeping::of(tables));
    replay(store, 0, &mut state, |_| true)?;
    let mut kept = state.finish()?.tables;
    let before = problems.len();
    for table in tables {
        let mut replayed = kept.remove(table).unwrap_or_default();
        let key = key_columns(*table);
        replayed.sort_by(|a, b| by_key(a, b, &key));
        first_difference(store, *table, &replayed, problems)?;
    }
    if problems.len() == before {
        problems.push("projections: a table's digest differs from the replay's".into());
    }
    Ok(())
}

fn first_difference(
    store: &dyn Store,
    table: Table,
    replayed: &[Vec<Value>],
    problems: &mut Vec<String>,
) -> Result<()> {
    let name = table.name();
    let mut row = 0_usize;
    let mut found = None;
    store.scan_table(table, &mut |stored| {
        row += 1;
        found = match replayed.get(row - 1) {
            None => Some(format!("projection {name}: row {row} is not in the replay")),
            Some(r) if r.as_slice() != stored => Some(format!(
                "projection {name}: row {row} differs from the replay: stored {}, replayed {}",
                shown(stored),
                shown(r)
            )),
            Some(_) => None,
        };
        Ok(found.is_none())
    })?;
    if found.is_none() && replayed.len() > row {
        found = Some(format!(
            "projection {name}: row {} of the replay is missing",
            row + 1
        ));
    }
    problems.extend(found);
    Ok(())
}

/// The positions of the table's key columns.
fn key_columns(table: Table) -> Vec<usize> {
    table
        .key()
        .split(", ")
        .filter_map(|k| table.columns().iter().position(|c| c == &k))
        .collect()
}

/// Rows in the order the store lists them: by key, numbers by value, texts by their bytes.
fn by_key(a: &[Value], b: &[Value], key: &[usize]) -> Ordering {
    key.iter()
        .map(|&i| match (a.get(i), b.get(i)) {
            (Some(Value::Int(x)), Some(Value::Int(y))) => x.cmp(y),
            (Some(Value::Text(x)), Some(Value::Text(y))) => x.as_bytes().cmp(y.as_bytes()),
            _ => Ordering::Equal,
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn shown(row: &[Value]) -> String {
    let values: Vec<String> = row.iter().map(ToString::to_string).collect();
    format!("[{}]", values.join(", "))
}
