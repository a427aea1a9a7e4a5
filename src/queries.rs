//! Typed, paged read queries for the CLI and the console. Amounts come out as exact decimals of
//! the store currency; times as RFC 3339 UTC. Nothing here loads a whole table: lists take a limit.

use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::clock::{self, Timestamp};
use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Envelope, Event};
use crate::ids::{Id, Kind};
use crate::money::Currency;
use crate::projections::Settings;
use crate::state::{member_id, merchant_id, payment_id};
use crate::store;

mod counts;
pub use counts::EventCount;

/// Upper bound on any list a query returns in one page.
pub const MAX_PAGE: i64 = 10_000;

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 100,
            offset: 0,
        }
    }
}

impl Page {
    fn bounded(self) -> (i64, i64) {
        (self.limit.clamp(0, MAX_PAGE), self.offset.max(0))
    }
}

fn dec(minor: i64, c: Currency) -> Decimal {
    Decimal::new(minor, c.minor_units())
}

fn show_time(stored: &str) -> String {
    clock::from_storage(stored)
        .map(clock::to_display)
        .unwrap_or_else(|| stored.to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    pub address: Option<String>,
    pub corporate: bool,
    pub status: String,
    pub registered_at: String,
    pub balance: Decimal,
    pub available: Decimal,
    pub currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub id: String,
    pub member: String,
    pub bank: String,
    pub account: String,
    pub primary: bool,
    pub status: String,
    pub linked_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Balance {
    pub member: String,
    pub balance: Decimal,
    pub available: Decimal,
    pub currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
pub struct WalletEntry {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub reference: String,
    pub counterparty: Option<String>,
    pub amount: Decimal,
    pub held: Decimal,
    pub balance: Decimal,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    pub code: String,
    pub fee_rate: String,
    pub bank: String,
    pub account: String,
    pub registered_at: String,
    pub unsettled: Decimal,
    pub deficit: Decimal,
    pub last_settlement: Option<String>,
    pub currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refund {
    pub id: String,
    pub amount: Decimal,
    pub after_settlement: bool,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub id: String,
    pub member: String,
    pub merchant: String,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub amount: Decimal,
    pub captured: Decimal,
    pub refunded: Decimal,
    pub fee_rate: String,
    pub status: String,
    pub hold: bool,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub captured_at: Option<String>,
    pub settlement: Option<String>,
    pub currency: Currency,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Refund>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SettlementLine {
    pub payment: String,
    pub captured: Decimal,
    pub refunded: Decimal,
    pub net: Decimal,
    pub fee: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settlement {
    pub id: String,
    pub merchant: String,
    pub cutoff: String,
    pub gross: Decimal,
    pub refunds: Decimal,
    pub fee: Decimal,
    pub deficit: Decimal,
    pub payout: Decimal,
    pub carried: Decimal,
    pub status: String,
    pub firm_banking: Option<String>,
    pub reason: Option<String>,
    pub at: String,
    pub currency: Currency,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<SettlementLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountBalance {
    pub account: String,
    pub balance: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct Posting {
    pub account: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize)]
pub struct LedgerTransaction {
    pub seq: i64,
    pub at: String,
    pub description: String,
    pub postings: Vec<Posting>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub seq: i64,
    pub stream: String,
    pub version: i64,
    pub kind: String,
    pub effective_at: String,
    pub recorded_at: String,
    pub actor: String,
    pub idempotency_key: Option<String>,
    pub hash: String,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirmBanking {
    pub id: String,
    pub from: String,
    pub to: String,
    pub amount: Decimal,
    pub purpose: String,
    pub status: String,
    pub reason: Option<String>,
    pub requested_at: String,
}

/// A point in the log for `--as-of`: a sequence number or an effective time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Seq(i64),
    Time(Timestamp),
}

impl AsOf {
    /// `1234` is a seq; anything else must be a time (`2026-03-03T00:00:00Z`, `2026-03-03`).
    pub fn parse(text: &str) -> Option<AsOf> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(AsOf::Seq);
        }
        clock::parse(text).map(AsOf::Time)
    }

    /// Whether the state as of this point includes `env`. The store's initialization (event 1)
    /// is outside business time: its settings hold from the first event on, whatever its time.
    fn includes(&self, env: &Envelope) -> bool {
        match self {
            AsOf::Seq(s) => env.seq <= *s,
            AsOf::Time(_) if env.seq == 1 => true,
            AsOf::Time(t) => env.effective_at.as_str() <= clock::to_storage(*t).as_str(),
        }
    }
}

/// Optional filters composed into a WHERE clause from fixed fragments (never from input), with
/// their values bound: unlike `(?1 IS NULL OR col = ?1)`, SQLite can then use an index.
#[derive(Default)]
struct Filters {
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

impl Engine {
    fn currency(&self) -> Result<Currency> {
        Ok(self.settings_or_default()?.currency)
    }

    fn require_member_id(&self, reference: &str) -> Result<Id> {
        let id = member_id(&self.conn, reference)?;
        match id {
            Some(id)
                if self
                    .conn
                    .prepare_cached("SELECT 1 FROM members WHERE id = ?1")?
                    .exists([id.n])? =>
            {
                Ok(id)
            }
            _ => Err(Error::not_found("member", reference)),
        }
    }

    /// Active holds as of `now` (a hold past its expiry counts as released, SPEC §3).
    fn active_holds_minor(&self, member: Id, now: Timestamp) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM payments
                 WHERE member = ?1 AND status = 'authorized' AND expires_at > ?2",
            )?
            .query_row(params![member.n, clock::to_storage(now)], |r| r.get(0))?)
    }

    pub fn balance(&self, reference: &str, now: Timestamp) -> Result<Balance> {
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

    /// The balance as of a past point, folded from the log (not from the projections).
    pub fn balance_as_of(&self, reference: &str, as_of: AsOf) -> Result<Balance> {
        let id = self.require_member_id(reference)?;
        let c = self.currency()?;
        let account = crate::ledger::wallet_account(&id);
        let mut balance = 0_i64;
        let mut holds: std::collections::BTreeMap<Id, (i64, Timestamp)> = Default::default();
        let mut last_at = None;
        self.fold_log(|env, event| {
            if !as_of.includes(env) {
                return Ok(false);
            }
            last_at = Some(env.effective_at.clone());
            if let Some(tx) = crate::ledger::transaction(event, c) {
                for (acct, amount) in &tx.postings {
                    if *acct == account {
                        balance -= amount;
                    }
                }
            }
            match event {
                Event::PaymentAuthorized {
                    payment,
                    member,
                    amount,
                    expires_at,
                    ..
                } if *member == id => {
                    holds.insert(*payment, (amount.to_minor(c), *expires_at));
                }
                Event::HoldCaptured { payment, .. }
                | Event::HoldVoided { payment, .. }
                | Event::HoldExpired { payment, .. } => {
                    holds.remove(payment);
                }
                _ => {}
            }
            Ok(true)
        })?;
        let at = match as_of {
            AsOf::Time(t) => Some(t),
            AsOf::Seq(_) => last_at.as_deref().and_then(clock::from_storage),
        };
        let held: i64 = holds
            .values()
            .filter(|(_, expires)| at.is_none_or(|t| *expires > t))
            .map(|(a, _)| a)
            .sum();
        Ok(Balance {
            member: id.to_string(),
            balance: dec(balance, c),
            available: dec(balance - held, c),
            currency: c,
        })
    }

    /// Streams the log in order through `f` until it returns `false`.
    pub fn fold_log(&self, mut f: impl FnMut(&Envelope, &Event) -> Result<bool>) -> Result<()> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM events ORDER BY seq",
            store::ENVELOPE_COLUMNS
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let env = store::envelope_from_row(row)?;
            let event = store::decode(&env)?;
            if !f(&env, &event)? {
                break;
            }
        }
        Ok(())
    }

    pub fn member(&self, reference: &str, now: Timestamp) -> Result<Member> {
        let id = self.require_member_id(reference)?;
        let mut f = Filters::default();
        f.eq("m.id = ?", int(Some(id.n)));
        let mut list = self.members_where(
            &f,
            Page {
                limit: 1,
                offset: 0,
            },
            now,
        )?;
        list.pop()
            .ok_or_else(|| Error::not_found("member", reference))
    }

    /// Members by id; `search` matches name or email (case-insensitive substring).
    pub fn members(&self, search: Option<&str>, page: Page, now: Timestamp) -> Result<Vec<Member>> {
        self.members_where(&member_search(search), page, now)
    }

    fn members_where(&self, f: &Filters, page: Page, now: Timestamp) -> Result<Vec<Member>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        // Holds past their expiry count as released (SPEC §3, reads show "now").
        let sql = format!(
            "SELECT m.id, m.name, m.email, m.address, m.corporate, m.status, m.registered_at,
                    w.balance_minor,
                    (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p
                     WHERE p.member = m.id AND p.status = 'authorized' AND p.expires_at > ?)
             FROM members m JOIN wallets w ON w.member = m.id
             WHERE 1 = 1{} ORDER BY m.id LIMIT ? OFFSET ?",
            f.sql
        );
        let mut values = vec![rusqlite::types::Value::Text(clock::to_storage(now))];
        values.extend(f.params(&[limit, offset]));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((
                    (
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, bool>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, i64>(7)?,
                    ),
                    r.get::<_, i64>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(
                |((n, name, email, address, corporate, status, at, balance), held)| {
                    let id = Id::new(Kind::Member, n);
                    Ok(Member {
                        id: id.to_string(),
                        name,
                        email,
                        address,
                        corporate,
                        status,
                        registered_at: show_time(&at),
                        balance: dec(balance, c),
                        available: dec(balance - held, c),
                        currency: c,
                    })
                },
            )
            .collect()
    }

    /// Linked accounts (active and unlinked), of one member or of all, by id.
    pub fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>> {
        let (limit, offset) = page.bounded();
        let member = member.map(|m| self.require_member_id(m)).transpose()?;
        let mut f = Filters::default();
        f.eq("member = ?", int(member.map(|m| m.n)));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, member, bank, account, is_primary, status, linked_at FROM bank_links
             WHERE 1 = 1{} ORDER BY id LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                Ok(Link {
                    id: Id::new(Kind::Link, r.get(0)?).to_string(),
                    member: Id::new(Kind::Member, r.get(1)?).to_string(),
                    bank: r.get(2)?,
                    account: r.get(3)?,
                    primary: r.get(4)?,
                    status: r.get(5)?,
                    linked_at: show_time(&r.get::<_, String>(6)?),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A member's statement, newest first.
    pub fn history(&self, reference: &str, page: Page) -> Result<Vec<WalletEntry>> {
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

    pub fn merchant(&self, reference: &str) -> Result<Merchant> {
        let id = merchant_id(&self.conn, reference)?
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

    pub fn merchants(&self, page: Page) -> Result<Vec<Merchant>> {
        self.merchants_where(None, page)
    }

    fn merchants_where(&self, id: Option<i64>, page: Page) -> Result<Vec<Merchant>> {
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

    pub fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment> {
        let id = payment_id(&self.conn, reference)?
            .ok_or_else(|| Error::not_found("payment", reference))?;
        let mut p = self
            .payments_where(
                PaymentFilter {
                    id: Some(id.n),
                    ..Default::default()
                },
                Page::default(),
                now,
            )?
            .pop()
            .ok_or_else(|| Error::not_found("payment", reference))?;
        let c = self.currency()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, amount_minor, after_settlement, at FROM refunds WHERE payment = ?1 ORDER BY id",
        )?;
        p.refunds = stmt
            .query_map([id.n], |r| {
                Ok(Refund {
                    id: Id::new(Kind::Refund, r.get(0)?).to_string(),
                    amount: dec(r.get(1)?, c),
                    after_settlement: r.get(2)?,
                    at: show_time(&r.get::<_, String>(3)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(p)
    }

    pub fn payments(
        &self,
        filter: &PaymentQuery,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Payment>> {
        self.payments_where(self.payment_filter(filter)?, page, now)
    }

    /// A list's filter with its member and merchant resolved and its status checked.
    fn payment_filter(&self, filter: &PaymentQuery) -> Result<PaymentFilter> {
        let member = filter
            .member
            .as_deref()
            .map(|m| self.require_member_id(m))
            .transpose()?;
        let merchant = match filter.merchant.as_deref() {
            Some(m) => {
                Some(merchant_id(&self.conn, m)?.ok_or_else(|| Error::not_found("merchant", m))?)
            }
            None => None,
        };
        let status = match filter.status.as_deref() {
            None => None,
            Some(s)
                if [
                    "authorized",
                    "captured",
                    "voided",
                    "expired",
                    "settled",
                    "unsettled",
                ]
                .contains(&s) =>
            {
                Some(s.to_string())
            }
            Some(s) => {
                return Err(Error::invalid(
                    "status",
                    s,
                    "use authorized, captured, voided, expired, settled or unsettled",
                ));
            }
        };
        Ok(PaymentFilter {
            id: None,
            member: member.map(|m| m.n),
            merchant: merchant.map(|m| m.n),
            status,
        })
    }

    fn payments_where(&self, f: PaymentFilter, page: Page, now: Timestamp) -> Result<Vec<Payment>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let now_value = rusqlite::types::Value::Text(clock::to_storage(now));
        let w = payment_where(&f, &now_value);
        // A hold past its expiry shows as expired even before a command records the release.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, member, merchant, reference, amount_minor, captured_minor, refunded_minor,
                    fee_rate,
                    CASE WHEN status = 'authorized' AND expires_at <= ? THEN 'expired' ELSE status END,
                    held, created_at, expires_at, captured_at, settlement
             FROM payments WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            w.sql
        ))?;
        let mut values = vec![now_value];
        values.extend(w.params(&[limit, offset]));
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            Ok(Payment {
                id: Id::new(Kind::Payment, r.get(0)?).to_string(),
                member: Id::new(Kind::Member, r.get(1)?).to_string(),
                merchant: Id::new(Kind::Merchant, r.get(2)?).to_string(),
                reference: r.get(3)?,
                amount: dec(r.get(4)?, c),
                captured: dec(r.get(5)?, c),
                refunded: dec(r.get(6)?, c),
                fee_rate: r.get(7)?,
                status: r.get(8)?,
                hold: r.get(9)?,
                created_at: show_time(&r.get::<_, String>(10)?),
                expires_at: r.get::<_, Option<String>>(11)?.map(|t| show_time(&t)),
                captured_at: r.get::<_, Option<String>>(12)?.map(|t| show_time(&t)),
                settlement: r
                    .get::<_, Option<i64>>(13)?
                    .map(|n| Id::new(Kind::Settlement, n).to_string()),
                currency: c,
                refunds: Vec::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn settlement(&self, reference: &str) -> Result<Settlement> {
        let id = Id::parse_kind(reference, Kind::Settlement)
            .ok_or_else(|| Error::not_found("settlement", reference))?;
        let mut s = self
            .settlements_where(Some(id.n), None, Page::default())?
            .pop()
            .ok_or_else(|| Error::not_found("settlement", reference))?;
        let c = self.currency()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT payment, captured_minor, refunded_minor, fee_minor FROM settlement_payments
             WHERE settlement = ?1 ORDER BY payment",
        )?;
        s.payments = stmt
            .query_map([id.n], |r| {
                let captured: i64 = r.get(1)?;
                let refunded: i64 = r.get(2)?;
                Ok(SettlementLine {
                    payment: Id::new(Kind::Payment, r.get(0)?).to_string(),
                    captured: dec(captured, c),
                    refunded: dec(refunded, c),
                    net: dec(captured - refunded, c),
                    fee: dec(r.get(3)?, c),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(s)
    }

    pub fn settlements(&self, merchant: Option<&str>, page: Page) -> Result<Vec<Settlement>> {
        let merchant = match merchant {
            Some(m) => Some(
                merchant_id(&self.conn, m)?
                    .ok_or_else(|| Error::not_found("merchant", m))?
                    .n,
            ),
            None => None,
        };
        self.settlements_where(None, merchant, page)
    }

    fn settlements_where(
        &self,
        id: Option<i64>,
        merchant: Option<i64>,
        page: Page,
    ) -> Result<Vec<Settlement>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut f = Filters::default();
        f.eq("id = ?", int(id));
        f.eq("merchant = ?", int(merchant));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, merchant, cutoff, gross_minor, refunds_minor, fee_minor, deficit_minor,
                    payout_minor, status, firm_banking, reason, at
             FROM settlements WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                let payout: i64 = r.get(7)?;
                Ok(Settlement {
                    id: Id::new(Kind::Settlement, r.get(0)?).to_string(),
                    merchant: Id::new(Kind::Merchant, r.get(1)?).to_string(),
                    cutoff: show_time(&r.get::<_, String>(2)?),
                    gross: dec(r.get(3)?, c),
                    refunds: dec(r.get(4)?, c),
                    fee: dec(r.get(5)?, c),
                    deficit: dec(r.get(6)?, c),
                    payout: dec(payout.max(0), c),
                    carried: dec((-payout).max(0), c),
                    status: r.get(8)?,
                    firm_banking: r
                        .get::<_, Option<i64>>(9)?
                        .map(|n| Id::new(Kind::FirmBanking, n).to_string()),
                    reason: r.get(10)?,
                    at: show_time(&r.get::<_, String>(11)?),
                    currency: c,
                    payments: Vec::new(),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Firm-banking requests, newest first.
    pub fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>> {
        self.firm_banking_where(None, page)
    }

    /// What happened to one firm-banking request (`fb_N`): the gateway's answer, as recorded.
    pub fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking> {
        let id = Id::parse_kind(reference, Kind::FirmBanking)
            .ok_or_else(|| Error::not_found("firm-banking request", reference))?;
        self.firm_banking_where(Some(id.n), Page::default())?
            .pop()
            .ok_or_else(|| Error::not_found("firm-banking request", reference))
    }

    fn firm_banking_where(&self, id: Option<i64>, page: Page) -> Result<Vec<FirmBanking>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut f = Filters::default();
        f.eq("id = ?", int(id));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, from_bank, from_account, to_bank, to_account, amount_minor, purpose, status,
                    reason, requested_at
             FROM firm_banking WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                Ok(FirmBanking {
                    id: Id::new(Kind::FirmBanking, r.get(0)?).to_string(),
                    from: format!("{} {}", r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                    to: format!("{} {}", r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                    amount: dec(r.get(5)?, c),
                    purpose: r.get(6)?,
                    status: r.get(7)?,
                    reason: r.get(8)?,
                    requested_at: show_time(&r.get::<_, String>(9)?),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Current account balances (from the projection), accounts in name order, zero ones kept.
    pub fn ledger_balances(&self) -> Result<Vec<AccountBalance>> {
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

    /// Balances as of a point in the log, folded from the events themselves.
    pub fn ledger_balances_as_of(&self, as_of: AsOf) -> Result<Vec<AccountBalance>> {
        let c = self.currency()?;
        let mut sums: std::collections::BTreeMap<String, i64> = Default::default();
        self.fold_log(|env, event| {
            if !as_of.includes(env) {
                return Ok(false);
            }
            if let Some(tx) = crate::ledger::transaction(event, c) {
                for (account, amount) in tx.postings {
                    let slot = sums.entry(account).or_default();
                    *slot = slot
                        .checked_add(amount)
                        .ok_or_else(|| Error::internal("ledger balance overflow"))?;
                }
            }
            Ok(true)
        })?;
        Ok(sums
            .into_iter()
            .map(|(account, minor)| AccountBalance {
                account,
                balance: dec(minor, c),
            })
            .collect())
    }

    /// Ledger transactions in log order, optionally only those touching an account (exact name,
    /// or a prefix ending in `:` such as `liabilities:wallets:`).
    pub fn ledger_transactions(
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

    /// Events in log order, filtered by stream and kind, after a seq.
    pub fn events(&self, filter: &EventQuery, limit: i64) -> Result<Vec<EventRow>> {
        let mut f = Filters::default();
        f.clause(
            "seq > ?",
            vec![rusqlite::types::Value::Integer(filter.after.unwrap_or(0))],
        );
        self.event_rows(f, filter, "ORDER BY seq", limit)
    }

    /// Events matching `f` and the stream/kind of `filter`, in `order`, at most `limit`.
    fn event_rows(
        &self,
        mut f: Filters,
        filter: &EventQuery,
        order: &'static str,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        f.eq("stream = ?", text(filter.stream.as_deref()));
        f.eq("kind = ?", text(filter.kind.as_deref()));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM events WHERE 1 = 1{} {order} LIMIT ?",
            store::ENVELOPE_COLUMNS,
            f.sql
        ))?;
        let rows = stmt
            .query_map(
                rusqlite::params_from_iter(f.params(&[limit.clamp(0, MAX_PAGE)])),
                store::envelope_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(event_row).collect()
    }

    /// Event count and head hash: a cheap fingerprint of the log.
    pub fn log_head(&self) -> Result<(i64, String)> {
        let count = store::event_count(&self.conn)?;
        let hash: Option<String> = self
            .conn
            .query_row(
                "SELECT hash FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok((count, hash.unwrap_or_default()))
    }

    pub fn require_settings(&self) -> Result<Settings> {
        self.settings()?.ok_or_else(|| {
            Error::new(
                ErrorCode::StoreMissing,
                "the store is not initialized: run `payctl init`",
            )
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct PaymentQuery {
    pub member: Option<String>,
    pub merchant: Option<String>,
    pub status: Option<String>,
}

#[derive(Default)]
struct PaymentFilter {
    id: Option<i64>,
    member: Option<i64>,
    merchant: Option<i64>,
    status: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub stream: Option<String>,
    pub kind: Option<String>,
    pub after: Option<i64>,
}

fn event_row(e: Envelope) -> Result<EventRow> {
    Ok(EventRow {
        payload: serde_json::from_str(&e.payload)?,
        seq: e.seq,
        stream: e.stream,
        version: e.version,
        kind: e.kind,
        effective_at: show_time(&e.effective_at),
        recorded_at: show_time(&e.recorded_at),
        actor: e.actor,
        idempotency_key: e.idempotency_key,
        hash: e.hash,
    })
}

/// Digest of every projection row: equal digests mean equal read models. The store's random id
/// is left out, so two stores built from the same operations have the same digest.
pub fn projection_digest(conn: &Connection) -> Result<String> {
    projection_digest_of(|_| conn)
}

/// `projection_digest` of tables that may live in different stores: each read from `store_of`.
///
/// SHA-256 over each table's name (in `PROJECTION_TABLES` order), then its rows in key order:
/// each value but the store's random id as its `rusqlite::types::Value` debug text
/// (`Integer(5)`, `Text("a")` …) followed by `|`, each row by `\n`. The text is gathered into
/// one buffer and hashed in large pieces.
pub fn projection_digest_of<'c>(store_of: impl Fn(&str) -> &'c Connection) -> Result<String> {
    let mut hash = Sha256::new();
    let mut pending: Vec<u8> = Vec::with_capacity(8192);
    for (table, order) in store::schema::PROJECTION_TABLES {
        hash.update(&pending);
        pending.clear();
        hash.update(table.as_bytes());
        // Names come from the fixed list in the schema module, never from input.
        let mut stmt =
            store_of(table).prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
        let hashed: Vec<bool> = stmt
            .column_names()
            .iter()
            .map(|c| *c != "store_id")
            .collect();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            for (i, hashed) in hashed.iter().enumerate() {
                if *hashed {
                    write_value_debug(&mut pending, r.get_ref(i)?).map_err(|e| {
                        Error::new(
                            ErrorCode::StoreCorrupt,
                            format!("{table}: a text value is not UTF-8: {e}"),
                        )
                    })?;
                    pending.push(b'|');
                }
            }
            pending.push(b'\n');
            if pending.len() >= 8000 {
                hash.update(&pending);
                pending.clear();
            }
        }
    }
    hash.update(&pending);
    Ok(store::hex(&hash.finalize()))
}

/// Writes `format!("{:?}", Value::from(v))` into `out`, without the owned `Value`.
///
/// Integers and texts of printable ASCII (all but a few of the 38M values at 1M operations)
/// are spelled here without `fmt`: the digest `rebuild` prints took longer than its copy, and
/// this was most of it. A test holds every other spelling to `Debug`.
fn write_value_debug(
    out: &mut Vec<u8>,
    v: rusqlite::types::ValueRef<'_>,
) -> std::result::Result<(), std::str::Utf8Error> {
    use rusqlite::types::ValueRef;
    use std::io::Write;
    // `Debug` writes these bytes of a `str` as they are; it escapes `"`, `\\`, controls and
    // anything beyond ASCII.
    let plain = |b: &u8| (b' '..=b'~').contains(b) && *b != b'"' && *b != b'\\';
    // Writing into a Vec cannot fail for lack of room.
    let _ = match v {
        ValueRef::Null => write!(out, "Null"),
        ValueRef::Integer(i) => {
            out.extend_from_slice(b"Integer(");
            out.extend_from_slice(crate::store::decimal(i, &mut [0; 20]));
            out.push(b')');
            Ok(())
        }
        ValueRef::Real(f) => write!(out, "Real({f:?})"),
        ValueRef::Text(t) if t.iter().all(plain) => {
            out.extend_from_slice(b"Text(\"");
            out.extend_from_slice(t);
            out.extend_from_slice(b"\")");
            Ok(())
        }
        ValueRef::Text(t) => write!(out, "Text({:?})", std::str::from_utf8(t)?),
        ValueRef::Blob(b) => write!(out, "Blob({b:?})"),
    };
    Ok(())
}

/// The console's front page: platform totals, what merchants are owed, recent volume.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Dashboard {
    pub members: i64,
    pub active_members: i64,
    pub merchants: i64,
    /// Σ wallet balances: what the platform owes its members.
    pub float: Decimal,
    pub house: Decimal,
    /// Fees earned (positive).
    pub fees: Decimal,
    /// Captured, unsettled (net of refunds) per merchant with any.
    pub unsettled: Vec<(String, String, Decimal)>,
    /// Captured payments per day (date, count, volume), oldest first, last `days` days with any.
    pub daily: Vec<(String, i64, Decimal)>,
    pub events: i64,
}

impl Engine {
    /// Aggregates for the dashboard: all computed in SQL, nothing loads a table.
    pub fn dashboard(&self, days: i64) -> Result<Dashboard> {
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

    /// SQLite's `data_version`: changes when another connection commits. The console polls it.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

impl Engine {
    /// Events newest first, before `before` (exclusive; `None`: from the newest), filtered by
    /// stream or kind (exact), at most `limit`. The console's log view pages with this.
    pub fn events_newest(
        &self,
        filter: &EventQuery,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<EventRow>> {
        let mut f = Filters::default();
        f.eq("seq < ?", int(before));
        self.event_rows(f, filter, "ORDER BY seq DESC", limit)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::types::{Value, ValueRef};

    use super::write_value_debug;

    /// `projection_digest` keeps the digest it had when it formatted owned `Value`s.
    #[test]
    fn a_value_is_written_as_its_debug_text() {
        for v in [
            Value::Null,
            Value::Integer(-5),
            Value::Integer(0),
            Value::Integer(i64::MAX),
            Value::Integer(i64::MIN),
            Value::Text(" !~'{}".into()),
            Value::Text("tab\there".into()),
            Value::Text("\u{7f}".into()),
            Value::Real(0.1),
            Value::Real(1e300),
            Value::Text("a\"b\\c\n\t\u{0}é\u{1F600}".into()),
            Value::Text(String::new()),
            Value::Blob(vec![0, 255, 7]),
        ] {
            let mut out = Vec::new();
            write_value_debug(&mut out, ValueRef::from(&v)).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:?}"));
        }
    }

    /// Every ASCII character, and a few beyond, alone and inside a text: the bytes written as
    /// they are must be exactly those `Debug` leaves alone.
    #[test]
    fn every_ascii_character_is_spelled_as_debug_spells_it() {
        let chars = (0u8..=127)
            .map(char::from)
            .chain(['é', '\u{300}', '\u{200b}', '\u{10ffff}']);
        for c in chars {
            for text in [c.to_string(), format!("ab{c}cd")] {
                let v = Value::Text(text);
                let mut out = Vec::new();
                write_value_debug(&mut out, ValueRef::from(&v)).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), format!("{v:?}"));
            }
        }
    }

    #[test]
    fn a_text_that_is_not_utf8_is_an_error() {
        let mut out = Vec::new();
        assert!(write_value_debug(&mut out, ValueRef::Text(&[0xff, 0xfe])).is_err());
    }
}
