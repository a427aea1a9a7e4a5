//! Payments and their refunds.

use super::*;
use crate::clock;
use crate::ids::Kind;
use crate::queries::Refund;
use crate::store::sql::Param;

pub(super) fn one<C: SqlConn>(s: &SqlStore<C>, reference: &str, now: Timestamp) -> Result<Payment> {
    let id = s
        .payment_id(reference)?
        .ok_or_else(|| Error::not_found("payment", reference))?;
    let filter = PaymentFilter {
        id: Some(id.n),
        ..Default::default()
    };
    let mut p = by_filter(s, &filter, Page::default(), now)?
        .pop()
        .ok_or_else(|| Error::not_found("payment", reference))?;
    let c = s.currency()?;
    p.refunds = s.all(
        "SELECT id, amount_minor, after_settlement, at FROM refunds WHERE payment = ?1 ORDER BY id",
        &[id.n.into()],
        |r| {
            Ok(Refund {
                id: Id::new(Kind::Refund, r.int(0)?).to_string(),
                amount: dec(r.int(1)?, c),
                after_settlement: r.flag(2)?,
                at: show_time(r.text(3)?),
            })
        },
    )?;
    Ok(p)
}

pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    filter: &PaymentQuery,
    page: Page,
    now: Timestamp,
) -> Result<Vec<Payment>> {
    by_filter(s, &resolve(s, filter)?, page, now)
}

/// A list's filter with its member and merchant resolved and its status checked.
fn resolve<C: SqlConn>(s: &SqlStore<C>, filter: &PaymentQuery) -> Result<PaymentFilter> {
    let member = filter
        .member
        .as_deref()
        .map(|m| s.require_member_id(m))
        .transpose()?;
    let merchant = match filter.merchant.as_deref() {
        Some(m) => Some(
            s.merchant_id(m)?
                .ok_or_else(|| Error::not_found("merchant", m))?,
        ),
        None => None,
    };
    const STATUSES: [&str; 6] = [
        "authorized",
        "captured",
        "voided",
        "expired",
        "settled",
        "unsettled",
    ];
    let status = match filter.status.as_deref() {
        None => None,
        Some(st) if STATUSES.contains(&st) => Some(st.to_string()),
        Some(st) => {
            return Err(Error::invalid(
                "status",
                st,
                "use authorized, captured, voided, expired, settled or unsettled",
            ));
        }
    };
    Ok(PaymentFilter {
        id: None,
        member: member.map(|m| m.n),
        merchant: merchant.map(|m| m.n),
        status,
    })
}

fn by_filter<C: SqlConn>(
    s: &SqlStore<C>,
    f: &PaymentFilter,
    page: Page,
    now: Timestamp,
) -> Result<Vec<Payment>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let now = clock::to_storage(now);
    let mut w = payment_where(f, &now);
    w.eq("id < ?", int(page.past));
    // A hold past its expiry shows as expired even before a command records the release.
    let sql = format!(
        "SELECT id, member, merchant, reference, amount_minor, captured_minor, refunded_minor,
                fee_rate,
                CASE WHEN status = 'authorized' AND expires_at <= ? THEN 'expired' ELSE status END,
                held, created_at, expires_at, captured_at, settlement
         FROM payments WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
        w.sql
    );
    s.all(
        &sql,
        &w.params(&[Param::Text(&now)], &[limit, offset]),
        |r| {
            Ok(Payment {
                id: Id::new(Kind::Payment, r.int(0)?).to_string(),
                member: Id::new(Kind::Member, r.int(1)?).to_string(),
                merchant: Id::new(Kind::Merchant, r.int(2)?).to_string(),
                reference: r.opt_text(3)?.map(str::to_string),
                amount: dec(r.int(4)?, c),
                captured: dec(r.int(5)?, c),
                refunded: dec(r.int(6)?, c),
                fee_rate: r.text(7)?.to_string(),
                status: r.text(8)?.to_string(),
                hold: r.flag(9)?,
                created_at: show_time(r.text(10)?),
                expires_at: r.opt_text(11)?.map(show_time),
                captured_at: r.opt_text(12)?.map(show_time),
                settlement: r
                    .opt_int(13)?
                    .map(|n| Id::new(Kind::Settlement, n).to_string()),
                currency: c,
                refunds: Vec::new(),
            })
        },
    )
}

/// Payments `list` shows for this filter as of `now` (a lapsed hold counts as expired).
pub(super) fn count<C: SqlConn>(
    s: &SqlStore<C>,
    filter: &PaymentQuery,
    now: Timestamp,
) -> Result<i64> {
    let f = resolve(s, filter)?;
    let w = payment_where(&f, &clock::to_storage(now));
    s.count(
        &format!("SELECT COUNT(*) FROM payments WHERE 1 = 1{}", w.sql),
        &w,
    )
}
