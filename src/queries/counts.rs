//! How many rows each paged list holds, for the `total` beside a page: one SQL aggregate per
//! list, with the same filters (bound) as the list it counts; nothing loads a table.

use rusqlite::params;

use super::{
    EventQuery, Filters, PaymentQuery, account_match, int, member_search, payment_where, text,
};
use crate::clock::{self, Timestamp};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::state::merchant_id;

/// The events a filter matches, and how many of them come at or before its `after` seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCount {
    pub total: i64,
    pub skipped: i64,
}

impl Engine {
    /// Runs a `SELECT COUNT(*)` whose text ends in `f`'s fragments, with `f`'s values bound.
    fn count(&self, sql: &str, f: &Filters) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(rusqlite::params_from_iter(f.params(&[])), |r| r.get(0))?)
    }

    /// Members `members` lists for this search.
    pub fn count_members(&self, search: Option<&str>) -> Result<i64> {
        let f = member_search(search);
        let sql = format!("SELECT COUNT(*) FROM members m WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }

    /// Linked accounts `links` lists, of one member or of all.
    pub fn count_links(&self, member: Option<&str>) -> Result<i64> {
        let member = member.map(|m| self.require_member_id(m)).transpose()?;
        let mut f = Filters::default();
        f.eq("member = ?", int(member.map(|m| m.n)));
        let sql = format!("SELECT COUNT(*) FROM bank_links WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }

    /// Lines of a member's statement.
    pub fn count_history(&self, reference: &str) -> Result<i64> {
        let id = self.require_member_id(reference)?;
        let mut f = Filters::default();
        f.eq("member = ?", int(Some(id.n)));
        let sql = format!("SELECT COUNT(*) FROM wallet_entries WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }

    pub fn count_merchants(&self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM merchants", &Filters::default())
    }

    /// Payments `payments` lists for this filter as of `now` (a lapsed hold counts as expired).
    pub fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64> {
        let f = self.payment_filter(filter)?;
        let now = rusqlite::types::Value::Text(clock::to_storage(now));
        let w = payment_where(&f, &now);
        let sql = format!("SELECT COUNT(*) FROM payments WHERE 1 = 1{}", w.sql);
        self.count(&sql, &w)
    }

    /// Settlements, of one merchant or of all.
    pub fn count_settlements(&self, merchant: Option<&str>) -> Result<i64> {
        let merchant = match merchant {
            Some(m) => Some(
                merchant_id(&self.conn, m)?
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

    pub fn count_firm_banking(&self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM firm_banking", &Filters::default())
    }

    /// Ledger transactions touching an account (exact, or a prefix ending in `:`), or all.
    pub fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64> {
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

    /// Events of the filter's stream and kind: all of them, and those up to its `after` seq.
    pub fn count_events(&self, filter: &EventQuery) -> Result<EventCount> {
        let mut f = Filters::default();
        f.eq("stream = ?", text(filter.stream.as_deref()));
        f.eq("kind = ?", text(filter.kind.as_deref()));
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(seq <= ?), 0) FROM events WHERE 1 = 1{}",
            f.sql
        );
        let mut values = vec![rusqlite::types::Value::Integer(filter.after.unwrap_or(0))];
        values.extend(f.params(&[]));
        let (total, skipped) = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(values), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(EventCount { total, skipped })
    }
}
