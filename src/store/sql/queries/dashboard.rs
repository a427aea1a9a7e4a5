//! The console's front page: totals computed in SQL, nothing loads a table.

use super::*;
use crate::ids::Kind;

pub(super) fn dashboard<C: SqlConn>(s: &SqlStore<C>, days: i64) -> Result<Dashboard> {
    let c = s.currency()?;
    let one = |sql: &str| s.scalar(sql, &[]);
    let mut d = Dashboard {
        members: one("SELECT COUNT(*) FROM members")?,
        active_members: one("SELECT COUNT(*) FROM members WHERE status = 'active'")?,
        merchants: one("SELECT COUNT(*) FROM merchants")?,
        float: dec(
            one("SELECT COALESCE(CAST(SUM(balance_minor) AS BIGINT), 0) FROM wallets")?,
            c,
        ),
        house: dec(
            one("SELECT balance_minor FROM ledger_balances WHERE account = 'assets:bank:house'")?,
            c,
        ),
        fees: dec(
            -one("SELECT balance_minor FROM ledger_balances WHERE account = 'income:fees'")?,
            c,
        ),
        events: one("SELECT COALESCE(MAX(seq), 0) FROM events")?,
        ..Dashboard::default()
    };
    d.unsettled = s.all(
        "SELECT m.id, m.code, CAST(SUM(p.captured_minor - p.refunded_minor) AS BIGINT)
         FROM payments p JOIN merchants m ON m.id = p.merchant
         WHERE p.settlement IS NULL AND p.status = 'captured'
         GROUP BY m.id, m.code ORDER BY 3 DESC LIMIT 20",
        &[],
        |r| {
            Ok((
                Id::new(Kind::Merchant, r.int(0)?).to_string(),
                r.text(1)?.to_string(),
                dec(r.int(2)?, c),
            ))
        },
    )?;
    // Volume by day of capture, from the ledger's capture postings (one index range scan).
    let mut daily = s.all(
        "SELECT day, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM (
             SELECT substr(t.at, 1, 10) AS day, -p.amount_minor AS amount
             FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
             WHERE t.seq > (SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions) - ?2
               AND p.account LIKE 'liabilities:merchants:%' AND p.amount_minor < 0) captures
         GROUP BY day ORDER BY day DESC LIMIT ?1",
        &[days.into(), (days * 5_000).into()],
        |r| Ok((r.text(0)?.to_string(), r.int(1)?, dec(r.int(2)?, c))),
    )?;
    daily.reverse();
    d.daily = daily;
    Ok(d)
}
