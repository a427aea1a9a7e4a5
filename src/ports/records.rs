//! Idempotency records: the first outcome of each request made under a key.

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The request's identity (a hash of its canonical form).
    pub request_hash: String,
    /// The outcome, as stored JSON.
    pub outcome: String,
    /// The events the request recorded, if any.
    pub first_seq: Option<i64>,
    pub last_seq: Option<i64>,
}

/// What `scan_records` hands over for each record: its key's bytes as stored, and the first and
/// last seq of the events it claims.
pub type RecordVisit<'a> = dyn FnMut(&[u8], Option<i64>, Option<i64>) -> Result<()> + 'a;

pub trait IdempotencyRecords {
    fn find_record(&self, key: &str) -> Result<Option<IdempotencyRecord>>;
    fn add_record(&mut self, key: &str, record: &IdempotencyRecord) -> Result<()>;
    /// Every record's key (its bytes, as stored) and the events it claims, in any order.
    fn scan_records(&self, f: &mut RecordVisit<'_>) -> Result<()>;
    /// Every record whole, with its key, in key order (`store copy`).
    fn each_record(&self, f: &mut dyn FnMut(&str, &IdempotencyRecord) -> Result<()>) -> Result<()>;
}
