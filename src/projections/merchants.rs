//! Merchants: fee rate in force, settlement account, deficit waiting for the next settlement.

use rusqlite::{Connection, params};

use super::{ApplyContext, one_row};
use crate::error::Result;
use crate::event::Event;

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::MerchantRegistered {
            merchant,
            name,
            code,
            fee_rate,
            account,
        } => {
            conn.prepare_cached(
                "INSERT INTO merchants (id, name, code, code_key, fee_rate, bank, account,
                                        registered_at, deficit_minor, last_settlement)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, NULL)",
            )?
            .execute(params![
                merchant.n,
                name,
                code,
                code.to_lowercase(),
                fee_rate.to_string(),
                account.bank,
                account.account,
                cx.at()
            ])?;
        }
        Event::MerchantUpdated {
            merchant,
            fee_rate,
            account,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE merchants SET fee_rate = COALESCE(?2, fee_rate),
                            bank = COALESCE(?3, bank), account = COALESCE(?4, account)
                     WHERE id = ?1",
                )?
                .execute(params![
                    merchant.n,
                    fee_rate.map(|f| f.to_string()),
                    account.as_ref().map(|a| &a.bank),
                    account.as_ref().map(|a| &a.account)
                ])?;
            one_row(n, "merchant", cx.env)?;
        }
        Event::RefundIssued {
            merchant,
            amount,
            after_settlement: true,
            ..
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE merchants SET deficit_minor = deficit_minor + ?2 WHERE id = ?1",
                )?
                .execute(params![merchant.n, cx.minor(amount)])?;
            one_row(n, "merchant", cx.env)?;
        }
        Event::SettlementCompleted(f) => {
            // The deficit is paid off by this settlement; a negative payout is carried instead.
            let n = conn
                .prepare_cached(
                    "UPDATE merchants SET deficit_minor = ?2, last_settlement = ?3 WHERE id = ?1",
                )?
                .execute(params![
                    f.merchant.n,
                    (-f.payout_minor).max(0),
                    f.settlement.n
                ])?;
            one_row(n, "merchant", cx.env)?;
        }
        _ => {}
    }
    Ok(())
}
