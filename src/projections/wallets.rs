//! Wallets (balance, active holds), the per-member statement, recharges, withdrawals and
//! remittances.

use rusqlite::{Connection, params};

use super::{ApplyContext, one_row};
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Destination, Event};
use crate::ids::Id;

/// One line of a member's statement, as `wallet_move` records it.
struct Entry<'a> {
    member: &'a Id,
    kind: &'a str,
    reference: &'a Id,
    counterparty: Option<String>,
    amount_minor: i64,
    held_minor: i64,
    status: &'a str,
}

fn wallet_move(conn: &Connection, cx: &ApplyContext<'_>, e: Entry<'_>) -> Result<()> {
    // An UPDATE, then a SELECT of the new balance: `UPDATE … RETURNING` (one statement) made
    // every wallet move a statement SQLite may have to roll back alone, with a statement
    // journal and a table for the returned row. Measured: 100k-operation import 5% faster.
    let changed = conn
        .prepare_cached(
            "UPDATE wallets SET balance_minor = balance_minor + ?2, held_minor = held_minor + ?3
             WHERE member = ?1",
        )?
        .execute(params![e.member.n, e.amount_minor, e.held_minor])?;
    one_row(changed, "wallet", cx.env)?;
    let balance: i64 = conn
        .prepare_cached("SELECT balance_minor FROM wallets WHERE member = ?1")?
        .query_row([e.member.n], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO wallet_entries (member, seq, at, kind, reference, counterparty, amount_minor,
                                     held_minor, balance_after_minor, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.member.n,
        cx.env.seq,
        cx.at(),
        e.kind,
        e.reference.to_string(),
        e.counterparty,
        e.amount_minor,
        e.held_minor,
        balance,
        e.status
    ])
    .map_err(|err| {
        Error::new(
            ErrorCode::StoreCorrupt,
            format!("statement line for event {}: {err}", cx.env.seq),
        )
    })?;
    Ok(())
}

fn entry<'a>(
    member: &'a Id,
    kind: &'a str,
    reference: &'a Id,
    amount: i64,
    held: i64,
) -> Entry<'a> {
    Entry {
        member,
        kind,
        reference,
        counterparty: None,
        amount_minor: amount,
        held_minor: held,
        status: "completed",
    }
}

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::RechargeCompleted {
            recharge,
            member,
            link,
            amount,
            firm_banking,
        }
        | Event::RechargeFailed {
            recharge,
            member,
            link,
            amount,
            firm_banking,
            ..
        } => {
            let failed = matches!(event, Event::RechargeFailed { .. });
            let reason = failure_reason(event);
            conn.prepare_cached(
                "INSERT INTO recharges (id, member, link, amount_minor, status, firm_banking, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                recharge.n,
                member.n,
                link.n,
                cx.minor(amount),
                status(failed),
                firm_banking.n,
                reason,
                cx.at()
            ])?;
            let delta = if failed { 0 } else { cx.minor(amount) };
            let mut e = entry(member, "recharge", recharge, delta, 0);
            e.counterparty = Some(link.to_string());
            e.status = status(failed);
            wallet_move(conn, cx, e)?;
        }
        Event::WithdrawalCompleted {
            withdrawal,
            member,
            link,
            amount,
            firm_banking,
        }
        | Event::WithdrawalFailed {
            withdrawal,
            member,
            link,
            amount,
            firm_banking,
            ..
        } => {
            let failed = matches!(event, Event::WithdrawalFailed { .. });
            conn.prepare_cached(
                "INSERT INTO withdrawals (id, member, link, amount_minor, status, firm_banking, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                withdrawal.n,
                member.n,
                link.n,
                cx.minor(amount),
                status(failed),
                firm_banking.n,
                failure_reason(event),
                cx.at()
            ])?;
            let delta = if failed { 0 } else { -cx.minor(amount) };
            let mut e = entry(member, "withdrawal", withdrawal, delta, 0);
            e.counterparty = Some(link.to_string());
            e.status = status(failed);
            wallet_move(conn, cx, e)?;
        }
        Event::RemittanceCompleted {
            remittance,
            from,
            to,
            amount,
            firm_banking,
            recharge,
        }
        | Event::RemittanceFailed {
            remittance,
            from,
            to,
            amount,
            firm_banking,
            recharge,
            ..
        } => {
            let failed = matches!(event, Event::RemittanceFailed { .. });
            let (to_member, to_bank, to_account) = match to {
                Destination::Member(m) => (Some(m.n), None, None),
                Destination::Bank(b) => (None, Some(&b.bank), Some(&b.account)),
            };
            conn.prepare_cached(
                "INSERT INTO remittances (id, from_member, to_member, to_bank, to_account,
                                          amount_minor, status, firm_banking, recharge, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                remittance.n,
                from.n,
                to_member,
                to_bank,
                to_account,
                cx.minor(amount),
                status(failed),
                firm_banking.map(|f| f.n),
                recharge.map(|r| r.n),
                failure_reason(event),
                cx.at()
            ])?;
            let counterparty = match to {
                Destination::Member(m) => m.to_string(),
                Destination::Bank(b) => b.to_string(),
            };
            let delta = if failed { 0 } else { -cx.minor(amount) };
            let mut e = entry(from, "remit_out", remittance, delta, 0);
            e.counterparty = Some(counterparty);
            e.status = status(failed);
            wallet_move(conn, cx, e)?;
            if let (false, Destination::Member(to)) = (failed, to) {
                let mut e = entry(to, "remit_in", remittance, cx.minor(amount), 0);
                e.counterparty = Some(from.to_string());
                wallet_move(conn, cx, e)?;
            }
        }
        Event::PaymentCaptured {
            payment,
            member,
            merchant,
            amount,
            ..
        } => {
            let mut e = entry(member, "payment", payment, -cx.minor(amount), 0);
            e.counterparty = Some(merchant.to_string());
            wallet_move(conn, cx, e)?;
        }
        Event::PaymentAuthorized {
            payment,
            member,
            merchant,
            amount,
            ..
        } => {
            let mut e = entry(member, "hold", payment, 0, cx.minor(amount));
            e.counterparty = Some(merchant.to_string());
            wallet_move(conn, cx, e)?;
        }
        Event::HoldCaptured {
            payment,
            member,
            merchant,
            amount,
            released,
        } => {
            let held = cx.minor(amount) + cx.minor(released);
            let mut e = entry(member, "capture", payment, -cx.minor(amount), -held);
            e.counterparty = Some(merchant.to_string());
            wallet_move(conn, cx, e)?;
        }
        Event::HoldVoided {
            payment,
            member,
            amount,
        } => wallet_move(
            conn,
            cx,
            entry(member, "void", payment, 0, -cx.minor(amount)),
        )?,
        Event::HoldExpired {
            payment,
            member,
            amount,
            ..
        } => wallet_move(
            conn,
            cx,
            entry(member, "hold_expired", payment, 0, -cx.minor(amount)),
        )?,
        Event::RefundIssued {
            refund,
            payment,
            member,
            amount,
            ..
        } => {
            let mut e = entry(member, "refund", refund, cx.minor(amount), 0);
            e.counterparty = Some(payment.to_string());
            wallet_move(conn, cx, e)?;
        }
        _ => {}
    }
    Ok(())
}

fn status(failed: bool) -> &'static str {
    if failed { "failed" } else { "completed" }
}

fn failure_reason(event: &Event) -> Option<&str> {
    match event {
        Event::RechargeFailed { reason, .. }
        | Event::WithdrawalFailed { reason, .. }
        | Event::RemittanceFailed { reason, .. } => Some(reason),
        _ => None,
    }
}
