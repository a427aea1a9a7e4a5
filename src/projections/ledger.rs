//! The ledger: one transaction per money-moving event, its postings, and running balances.

use super::ApplyContext;
use crate::error::{Error, ErrorCode, Result};
use crate::event::Event;
use crate::ports::LedgerModel;
use crate::projections::rows::{PostingRow, TransactionRow};

pub fn apply<P: LedgerModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    // Which events move money, and how, is the ledger's own match (`ledger::movement`).
    let Some(movement) = crate::ledger::movement(event, cx.currency) else {
        return Ok(());
    };
    // Invariant 1, asserted on every apply: a transaction that does not balance never lands.
    let sum = movement
        .postings()
        .iter()
        .try_fold(0_i64, |acc, (_, v)| acc.checked_add(*v));
    if sum != Some(0) {
        return Err(Error::new(
            ErrorCode::Internal,
            format!("event {} produced an unbalanced transaction", cx.seq),
        ));
    }
    port.add_transaction(&TransactionRow {
        seq: cx.seq,
        at: cx.at,
        description: movement.description(),
    })?;
    for (idx, (account, amount)) in movement.postings().iter().enumerate() {
        port.add_posting(&PostingRow {
            seq: cx.seq,
            idx: idx as i64,
            account: *account,
            amount_minor: *amount,
        })?;
        port.add_to_balance(*account, *amount)?;
    }
    Ok(())
}
