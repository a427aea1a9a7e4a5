//! Storage adapters: each implements the ports (`crate::ports`) over one way of keeping data.
//! `sqlite` is the embedded default; `memory` holds the read models in maps (what `verify`,
//! `rebuild` and the as-of queries fold into).

pub mod memory;
pub mod sqlite;

use std::time::Duration;

/// How long a writer waits (by default) for another writer before `store_locked`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether opening may create the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Read commands: a missing store is `store_missing`.
    MustExist,
    /// Write commands: a missing store is created (private to its owner).
    CreateIfMissing,
}
