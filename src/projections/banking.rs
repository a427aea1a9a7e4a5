//! Firm-banking requests and the bank simulator's accounts (the outside world, kept beside the
//! ledger so a command with a bank step stays one transaction; replay reads outcomes, never asks).

use rusqlite::{Connection, OptionalExtension, params};

use super::{ApplyContext, one_row};
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
        Event::FirmBankingRequested {
            request,
            from,
            to,
            amount,
            purpose,
        } => {
            conn.prepare_cached(
                "INSERT INTO firm_banking (id, from_bank, from_account, to_bank, to_account,
                                           amount_minor, purpose, status, reason, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'requested', NULL, ?8)",
            )?
            .execute(params![
                request.n,
                from.bank,
                from.account,
                to.bank,
                to.account,
                cx.minor(amount),
                purpose.to_string(),
                cx.at()
            ])?;
        }
        Event::FirmBankingCompleted { request } => {
            let n = conn
                .prepare_cached("UPDATE firm_banking SET status = 'completed' WHERE id = ?1")?
                .execute([request.n])?;
            one_row(n, "firm-banking request", cx.env)?;
            // Money left one simulated account and reached another.
            let (from, to, amount): (BankAccount, BankAccount, i64) = conn
                .prepare_cached(
                    "SELECT from_bank, from_account, to_bank, to_account, amount_minor
                     FROM firm_banking WHERE id = ?1",
                )?
                .query_row([request.n], |r| {
                    Ok((
                        BankAccount {
                            bank: r.get(0)?,
                            account: r.get(1)?,
                        },
                        BankAccount {
                            bank: r.get(2)?,
                            account: r.get(3)?,
                        },
                        r.get(4)?,
                    ))
                })?;
            move_sim_balance(conn, &from, -amount)?;
            move_sim_balance(conn, &to, amount)?;
        }
        Event::FirmBankingFailed { request, reason } => {
            let n = conn
                .prepare_cached(
                    "UPDATE firm_banking SET status = 'failed', reason = ?2 WHERE id = ?1",
                )?
                .execute(params![request.n, reason])?;
            one_row(n, "firm-banking request", cx.env)?;
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
