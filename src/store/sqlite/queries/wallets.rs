//! Wallets: balances and statements.

use rusqlite::params;

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    /// Active holds as of `now` (a hold past its expiry counts as released, SPEC §3).
    pub(super) fn active_holds_minor(&self, member: Id, now: Timestamp) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM payments
                 WHERE member = ?1 AND status = 'authorized' AND expires_at > ?2",
            )?
            .query_row(params![member.n, clock::to_storage(now)], |r| r.get(0))?)
    }

    pub(super) fn balance(&self, reference: &str, now: Timestamp) -> Result<Balance> {
        let id = self.require_member_id(reference)?;
        let c = self.currency()?;
        let balance: i64 = self
            .conn
            .prepare_cached("SELECT balance_minor FROM wallets WHERE member = ?1")?
            .query_row([id.n], |r| r.get(0))?;
        let held = self.active_holds_minor(id, now)?;
        Ok(Balance {
            member: id.to_string(),
            balance: dec(balance, c),
            available: dec(balance - held, c),
            currency: c,
        })
    }

    /// A member's statement, newest first.
    pub(super) fn history(&self, reference: &str, page: Page) -> Result<Vec<WalletEntry>> {
        let id = self.require_member_id(reference)?;
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, kind, reference, counterparty, amount_minor, held_minor,
                    balance_after_minor, status
             FROM wallet_entries WHERE member = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(params![id.n, limit, offset], |r| {
            Ok(WalletEntry {
                seq: r.get(0)?,
                at: show_time(&r.get::<_, String>(1)?),
                kind: r.get(2)?,
                reference: r.get(3)?,
                counterparty: r.get(4)?,
                amount: dec(r.get(5)?, c),
                held: dec(r.get(6)?, c),
                balance: dec(r.get(7)?, c),
                status: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Lines of a member's statement.
    pub(super) fn count_history(&self, reference: &str) -> Result<i64> {
        let id = self.require_member_id(reference)?;
        let mut f = Filters::default();
        f.eq("member = ?", int(Some(id.n)));
        let sql = format!("SELECT COUNT(*) FROM wallet_entries WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }
}
