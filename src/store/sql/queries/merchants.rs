//! Merchants, with what they are owed.

use super::*;
use crate::ids::Kind;

pub(super) fn one<C: SqlConn>(s: &SqlStore<C>, reference: &str) -> Result<Merchant> {
    let id = s
        .merchant_id(reference)?
        .ok_or_else(|| Error::not_found("merchant", reference))?;
    let page = Page {
        limit: 1,
        ..Page::default()
    };
    list(s, Some(id.n), page)?
        .pop()
        .ok_or_else(|| Error::not_found("merchant", reference))
}

/// Merchants by id (or the one of `id`).
pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    id: Option<i64>,
    page: Page,
) -> Result<Vec<Merchant>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let mut f = Filters::default();
    f.eq("m.id = ?", int(id));
    f.eq("m.id > ?", int(page.past));
    let sql = format!(
        "SELECT m.id, m.name, m.code, m.fee_rate, m.bank, m.account, m.registered_at,
                m.deficit_minor, m.last_settlement,
                (SELECT COALESCE(CAST(SUM(captured_minor - refunded_minor) AS BIGINT), 0)
                 FROM payments p
                 WHERE p.merchant = m.id AND p.settlement IS NULL AND p.status = 'captured')
         FROM merchants m WHERE 1 = 1{} ORDER BY m.id LIMIT ? OFFSET ?",
        f.sql
    );
    s.all(&sql, &f.params(&[], &[limit, offset]), |r| {
        Ok(Merchant {
            id: Id::new(Kind::Merchant, r.int(0)?).to_string(),
            name: r.text(1)?.to_string(),
            code: r.text(2)?.to_string(),
            fee_rate: r.text(3)?.to_string(),
            bank: r.text(4)?.to_string(),
            account: r.text(5)?.to_string(),
            registered_at: show_time(r.text(6)?),
            deficit: dec(r.int(7)?, c),
            last_settlement: r
                .opt_int(8)?
                .map(|n| Id::new(Kind::Settlement, n).to_string()),
            unsettled: dec(r.int(9)?, c),
            currency: c,
        })
    })
}
