//! The reads behind the CLI, the console and the server: typed and paged, amounts as exact
//! decimals of the store currency, times as RFC 3339. Members, merchants and payments are named
//! as users name them (an id, an email, a code, a ref); a name that matches nothing is
//! `not_found`. Nothing here loads a whole table: every list takes a page.

use crate::clock::Timestamp;
use crate::error::Result;
use crate::queries::{
    AccountBalance, Balance, Dashboard, EventCount, EventQuery, EventRow, FirmBanking, LedgerLine,
    LedgerTransaction, Link, Member, Merchant, Page, Payment, PaymentQuery, Settlement,
    WalletEntry,
};

pub trait Queries {
    // Members and their bank accounts.
    fn member(&self, reference: &str, now: Timestamp) -> Result<Member>;
    /// Members by id; `search` matches name or email (case-insensitive substring).
    fn members(&self, search: Option<&str>, page: Page, now: Timestamp) -> Result<Vec<Member>>;
    fn count_members(&self, search: Option<&str>) -> Result<i64>;
    /// Linked accounts of one member, or of all, by id.
    fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>>;
    fn count_links(&self, member: Option<&str>) -> Result<i64>;

    // Wallets.
    /// Balance and available as of `now` (a hold past its expiry counts as released).
    fn balance(&self, member: &str, now: Timestamp) -> Result<Balance>;
    /// A member's statement, newest first.
    fn history(&self, member: &str, page: Page) -> Result<Vec<WalletEntry>>;
    fn count_history(&self, member: &str) -> Result<i64>;

    // Merchants.
    fn merchant(&self, reference: &str) -> Result<Merchant>;
    fn merchants(&self, page: Page) -> Result<Vec<Merchant>>;
    fn count_merchants(&self) -> Result<i64>;

    // Payments.
    fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment>;
    /// Payments newest first, filtered; a lapsed hold shows as expired as of `now`.
    fn payments(&self, filter: &PaymentQuery, page: Page, now: Timestamp) -> Result<Vec<Payment>>;
    fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64>;

    // Settlements and firm banking.
    fn settlement(&self, reference: &str) -> Result<Settlement>;
    fn settlements(&self, merchant: Option<&str>, page: Page) -> Result<Vec<Settlement>>;
    fn count_settlements(&self, merchant: Option<&str>) -> Result<i64>;
    fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>>;
    fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking>;
    fn count_firm_banking(&self) -> Result<i64>;

    // The ledger.
    /// Every account's balance, in name order (zero ones kept).
    fn ledger_balances(&self) -> Result<Vec<AccountBalance>>;
    /// Transactions in log order, optionally only those touching an account (exact, or a
    /// prefix ending in `:`).
    fn ledger_transactions(
        &self,
        account: Option<&str>,
        page: Page,
    ) -> Result<Vec<LedgerTransaction>>;
    fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64>;
    /// Every posting with its transaction, in log order (the exports stream these).
    fn scan_ledger(&self, f: &mut dyn FnMut(&LedgerLine<'_>) -> Result<()>) -> Result<()>;

    // The log.
    /// Events after `filter.after` in log order, filtered by stream and kind.
    fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>>;
    /// Events newest first, before `before` (exclusive).
    fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>>;
    fn count_events(&self, filter: &EventQuery) -> Result<EventCount>;
    /// The seq of the last event effective at or before `at` (storage form); 0 when none.
    fn last_seq_at(&self, at: &str) -> Result<i64>;

    /// Platform totals for the console's front page, over the last `days` days with volume.
    fn dashboard(&self, days: i64) -> Result<Dashboard>;
}
