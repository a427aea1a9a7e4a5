//! The transaction that wraps a command, an import batch, a rebuild or a consistent read.

use crate::error::Result;

pub trait UnitOfWork {
    /// Starts the write transaction: from here on, no other writer can change the store until
    /// `commit` or `rollback` (SQLite: `BEGIN IMMEDIATE`; a server database: the log head
    /// locked). Waiting longer than the busy timeout for another writer is `store_locked`.
    fn begin_write(&mut self) -> Result<()>;
    /// Starts a read transaction: every read until `end_read` sees one state of the store.
    fn begin_read(&mut self) -> Result<()>;
    fn end_read(&mut self);
    fn commit(&mut self) -> Result<()>;
    /// Abandons the open transaction, if any.
    fn rollback(&mut self);
    /// A point inside the write transaction that `rollback_to` returns to.
    fn savepoint(&mut self, name: &'static str) -> Result<()>;
    fn release(&mut self, name: &'static str) -> Result<()>;
    fn rollback_to(&mut self, name: &'static str) -> Result<()>;
    /// `false` trades the power-loss guarantee for speed (bulk loads, benchmarks).
    fn set_durable(&mut self, durable: bool) -> Result<()>;
    /// A hint that many commands follow in few transactions (an import): the adapter may tune
    /// itself for it until `bulk_writes(false)`.
    fn bulk_writes(&mut self, on: bool) -> Result<()>;
}
