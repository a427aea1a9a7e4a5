//! What `verify`, `rebuild`, `backup`, `store copy` and the console need of a store besides its
//! commands and queries: its rows as they are stored, bulk loading, a second reader, the signal
//! that another process wrote.

use std::path::Path;

use crate::digest::{Digests, Salt};
use crate::error::Result;
use crate::projections::rows::{Row, Table};

/// A stored value, as `verify` shows it when a row differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    /// A value of a type payctl never writes (only an edit of the store makes one), spelled.
    Other(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Int(v) => write!(f, "{v}"),
            Value::Text(v) => write!(f, "{v:?}"),
            Value::Other(v) => f.write_str(v),
        }
    }
}

pub trait Maintenance {
    /// Each stored read-model table's digest, hashed as `digest::RowDigester` hashes a row:
    /// keyed by `salt` over every column, or (`None`) portable.
    fn table_digests(&self, salt: Option<&Salt>) -> Result<Digests>;
    /// A table's stored rows in key order, each as its values, until `f` answers `false`.
    fn scan_table(&self, table: Table, f: &mut dyn FnMut(&[Value]) -> Result<bool>) -> Result<()>;
    /// Empties every read model (inside the write transaction).
    fn clear_read_models(&mut self) -> Result<()>;
    /// Stores one row of a read model as it is (a bulk load: `rebuild`, `store copy`).
    fn load_row(&mut self, row: &dyn Row) -> Result<()>;
    /// Around a bulk load of the read models (inside the write transaction): the adapter may
    /// set aside what only queries use (indexes) and build it once at the end.
    fn begin_bulk_load(&mut self) -> Result<()>;
    fn end_bulk_load(&mut self) -> Result<()>;
    /// A second handle reading the same state as this one's open read transaction, for work on
    /// another thread; `None` when the adapter cannot promise the same state.
    fn parallel_reader(&self) -> Option<Box<dyn crate::ports::Store>>;
    /// A number that changes whenever another process commits (the console polls it).
    fn change_signal(&self) -> Result<i64>;
    /// A consistent copy of the whole store into a new SQLite file at `path`; `false` when the
    /// adapter has no way of its own (the engine then copies through the ports).
    fn backup_to(&self, path: &Path) -> Result<bool>;
    /// Where the store lives, for people (a path, a URL without its password).
    fn location(&self) -> String;
}
