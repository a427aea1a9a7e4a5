//! Payments and their refunds.

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    pub(super) fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment> {
        let id = self
            .payment_id(reference)?
            .ok_or_else(|| Error::not_found("payment", reference))?;
        let mut p = self
            .payments_where(
                PaymentFilter {
                    id: Some(id.n),
                    ..Default::default()
                },
                Page::default(),
                now,
            )?
            .pop()
            .ok_or_else(|| Error::not_found("payment", reference))?;
        let c = self.currency()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, amount_minor, after_settlement, at FROM refunds WHERE payment = ?1 ORDER BY id",
        )?;
        p.refunds = stmt
            .query_map([id.n], |r| {
                Ok(Refund {
                    id: Id::new(Kind::Refund, r.get(0)?).to_string(),
                    amount: dec(r.get(1)?, c),
                    after_settlement: r.get(2)?,
                    at: show_time(&r.get::<_, String>(3)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(p)
    }

    pub(super) fn payments(
        &self,
        filter: &PaymentQuery,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Payment>> {
        self.payments_where(self.payment_filter(filter)?, page, now)
    }

    /// A list's filter with its member and merchant resolved and its status checked.
    pub(super) fn payment_filter(&self, filter: &PaymentQuery) -> Result<PaymentFilter> {
        let member = filter
            .member
            .as_deref()
            .map(|m| self.require_member_id(m))
            .transpose()?;
        let merchant = match filter.merchant.as_deref() {
            Some(m) => Some(
                self.merchant_id(m)?
                    .ok_or_else(|| Error::not_found("merchant", m))?,
            ),
            None => None,
        };
        let status = match filter.status.as_deref() {
            None => None,
            Some(s)
                if [
                    "authorized",
                    "captured",
                    "voided",
                    "expired",
                    "settled",
                    "unsettled",
                ]
                .contains(&s) =>
            {
                Some(s.to_string())
            }
            Some(s) => {
                return Err(Error::invalid(
                    "status",
                    s,
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

    pub(super) fn payments_where(
        &self,
        f: PaymentFilter,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Payment>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let now_value = rusqlite::types::Value::Text(clock::to_storage(now));
        let w = payment_where(&f, &now_value);
        // A hold past its expiry shows as expired even before a command records the release.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, member, merchant, reference, amount_minor, captured_minor, refunded_minor,
                    fee_rate,
                    CASE WHEN status = 'authorized' AND expires_at <= ? THEN 'expired' ELSE status END,
                    held, created_at, expires_at, captured_at, settlement
             FROM payments WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            w.sql
        ))?;
        let mut values = vec![now_value];
        values.extend(w.params(&[limit, offset]));
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            Ok(Payment {
                id: Id::new(Kind::Payment, r.get(0)?).to_string(),
                member: Id::new(Kind::Member, r.get(1)?).to_string(),
                merchant: Id::new(Kind::Merchant, r.get(2)?).to_string(),
                reference: r.get(3)?,
                amount: dec(r.get(4)?, c),
                captured: dec(r.get(5)?, c),
                refunded: dec(r.get(6)?, c),
                fee_rate: r.get(7)?,
                status: r.get(8)?,
                hold: r.get(9)?,
                created_at: show_time(&r.get::<_, String>(10)?),
                expires_at: r.get::<_, Option<String>>(11)?.map(|t| show_time(&t)),
                captured_at: r.get::<_, Option<String>>(12)?.map(|t| show_time(&t)),
                settlement: r
                    .get::<_, Option<i64>>(13)?
                    .map(|n| Id::new(Kind::Settlement, n).to_string()),
                currency: c,
                refunds: Vec::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Payments `payments` lists for this filter as of `now` (a lapsed hold counts as expired).
    pub(super) fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64> {
        let f = self.payment_filter(filter)?;
        let now = rusqlite::types::Value::Text(clock::to_storage(now));
        let w = payment_where(&f, &now);
        let sql = format!("SELECT COUNT(*) FROM payments WHERE 1 = 1{}", w.sql);
        self.count(&sql, &w)
    }
}
