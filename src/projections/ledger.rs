//! The ledger: one transaction per money-moving event, its postings, and running balances.

use rusqlite::{Connection, params};

use super::ApplyContext;
use crate::error::{Error, ErrorCode, Result};
use crate::event::Event;

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    let Some(tx) = crate::ledger::transaction(event, cx.currency) else {
        return Ok(());
    };
    // Invariant 1, asserted on every apply: a transaction that does not balance never lands.
    let sum = tx
        .postings
        .iter()
        .try_fold(0_i64, |acc, (_, v)| acc.checked_add(*v));
    if sum != Some(0) {
        return Err(Error::new(
            ErrorCode::Internal,
            format!("event {} produced an unbalanced transaction", cx.env.seq),
        ));
    }
    conn.prepare_cached(
        "INSERT INTO ledger_transactions (seq, at, description) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![cx.env.seq, cx.at(), tx.description])?;
    // The common two-posting transaction in one statement each for postings and balances.
    if let [(a1, v1), (a2, v2)] = tx.postings.as_slice() {
        conn.prepare_cached(
            "INSERT INTO ledger_postings (seq, idx, account, amount_minor)
             VALUES (?1, 0, ?2, ?3), (?1, 1, ?4, ?5)",
        )?
        .execute(params![cx.env.seq, a1, v1, a2, v2])?;
        conn.prepare_cached(
            "INSERT INTO ledger_balances (account, balance_minor) VALUES (?1, ?2), (?3, ?4)
             ON CONFLICT (account) DO UPDATE SET balance_minor = balance_minor + excluded.balance_minor",
        )?
        .execute(params![a1, v1, a2, v2])?;
        return Ok(());
    }
    for (idx, (account, amount)) in tx.postings.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO ledger_postings (seq, idx, account, amount_minor) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![cx.env.seq, idx as i64, account, amount])?;
        conn.prepare_cached(
            "INSERT INTO ledger_balances (account, balance_minor) VALUES (?1, ?2)
             ON CONFLICT (account) DO UPDATE SET balance_minor = balance_minor + excluded.balance_minor",
        )?
        .execute(params![account, amount])?;
    }
    Ok(())
}
