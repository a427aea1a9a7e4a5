//! Settlements and the payments each included.

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    pub(super) fn settlement(&self, reference: &str) -> Result<Settlement> {
        let id = Id::parse_kind(reference, Kind::Settlement)
            .ok_or_else(|| Error::not_found("settlement", reference))?;
        let mut s = self
            .settlements_where(Some(id.n), None, Page::default())?
            .pop()
            .ok_or_else(|| Error::not_found("settlement", reference))?;
        let c = self.currency()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT payment, captured_minor, refunded_minor, fee_minor FROM settlement_payments
             WHERE settlement = ?1 ORDER BY payment",
        )?;
        s.payments = stmt
            .query_map([id.n], |r| {
                let captured: i64 = r.get(1)?;
                let refunded: i64 = r.get(2)?;
                Ok(SettlementLine {
                    payment: Id::new(Kind::Payment, r.get(0)?).to_string(),
                    captured: dec(captured, c),
                    refunded: dec(refunded, c),
                    net: dec(captured - refunded, c),
                    fee: dec(r.get(3)?, c),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(s)
    }

    pub(super) fn settlements(
        &self,
        merchant: Option<&str>,
        page: Page,
    ) -> Result<Vec<Settlement>> {
        let merchant = match merchant {
            Some(m) => Some(
                self.merchant_id(m)?
                    .ok_or_else(|| Error::not_found("merchant", m))?
                    .n,
            ),
            None => None,
        };
        self.settlements_where(None, merchant, page)
    }

    pub(super) fn settlements_where(
        &self,
        id: Option<i64>,
        merchant: Option<i64>,
        page: Page,
    ) -> Result<Vec<Settlement>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut f = Filters::default();
        f.eq("id = ?", int(id));
        f.eq("merchant = ?", int(merchant));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, merchant, cutoff, gross_minor, refunds_minor, fee_minor, deficit_minor,
                    payout_minor, status, firm_banking, reason, at
             FROM settlements WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                let payout: i64 = r.get(7)?;
                Ok(Settlement {
                    id: Id::new(Kind::Settlement, r.get(0)?).to_string(),
                    merchant: Id::new(Kind::Merchant, r.get(1)?).to_string(),
                    cutoff: show_time(&r.get::<_, String>(2)?),
                    gross: dec(r.get(3)?, c),
                    refunds: dec(r.get(4)?, c),
                    fee: dec(r.get(5)?, c),
                    deficit: dec(r.get(6)?, c),
                    payout: dec(payout.max(0), c),
                    carried: dec((-payout).max(0), c),
                    status: r.get(8)?,
                    firm_banking: r
                        .get::<_, Option<i64>>(9)?
                        .map(|n| Id::new(Kind::FirmBanking, n).to_string()),
                    reason: r.get(10)?,
                    at: show_time(&r.get::<_, String>(11)?),
                    currency: c,
                    payments: Vec::new(),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Settlements, of one merchant or of all.
    pub(super) fn count_settlements(&self, merchant: Option<&str>) -> Result<i64> {
        let merchant = match merchant {
            Some(m) => Some(
                self.merchant_id(m)?
                    .ok_or_else(|| Error::not_found("merchant", m))?
                    .n,
            ),
            None => None,
        };
        let mut f = Filters::default();
        f.eq("merchant = ?", int(merchant));
        let sql = format!("SELECT COUNT(*) FROM settlements WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }
}
