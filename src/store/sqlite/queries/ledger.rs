//! The ledger: balances and transactions.

use rusqlite::params;

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    /// Current account balances (from the projection), accounts in name order, zero ones kept.
    pub(super) fn ledger_balances(&self) -> Result<Vec<AccountBalance>> {
        let c = self.currency()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT account, balance_minor FROM ledger_balances ORDER BY account",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AccountBalance {
                account: r.get(0)?,
                balance: dec(r.get(1)?, c),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ledger transactions in log order, optionally only those touching an account (exact name,
    /// or a prefix ending in `:` such as `liabilities:wallets:`).
    pub(super) fn ledger_transactions(
        &self,
        account: Option<&str>,
        page: Page,
    ) -> Result<Vec<LedgerTransaction>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let (exact, prefix) = account_match(account);
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.seq, t.at, t.description FROM ledger_transactions t
             WHERE (?1 IS NULL AND ?2 IS NULL)
                OR EXISTS (SELECT 1 FROM ledger_postings p WHERE p.seq = t.seq
                           AND (p.account = ?1 OR p.account LIKE ?2))
             ORDER BY t.seq LIMIT ?3 OFFSET ?4",
        )?;
        let heads = stmt
            .query_map(params![exact, prefix, limit, offset], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut postings = self.conn.prepare_cached(
            "SELECT account, amount_minor FROM ledger_postings WHERE seq = ?1 ORDER BY idx",
        )?;
        heads
            .into_iter()
            .map(|(seq, at, description)| {
                let p = postings
                    .query_map([seq], |r| {
                        Ok(Posting {
                            account: r.get(0)?,
                            amount: dec(r.get(1)?, c),
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(LedgerTransaction {
                    seq,
                    at: show_time(&at),
                    description,
                    postings: p,
                })
            })
            .collect()
    }

    /// Ledger transactions touching an account (exact, or a prefix ending in `:`), or all.
    pub(super) fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64> {
        let (exact, prefix) = account_match(account);
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM ledger_transactions t
                 WHERE (?1 IS NULL AND ?2 IS NULL)
                    OR EXISTS (SELECT 1 FROM ledger_postings p WHERE p.seq = t.seq
                               AND (p.account = ?1 OR p.account LIKE ?2))",
            )?
            .query_row(params![exact, prefix], |r| r.get(0))?)
    }

    /// Every posting with its transaction, in log order.
    pub(super) fn scan_ledger(
        &self,
        f: &mut dyn FnMut(&LedgerLine<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT t.seq, t.at, t.description, p.account, p.amount_minor
             FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
             ORDER BY t.seq, p.idx",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str> {
                let v = r.get_ref(i)?;
                Ok(v.as_str().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
                })?)
            };
            f(&LedgerLine {
                seq: r.get(0)?,
                at: text(1)?,
                description: text(2)?,
                account: text(3)?,
                amount_minor: r.get(4)?,
            })?;
        }
        Ok(())
    }
}
