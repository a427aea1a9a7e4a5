//! The queries (`ports::Queries`) in shared SQL, one file per read model. Filters are composed
//! from fixed fragments with their values bound; every list takes a page.

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

use super::{Filters, Owned, SqlConn, SqlStore, int};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::event::EnvelopeRef;
use crate::ids::Id;
use crate::money::Currency;
use crate::ports::{Queries, StoreState};
use crate::queries::{
    AccountBalance, Balance, Dashboard, EventCount, EventQuery, EventRow, FirmBanking, LedgerLine,
    LedgerTransaction, Link, Member, Merchant, Page, Payment, PaymentQuery, Settlement,
    WalletEntry, show_time,
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
        f.clause(
            "(lower(m.name) LIKE ? ESCAPE '\\' OR m.email_key LIKE ? ESCAPE '\\')",
            vec![Owned::Text(pattern.clone()), Owned::Text(pattern)],
        );
    }
    f
}

/// The WHERE of a payment list (and of its count): a hold past its expiry counts as expired.
fn payment_where(f: &PaymentFilter, now: &str) -> Filters {
    let mut w = Filters::default();
    w.eq("id = ?", int(f.id));
    w.eq("member = ?", int(f.member));
    w.eq("merchant = ?", int(f.merchant));
    let now = Owned::Text(now.to_string());
    match f.status.as_deref() {
        None => {}
        Some("settled") => w.clause("settlement IS NOT NULL", vec![]),
        Some("unsettled") => w.clause("settlement IS NULL AND status = 'captured'", vec![]),
        Some("expired") => w.clause(
            "(status = 'expired' OR (status = 'authorized' AND expires_at <= ?))",
            vec![now],
        ),
        Some("authorized") => w.clause("status = 'authorized' AND expires_at > ?", vec![now]),
        Some(other) => w.clause("status = ?", vec![Owned::Text(other.into())]),
    }
    w
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

impl<C: SqlConn> SqlStore<C> {
    /// The store's currency (a store with no settings yet has the default's).
    fn currency(&self) -> Result<Currency> {
        Ok(self.settings()?.map_or(Currency::Krw, |s| s.currency))
    }

    /// Runs a `SELECT COUNT(*)` whose text ends in `f`'s fragments, with `f`'s values bound.
    fn count(&self, sql: &str, f: &Filters) -> Result<i64> {
        self.scalar(sql, &f.params(&[], &[]))
    }

    /// A member named as users name members, that exists.
    fn require_member_id(&self, reference: &str) -> Result<Id> {
        match self.member_id(reference)? {
            Some(id) if self.exists("SELECT 1 FROM members WHERE id = ?1", &[id.n.into()])? => {
                Ok(id)
            }
            _ => Err(Error::not_found("member", reference)),
        }
    }
}

impl<C: SqlConn> Queries for SqlStore<C> {
    fn member(&self, reference: &str, now: Timestamp) -> Result<Member> {
        members::one(self, reference, now)
    }
    fn members(&self, search: Option<&str>, page: Page, now: Timestamp) -> Result<Vec<Member>> {
        members::list(self, &member_search(search), page, now)
    }
    fn count_members(&self, search: Option<&str>) -> Result<i64> {
        members::count(self, search)
    }
    fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>> {
        members::links(self, member, page)
    }
    fn count_links(&self, member: Option<&str>) -> Result<i64> {
        members::count_links(self, member)
    }
    fn balance(&self, member: &str, now: Timestamp) -> Result<Balance> {
        wallets::balance(self, member, now)
    }
    fn history(&self, member: &str, page: Page) -> Result<Vec<WalletEntry>> {
        wallets::history(self, member, page)
    }
    fn count_history(&self, member: &str) -> Result<i64> {
        wallets::count_history(self, member)
    }
    fn merchant(&self, reference: &str) -> Result<Merchant> {
        merchants::one(self, reference)
    }
    fn merchants(&self, page: Page) -> Result<Vec<Merchant>> {
        merchants::list(self, None, page)
    }
    fn count_merchants(&self) -> Result<i64> {
        self.scalar("SELECT COUNT(*) FROM merchants", &[])
    }
    fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment> {
        payments::one(self, reference, now)
    }
    fn payments(&self, filter: &PaymentQuery, page: Page, now: Timestamp) -> Result<Vec<Payment>> {
        payments::list(self, filter, page, now)
    }
    fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64> {
        payments::count(self, filter, now)
    }
    fn settlement(&self, reference: &str) -> Result<Settlement> {
        settlements::one(self, reference)
    }
    fn settlements(&self, merchant: Option<&str>, page: Page) -> Result<Vec<Settlement>> {
        settlements::list(self, merchant, page)
    }
    fn count_settlements(&self, merchant: Option<&str>) -> Result<i64> {
        settlements::count(self, merchant)
    }
    fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>> {
        banking::list(self, None, page)
    }
    fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking> {
        banking::one(self, reference)
    }
    fn count_firm_banking(&self) -> Result<i64> {
        self.scalar("SELECT COUNT(*) FROM firm_banking", &[])
    }
    fn ledger_balances(&self) -> Result<Vec<AccountBalance>> {
        ledger::balances(self)
    }
    fn ledger_transactions(
        &self,
        account: Option<&str>,
        page: Page,
    ) -> Result<Vec<LedgerTransaction>> {
        ledger::transactions(self, account, page)
    }
    fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64> {
        ledger::count_transactions(self, account)
    }
    fn scan_ledger(&self, f: &mut dyn FnMut(&LedgerLine<'_>) -> Result<()>) -> Result<()> {
        ledger::scan(self, f)
    }
    fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>> {
        events::list(self, filter, limit)
    }
    fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        events::newest(self, filter, before, limit)
    }
    fn count_events(&self, filter: &EventQuery) -> Result<EventCount> {
        events::count(self, filter)
    }
    fn last_seq_at(&self, at: &str) -> Result<i64> {
        // Effective times never go backwards in log order after the store's creation.
        self.scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq = 1 OR effective_at <= ?1",
            &[at.into()],
        )
    }
    fn dashboard(&self, days: i64) -> Result<Dashboard> {
        dashboard::dashboard(self, days)
    }
}
