//! Settlements and the payments each included.

use super::*;
use crate::ids::Kind;
use crate::queries::SettlementLine;

pub(super) fn one<C: SqlConn>(s: &SqlStore<C>, reference: &str) -> Result<Settlement> {
    let id = Id::parse_kind(reference, Kind::Settlement)
        .ok_or_else(|| Error::not_found("settlement", reference))?;
    let mut found = by_filter(s, Some(id.n), None, Page::default())?
        .pop()
        .ok_or_else(|| Error::not_found("settlement", reference))?;
    let c = s.currency()?;
    found.payments = s.all(
        "SELECT payment, captured_minor, refunded_minor, fee_minor FROM settlement_payments
         WHERE settlement = ?1 ORDER BY payment",
        &[id.n.into()],
        |r| {
            let (captured, refunded) = (r.int(1)?, r.int(2)?);
            Ok(SettlementLine {
                payment: Id::new(Kind::Payment, r.int(0)?).to_string(),
                captured: dec(captured, c),
                refunded: dec(refunded, c),
                net: dec(captured - refunded, c),
                fee: dec(r.int(3)?, c),
            })
        },
    )?;
    Ok(found)
}

/// The merchant a list is of, resolved.
fn merchant<C: SqlConn>(s: &SqlStore<C>, merchant: Option<&str>) -> Result<Option<i64>> {
    merchant
        .map(|m| {
            s.merchant_id(m)?
                .map(|id| id.n)
                .ok_or_else(|| Error::not_found("merchant", m))
        })
        .transpose()
}

pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    of: Option<&str>,
    page: Page,
) -> Result<Vec<Settlement>> {
    by_filter(s, None, merchant(s, of)?, page)
}

fn by_filter<C: SqlConn>(
    s: &SqlStore<C>,
    id: Option<i64>,
    merchant: Option<i64>,
    page: Page,
) -> Result<Vec<Settlement>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let mut f = Filters::default();
    f.eq("id = ?", int(id));
    f.eq("merchant = ?", int(merchant));
    f.eq("id < ?", int(page.past));
    let sql = format!(
        "SELECT id, merchant, cutoff, gross_minor, refunds_minor, fee_minor, deficit_minor,
                payout_minor, status, firm_banking, reason, at
         FROM settlements WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
        f.sql
    );
    s.all(&sql, &f.params(&[], &[limit, offset]), |r| {
        let payout = r.int(7)?;
        Ok(Settlement {
            id: Id::new(Kind::Settlement, r.int(0)?).to_string(),
            merchant: Id::new(Kind::Merchant, r.int(1)?).to_string(),
            cutoff: show_time(r.text(2)?),
            gross: dec(r.int(3)?, c),
            refunds: dec(r.int(4)?, c),
            fee: dec(r.int(5)?, c),
            deficit: dec(r.int(6)?, c),
            payout: dec(payout.max(0), c),
            carried: dec((-payout).max(0), c),
            status: r.text(8)?.to_string(),
            firm_banking: r
                .opt_int(9)?
                .map(|n| Id::new(Kind::FirmBanking, n).to_string()),
            reason: r.opt_text(10)?.map(str::to_string),
            at: show_time(r.text(11)?),
            currency: c,
            payments: Vec::new(),
        })
    })
}

/// Settlements, of one merchant or of all.
pub(super) fn count<C: SqlConn>(s: &SqlStore<C>, of: Option<&str>) -> Result<i64> {
    let mut f = Filters::default();
    f.eq("merchant = ?", int(merchant(s, of)?));
    s.count(
        &format!("SELECT COUNT(*) FROM settlements WHERE 1 = 1{}", f.sql),
        &f,
    )
}
