//! `verify`: the log is intact (its hash chain), the read models equal a replay of the log
//! through the one fold, and the invariants hold (SPEC §5). The replay goes into the memory
//! adapter, which digests the rows as the fold makes them; the stored rows are digested by the
//! store's adapter under the same fresh key; a table whose digests differ is compared row by row
//! to name the row.

mod chain;
mod compare;
mod idempotency;
mod invariants;
mod pass;

use serde::Serialize;

use crate::digest::{self, Table};
use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::Store;
use idempotency::KeyHasher;

pub use chain::ChainCheck;

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub events: i64,
    pub head_hash: String,
    pub tables_compared: usize,
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Stops collecting after this many problems: the first ones say where to look.
const MAX_PROBLEMS: usize = 20;

impl Engine {
    /// Verifies the store, reading one state of it even while others write.
    pub fn verify(&mut self) -> Result<VerifyReport> {
        self.store_mut().begin_read()?;
        let result = verify_snapshot(self.store());
        self.store_mut().end_read();
        result
    }

    /// Invariants 1, 2 and 5 on the stored rows alone (no replay).
    pub fn check_invariants(&mut self) -> Result<Vec<String>> {
        self.store_mut().begin_read()?;
        let result = (|| {
            let store = self.store();
            let mut problems = invariants::stored(store)?;
            let keys = KeyHasher::new();
            let runs = idempotency::key_runs(store, &keys)?;
            let records = idempotency::read_records(store, &keys)?;
            idempotency::check(&runs, &records, &mut problems);
            Ok(problems)
        })();
        self.store_mut().end_read();
        result
    }

    /// The portable digest of every stored read-model row: equal digests, equal books, on any
    /// store and any backend (the store's random id is left out).
    pub fn projection_digest(&mut self) -> Result<String> {
        self.store_mut().begin_read()?;
        let result = self.store().table_digests(None);
        self.store_mut().end_read();
        Ok(digest::fingerprint(&result?))
    }
}

fn verify_snapshot(store: &dyn Store) -> Result<VerifyReport> {
    let salt = digest::fresh_salt();
    let keys = KeyHasher::new();
    let pass = pass::run(store, &salt, &keys)?;
    let mut problems = pass.problems;
    let mut tables_compared = 0;
    // Everything else stands on the chain: the key runs and the replay cover the whole log only
    // when the chain pass read it all.
    if problems.is_empty() {
        let stored = match pass.stored {
            Some(stored) => stored?,
            None => store.table_digests(Some(&salt))?,
        };
        match pass.folded {
            Ok(folded) => {
                let differing: Vec<Table> = Table::ALL
                    .into_iter()
                    .filter(|t| stored.get(t) != folded.digests.get(t))
                    .collect();
                tables_compared = Table::ALL.len();
                if !differing.is_empty() {
                    compare::name_rows(store, &differing, &mut problems)?;
                }
                problems.extend(folded.invariants);
            }
            Err(e) if e.code == ErrorCode::StoreCorrupt || e.code == ErrorCode::Internal => {
                problems.push(format!("replay: {}", e.message));
            }
            Err(e) => return Err(e),
        }
        let records = match pass.records {
            Some(records) => records?,
            None => idempotency::read_records(store, &keys)?,
        };
        idempotency::check(&pass.runs, &records, &mut problems);
    } else {
        problems.extend(invariants::stored(store)?);
    }
    problems.truncate(MAX_PROBLEMS);
    Ok(VerifyReport {
        events: pass.events,
        head_hash: pass.head_hash,
        tables_compared,
        problems,
    })
}

/// Fails with `verify_failed` (exit 6) naming the first problems.
pub fn require_ok(report: &VerifyReport) -> Result<()> {
    if report.ok() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::VerifyFailed,
            report.problems.join("; "),
        ))
    }
}
