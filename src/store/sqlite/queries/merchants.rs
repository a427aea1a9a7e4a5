//! Merchants, with what they are owed.

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    pub(super) fn merchant(&self, reference: &str) -> Result<Merchant> {
        let id = self
            .merchant_id(reference)?
            .ok_or_else(|| Error::not_found("merchant", reference))?;
        self.merchants_where(
            Some(id.n),
            Page {
                limit: 1,
                offset: 0,
            },
        )?
        .pop()
        .ok_or_else(|| Error::not_found("merchant", reference))
    }

    pub(super) fn merchants(&self, page: Page) -> Result<Vec<Merchant>> {
        self.merchants_where(None, page)
    }

    pub(super) fn merchants_where(&self, id: Option<i64>, page: Page) -> Result<Vec<Merchant>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut f = Filters::default();
        f.eq("m.id = ?", int(id));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.id, m.name, m.code, m.fee_rate, m.bank, m.account, m.registered_at,
                    m.deficit_minor, m.last_settlement,
                    (SELECT COALESCE(SUM(captured_minor - refunded_minor), 0) FROM payments p
                     WHERE p.merchant = m.id AND p.settlement IS NULL AND p.status = 'captured')
             FROM merchants m WHERE 1 = 1{} ORDER BY m.id LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                Ok(Merchant {
                    id: Id::new(Kind::Merchant, r.get(0)?).to_string(),
                    name: r.get(1)?,
                    code: r.get(2)?,
                    fee_rate: r.get(3)?,
                    bank: r.get(4)?,
                    account: r.get(5)?,
                    registered_at: show_time(&r.get::<_, String>(6)?),
                    deficit: dec(r.get(7)?, c),
                    last_settlement: r
                        .get::<_, Option<i64>>(8)?
                        .map(|n| Id::new(Kind::Settlement, n).to_string()),
                    unsettled: dec(r.get(9)?, c),
                    currency: c,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn count_merchants(&self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM merchants", &Filters::default())
    }
}
