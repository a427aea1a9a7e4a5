//! The console's front page: totals computed in SQL, nothing loads a table.

use rusqlite::params;

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    /// Aggregates for the dashboard: all computed in SQL, nothing loads a table.
    pub(super) fn dashboard(&self, days: i64) -> Result<Dashboard> {
        let c = self.currency()?;
        let one = |sql: &str| -> Result<i64> {
            Ok(self.conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
        };
        let mut d = Dashboard {
            members: one("SELECT COUNT(*) FROM members")?,
            active_members: one("SELECT COUNT(*) FROM members WHERE status = 'active'")?,
            merchants: one("SELECT COUNT(*) FROM merchants")?,
            float: dec(
                one("SELECT COALESCE(SUM(balance_minor), 0) FROM wallets")?,
                c,
            ),
            house: dec(
                one(
                    "SELECT COALESCE(SUM(balance_minor), 0) FROM ledger_balances WHERE account = 'assets:bank:house'",
                )?,
                c,
            ),
            fees: dec(
                -one(
                    "SELECT COALESCE(SUM(balance_minor), 0) FROM ledger_balances WHERE account = 'income:fees'",
                )?,
                c,
            ),
            events: one("SELECT COALESCE(MAX(seq), 0) FROM events")?,
            ..Dashboard::default()
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.id, m.code, SUM(p.captured_minor - p.refunded_minor) FROM payments p
             JOIN merchants m ON m.id = p.merchant
             WHERE p.settlement IS NULL AND p.status = 'captured'
             GROUP BY m.id ORDER BY 3 DESC LIMIT 20",
        )?;
        d.unsettled = stmt
            .query_map([], |r| {
                Ok((
                    Id::new(Kind::Merchant, r.get(0)?).to_string(),
                    r.get::<_, String>(1)?,
                    dec(r.get(2)?, c),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Volume by day of capture, from the ledger's capture postings (one index range scan).
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, COUNT(*), SUM(amount) FROM (
                 SELECT substr(t.at, 1, 10) AS day, -p.amount_minor AS amount
                 FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
                 WHERE t.seq > (SELECT COALESCE(MAX(seq), 0) FROM ledger_transactions) - ?2
                   AND p.account LIKE 'liabilities:merchants:%' AND p.amount_minor < 0)
             GROUP BY day ORDER BY day DESC LIMIT ?1",
        )?;
        let mut daily: Vec<(String, i64, Decimal)> = stmt
            .query_map(params![days, days * 5_000], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, dec(r.get(2)?, c)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        daily.reverse();
        d.daily = daily;
        Ok(d)
    }
}
