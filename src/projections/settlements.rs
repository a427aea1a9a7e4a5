//! Settlements and the payments each one included.

use rusqlite::{Connection, params};

use super::ApplyContext;
use crate::clock;
use crate::error::Result;
use crate::event::{Event, SettlementFigures};

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::SettlementCompleted(f) => record(conn, cx, f, "completed", None),
        Event::SettlementFailed { figures, reason } => {
            record(conn, cx, figures, "failed", Some(reason))
        }
        _ => Ok(()),
    }
}

fn record(
    conn: &Connection,
    cx: &ApplyContext<'_>,
    f: &SettlementFigures,
    status: &str,
    reason: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settlements (id, merchant, cutoff, gross_minor, refunds_minor, fee_minor,
                                  deficit_minor, payout_minor, status, firm_banking, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        f.settlement.n,
        f.merchant.n,
        clock::to_storage(f.cutoff),
        cx.minor(&f.gross),
        cx.minor(&f.refunds),
        cx.minor(&f.fee),
        cx.minor(&f.deficit),
        f.payout_minor,
        status,
        f.firm_banking.map(|x| x.n),
        reason,
        cx.at()
    ])?;
    for p in &f.payments {
        conn.prepare_cached(
            "INSERT INTO settlement_payments (settlement, payment, captured_minor, refunded_minor,
                                              fee_minor)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            f.settlement.n,
            p.payment.n,
            cx.minor(&p.captured),
            cx.minor(&p.refunded),
            cx.minor(&p.fee)
        ])?;
    }
    Ok(())
}
