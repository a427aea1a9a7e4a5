//! The queries (`ports::Queries`) in SQL, one file per read model. Filters are composed from
//! fixed fragments with their values bound; every list takes a page.

mod banking;
mod dashboard;
mod events;
mod ledger;
mod members;
mod merchants;
mod payments;
mod settlements;
mod wallets;

use rust_decimal::Decimal;

use super::SqliteStore;
use crate::clock::{self, Timestamp};
use crate::error::{Error, Result};
use crate::event::EnvelopeRef;
use crate::ids::{Id, Kind};
use crate::money::Currency;
use crate::ports::{Queries, StoreState};
use crate::queries::{
    AccountBalance, Balance, Dashboard, EventCount, EventQuery, EventRow, FirmBanking, LedgerLine,
    LedgerTransaction, Link, Member, Merchant, Page, Payment, PaymentQuery, Posting, Refund,
    Settlement, SettlementLine, WalletEntry, show_time,
};

fn dec(minor: i64, c: Currency) -> Decimal {
    Decimal::new(minor, c.minor_units())
}

/// A payment list's filter, its references resolved to ids.
#[derive(Default)]
struct PaymentFilter {
    id: Option<i64>,
    member: Option<i64>,
    merchant: Option<i64>,
    status: Option<String>,
}

/// Optional filters composed into a WHERE clause from fixed fragments (never from input), with
/// their values bound: unlike `(?1 IS NULL OR col = ?1)`, SQLite can then use an index.
#[derive(Default)]
pub(super) struct Filters {
    sql: String,
    values: Vec<rusqlite::types::Value>,
}

impl Filters {
    fn clause(&mut self, fragment: &'static str, values: Vec<rusqlite::types::Value>) {
        self.sql.push_str(" AND ");
        self.sql.push_str(fragment);
        self.values.extend(values);
    }

    fn eq(&mut self, fragment: &'static str, value: Option<rusqlite::types::Value>) {
        if let Some(v) = value {
            self.clause(fragment, vec![v]);
        }
    }

    /// The bound values, then any trailing ones (LIMIT, OFFSET).
    fn params(&self, trailing: &[i64]) -> Vec<rusqlite::types::Value> {
        let mut v = self.values.clone();
        v.extend(trailing.iter().map(|n| rusqlite::types::Value::Integer(*n)));
        v
    }
}

/// An account filter as (exact name, LIKE pattern): `x:` matches every account under `x:`.
fn account_match(account: Option<&str>) -> (Option<&str>, Option<String>) {
    let prefix = account
        .filter(|a| a.ends_with(':'))
        .map(|a| format!("{a}%"));
    (account.filter(|a| !a.ends_with(':')), prefix)
}

/// The WHERE of a member list (and of its count): name or email containing `search`.
fn member_search(search: Option<&str>) -> Filters {
    let mut f = Filters::default();
    if let Some(s) = search {
        let pattern = format!(
            "%{}%",
            s.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let v = rusqlite::types::Value::Text(pattern);
        f.clause(
            "(lower(m.name) LIKE ? ESCAPE '\\' OR m.email_key LIKE ? ESCAPE '\\')",
            vec![v.clone(), v],
        );
    }
    f
}

/// The WHERE of a payment list (and of its count): a hold past its expiry counts as expired.
fn payment_where(f: &PaymentFilter, now: &rusqlite::types::Value) -> Filters {
    let mut w = Filters::default();
    w.eq("id = ?", int(f.id));
    w.eq("member = ?", int(f.member));
    w.eq("merchant = ?", int(f.merchant));
    match f.status.as_deref() {
        None => {}
        Some("settled") => w.clause("settlement IS NOT NULL", vec![]),
        Some("unsettled") => w.clause("settlement IS NULL AND status = 'captured'", vec![]),
        Some("expired") => w.clause(
            "(status = 'expired' OR (status = 'authorized' AND expires_at <= ?))",
            vec![now.clone()],
        ),
        Some("authorized") => w.clause(
            "status = 'authorized' AND expires_at > ?",
            vec![now.clone()],
        ),
        Some(other) => w.clause(
            "status = ?",
            vec![rusqlite::types::Value::Text(other.into())],
        ),
    }
    w
}

fn int(n: Option<i64>) -> Option<rusqlite::types::Value> {
    n.map(rusqlite::types::Value::Integer)
}

fn text(t: Option<&str>) -> Option<rusqlite::types::Value> {
    t.map(|s| rusqlite::types::Value::Text(s.to_string()))
}

fn event_row(e: &EnvelopeRef<'_>) -> Result<EventRow> {
    Ok(EventRow {
        payload: serde_json::from_str(e.payload)?,
        seq: e.seq,
        stream: e.stream.to_string(),
        version: e.version,
        kind: e.kind.to_string(),
        effective_at: show_time(e.effective_at),
        recorded_at: show_time(e.recorded_at),
        actor: e.actor.to_string(),
        idempotency_key: e.idempotency_key.map(str::to_string),
        hash: e.hash.to_string(),
    })
}

impl SqliteStore {
    /// The store's currency (a store with no settings yet has the default's).
    fn currency(&self) -> Result<Currency> {
        Ok(self
            .settings()?
            .map_or(crate::money::Currency::Krw, |s| s.currency))
    }

    /// Runs a `SELECT COUNT(*)` whose text ends in `f`'s fragments, with `f`'s values bound.
    pub(super) fn count(&self, sql: &str, f: &Filters) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_row(rusqlite::params_from_iter(f.params(&[])), |r| r.get(0))?)
    }
}

impl Queries for SqliteStore {
    fn member(&self, reference: &str, now: Timestamp) -> Result<Member> {
        SqliteStore::member(self, reference, now)
    }
    fn members(&self, search: Option<&str>, page: Page, now: Timestamp) -> Result<Vec<Member>> {
        SqliteStore::members(self, search, page, now)
    }
    fn count_members(&self, search: Option<&str>) -> Result<i64> {
        SqliteStore::count_members(self, search)
    }
    fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>> {
        SqliteStore::links(self, member, page)
    }
    fn count_links(&self, member: Option<&str>) -> Result<i64> {
        SqliteStore::count_links(self, member)
    }
    fn balance(&self, member: &str, now: Timestamp) -> Result<Balance> {
        SqliteStore::balance(self, member, now)
    }
    fn history(&self, member: &str, page: Page) -> Result<Vec<WalletEntry>> {
        SqliteStore::history(self, member, page)
    }
    fn count_history(&self, member: &str) -> Result<i64> {
        SqliteStore::count_history(self, member)
    }
    fn merchant(&self, reference: &str) -> Result<Merchant> {
        SqliteStore::merchant(self, reference)
    }
    fn merchants(&self, page: Page) -> Result<Vec<Merchant>> {
        SqliteStore::merchants(self, page)
    }
    fn count_merchants(&self) -> Result<i64> {
        SqliteStore::count_merchants(self)
    }
    fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment> {
        SqliteStore::payment(self, reference, now)
    }
    fn payments(&self, filter: &PaymentQuery, page: Page, now: Timestamp) -> Result<Vec<Payment>> {
        SqliteStore::payments(self, filter, page, now)
    }
    fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64> {
        SqliteStore::count_payments(self, filter, now)
    }
    fn settlement(&self, reference: &str) -> Result<Settlement> {
        SqliteStore::settlement(self, reference)
    }
    fn settlements(&self, merchant: Option<&str>, page: Page) -> Result<Vec<Settlement>> {
        SqliteStore::settlements(self, merchant, page)
    }
    fn count_settlements(&self, merchant: Option<&str>) -> Result<i64> {
        SqliteStore::count_settlements(self, merchant)
    }
    fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>> {
        SqliteStore::firm_banking(self, page)
    }
    fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking> {
        SqliteStore::firm_banking_request(self, reference)
    }
    fn count_firm_banking(&self) -> Result<i64> {
        SqliteStore::count_firm_banking(self)
    }
    fn ledger_balances(&self) -> Result<Vec<AccountBalance>> {
        SqliteStore::ledger_balances(self)
    }
    fn ledger_transactions(
        &self,
        account: Option<&str>,
        page: Page,
    ) -> Result<Vec<LedgerTransaction>> {
        SqliteStore::ledger_transactions(self, account, page)
    }
    fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64> {
        SqliteStore::count_ledger_transactions(self, account)
    }
    fn scan_ledger(&self, f: &mut dyn FnMut(&LedgerLine<'_>) -> Result<()>) -> Result<()> {
        SqliteStore::scan_ledger(self, f)
    }
    fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>> {
        SqliteStore::events(self, filter, limit)
    }
    fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        SqliteStore::events_newest(self, filter, before, limit)
    }
    fn count_events(&self, filter: &EventQuery) -> Result<EventCount> {
        SqliteStore::count_events(self, filter)
    }
    fn last_seq_at(&self, at: &str) -> Result<i64> {
        SqliteStore::last_seq_at(self, at)
    }
    fn dashboard(&self, days: i64) -> Result<Dashboard> {
        SqliteStore::dashboard(self, days)
    }
}
