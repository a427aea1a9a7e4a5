//! Firm-banking requests and the bank simulator's accounts (the outside world, kept beside the
//! ledger so a command with a bank step stays one transaction; replay reads outcomes, never asks).

use rusqlite::{Connection, OptionalExtension, params};

use super::ApplyContext;
use crate::error::Result;
use crate::event::{BankAccount, Event};

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::BankSimConfigured {
            account,
            balance,
            closed,
        } => {
            conn.prepare_cached(
                "INSERT OR IGNORE INTO sim_accounts (bank, account, balance_minor, closed)
                 VALUES (?1, ?2, NULL, 0)",
            )?
            .execute(params![account.bank, account.account])?;
            if let Some(b) = balance {
                conn.prepare_cached(
                    "UPDATE sim_accounts SET balance_minor = ?3 WHERE bank = ?1 AND account = ?2",
                )?
                .execute(params![account.bank, account.account, cx.minor(b)])?;
            }
            if let Some(c) = closed {
                conn.prepare_cached(
                    "UPDATE sim_accounts SET closed = ?3 WHERE bank = ?1 AND account = ?2",
                )?
                .execute(params![account.bank, account.account, c])?;
            }
        }
        Event::FirmBankingCompleted {
            request,
            from,
            to,
            amount,
            purpose,
        }
        | Event::FirmBankingFailed {
            request,
            from,
            to,
            amount,
            purpose,
            ..
        } => {
            let reason = match event {
                Event::FirmBankingFailed { reason, .. } => Some(reason.as_str()),
                _ => None,
            };
            let status = if reason.is_some() {
                "failed"
            } else {
                "completed"
            };
            conn.prepare_cached(
                "INSERT INTO firm_banking (id, from_bank, from_account, to_bank, to_account,
                                           amount_minor, purpose, status, reason, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                request.n,
                from.bank,
                from.account,
                to.bank,
                to.account,
                cx.minor(amount),
                purpose.to_string(),
                status,
                reason,
                cx.at()
            ])?;
            if reason.is_none() {
                // Money left one simulated account and reached another.
                move_sim_balance(conn, from, -cx.minor(amount))?;
                move_sim_balance(conn, to, cx.minor(amount))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Only accounts with a configured balance track it; the rest (and the house) are unlimited.
fn move_sim_balance(conn: &Connection, account: &BankAccount, delta: i64) -> Result<()> {
    let tracked: Option<Option<i64>> = conn
        .prepare_cached("SELECT balance_minor FROM sim_accounts WHERE bank = ?1 AND account = ?2")?
        .query_row(params![account.bank, account.account], |r| r.get(0))
        .optional()?;
    if let Some(Some(_)) = tracked {
        conn.prepare_cached(
            "UPDATE sim_accounts SET balance_minor = balance_minor + ?3
             WHERE bank = ?1 AND account = ?2",
        )?
        .execute(params![account.bank, account.account, delta])?;
    }
    Ok(())
}
