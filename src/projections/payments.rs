//! Payments (immediate captures and holds) and their refunds.

use rusqlite::{Connection, params};

use super::{ApplyContext, one_row};
use crate::clock;
use crate::error::Result;
use crate::event::Event;

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::PaymentCaptured {
            payment,
            member,
            merchant,
            amount,
            fee_rate,
            reference,
            recharge,
        } => {
            conn.prepare_cached(
                "INSERT INTO payments (id, member, merchant, reference, amount_minor, captured_minor,
                                       refunded_minor, fee_rate, status, held, recharge, created_at,
                                       expires_at, captured_at, closed_at, settlement)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, 0, ?6, 'captured', 0, ?7, ?8, NULL, ?8, NULL, NULL)",
            )?
            .execute(params![
                payment.n,
                member.n,
                merchant.n,
                reference,
                cx.minor(amount),
                fee_rate.to_string(),
                recharge.map(|r| r.n),
                cx.at()
            ])?;
        }
        Event::PaymentAuthorized {
            payment,
            member,
            merchant,
            amount,
            fee_rate,
            reference,
            recharge,
            expires_at,
        } => {
            conn.prepare_cached(
                "INSERT INTO payments (id, member, merchant, reference, amount_minor, captured_minor,
                                       refunded_minor, fee_rate, status, held, recharge, created_at,
                                       expires_at, captured_at, closed_at, settlement)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, 'authorized', 1, ?7, ?8, ?9, NULL, NULL, NULL)",
            )?
            .execute(params![
                payment.n,
                member.n,
                merchant.n,
                reference,
                cx.minor(amount),
                fee_rate.to_string(),
                recharge.map(|r| r.n),
                cx.at(),
                clock::to_storage(*expires_at)
            ])?;
        }
        Event::HoldCaptured {
            payment, amount, ..
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE payments SET status = 'captured', captured_minor = ?2, captured_at = ?3
                     WHERE id = ?1",
                )?
                .execute(params![payment.n, cx.minor(amount), cx.at()])?;
            one_row(n, "payment", cx.env)?;
        }
        Event::HoldVoided { payment, .. } | Event::HoldExpired { payment, .. } => {
            let status = if matches!(event, Event::HoldVoided { .. }) {
                "voided"
            } else {
                "expired"
            };
            let n = conn
                .prepare_cached("UPDATE payments SET status = ?2, closed_at = ?3 WHERE id = ?1")?
                .execute(params![payment.n, status, cx.at()])?;
            one_row(n, "payment", cx.env)?;
        }
        Event::RefundIssued {
            refund,
            payment,
            amount,
            after_settlement,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO refunds (id, payment, amount_minor, after_settlement, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                refund.n,
                payment.n,
                cx.minor(amount),
                after_settlement,
                cx.at()
            ])?;
            let n = conn
                .prepare_cached(
                    "UPDATE payments SET refunded_minor = refunded_minor + ?2 WHERE id = ?1",
                )?
                .execute(params![payment.n, cx.minor(amount)])?;
            one_row(n, "payment", cx.env)?;
        }
        Event::SettlementCompleted(f) => {
            for p in &f.payments {
                let n = conn
                    .prepare_cached("UPDATE payments SET settlement = ?2 WHERE id = ?1")?
                    .execute(params![p.payment.n, f.settlement.n])?;
                one_row(n, "payment", cx.env)?;
            }
        }
        _ => {}
    }
    Ok(())
}
