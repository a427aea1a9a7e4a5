//! The read models folded in memory: the same rows the SQL `apply` writes, produced by plain Rust
//! from the same events, then summed into order-free digests (`digest`). `verify` compares
//! these with the stored tables' digests: at a million operations this fold takes about a second
//! where replaying through SQLite took fifteen.
//!
//! It is a second implementation of every projection, so it is never the last word: when its
//! digests differ from the stored ones (or it cannot apply an event), `verify` replays through the
//! SQL `apply` and compares row by row, and that decides. The model test checks after every
//! batch of steps that the two replays agree (`Engine::replays_agree`).
//!
//! Rows that never change once written (statements, requests, postings …) are hashed the moment
//! they are made; rows that change (members, wallets, payments …) are kept and hashed at the end.
//! Key uniqueness is not re-checked here for the write-once tables, nor for payment references:
//! the stored tables enforce it (a primary key, `UNIQUE`), so a replay with a duplicate key can
//! never match them. (A set of 350k references was 2% of `verify`'s CPU at a million operations.)

use std::collections::{HashMap, HashSet};

mod kept;
mod short_text;

use self::kept::Kept;
use self::short_text::ShortText;
use super::digest::{Digests, RowHasher, Salt, Spell, TableDigest};
use crate::clock;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Destination, Event, SettlementFigures};
use crate::ids::Id;
use crate::ledger::Account;
use crate::money::{Amount, Currency, FeeRate};

/// The fold's maps are keyed by ids and names from the store: a fast hash, seeded per process
/// (the standard SipHash was about 6% of the fold's time at 1M events).
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// What the fold needs of an event's envelope.
pub struct Ev<'a> {
    pub seq: i64,
    pub kind: &'a str,
    pub effective_at: &'a str,
}

struct Member {
    name: String,
    email: String,
    address: Option<String>,
    corporate: bool,
    active: bool,
    registered_at: String,
}

struct Link {
    member: i64,
    account: BankAccount,
    primary: bool,
    active: bool,
    linked_at: String,
}

struct Merchant {
    name: String,
    code: String,
    fee_rate: FeeRate,
    account: BankAccount,
    registered_at: String,
    deficit: i64,
    last_settlement: Option<i64>,
}

struct Payment {
    member: i64,
    merchant: i64,
    reference: Option<ShortText>,
    amount: i64,
    captured: i64,
    refunded: i64,
    fee_rate: FeeRate,
    status: &'static str,
    held: bool,
    recharge: Option<i64>,
    created_at: ShortText,
    expires_at: Option<ShortText>,
    captured_at: Option<ShortText>,
    closed_at: Option<ShortText>,
    settlement: Option<i64>,
}

struct SimAccount {
    balance: Option<i64>,
    closed: bool,
}

struct SettingsRow {
    store_id: String,
    currency: Currency,
    unit: i64,
    hold_expiry_secs: i64,
    house: BankAccount,
}

/// Write-once tables, hashed as their rows are made.
const WRITE_ONCE: [&str; 10] = [
    "wallet_entries",
    "firm_banking",
    "recharges",
    "withdrawals",
    "remittances",
    "refunds",
    "settlements",
    "settlement_payments",
    "ledger_transactions",
    "ledger_postings",
];

pub struct NativeFold {
    hasher: RowHasher,
    /// Digests of the write-once tables, in `WRITE_ONCE` order.
    written: [TableDigest; 10],
    currency: Option<Currency>,
    settings: Option<SettingsRow>,
    members: Map<i64, Member>,
    email_keys: Set<String>,
    wallets: Map<i64, (i64, i64)>,
    links: Map<i64, Link>,
    sim: Map<BankAccount, SimAccount>,
    merchants: Map<i64, Merchant>,
    code_keys: Set<String>,
    payments: Kept<Payment>,
    balances: Map<Account, i64>,
    /// Members given a statement line by the event being applied (at most one each).
    touched: Vec<i64>,
}

fn corrupt(env: &Ev<'_>, what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!(
            "event {} ({}) refers to a missing {what}",
            env.seq, env.kind
        ),
    )
}

fn conflict(env: &Ev<'_>, what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!("event {} ({}) repeats a {what}", env.seq, env.kind),
    )
}

fn status(failed: bool) -> &'static str {
    if failed { "failed" } else { "completed" }
}

impl NativeFold {
    pub fn new(salt: &Salt) -> NativeFold {
        NativeFold {
            hasher: RowHasher::new(salt),
            written: [TableDigest::default(); 10],
            currency: None,
            settings: None,
            members: Map::default(),
            email_keys: Set::default(),
            wallets: Map::default(),
            links: Map::default(),
            sim: Map::default(),
            merchants: Map::default(),
            code_keys: Set::default(),
            payments: Kept::default(),
            balances: Map::default(),
            touched: Vec::new(),
        }
    }

    /// Adds the row encoded in `self.hasher` to a write-once table.
    fn wrote(&mut self, table: usize) {
        self.hasher.finish_into(&mut self.written[table]);
    }

    fn minor(&self, a: &Amount) -> i64 {
        // `currency` is set before any other event applies (checked in `apply`).
        a.to_minor(self.currency.unwrap_or(Currency::Krw))
    }

    /// Applies one event, as `projections::apply` would.
    pub fn apply(&mut self, env: &Ev<'_>, event: &Event) -> Result<()> {
        if let Event::StoreInitialized { currency, .. } = event {
            self.currency = Some(*currency);
        }
        if self.currency.is_none() {
            return Err(Error::new(
                ErrorCode::StoreCorrupt,
                format!("event {} precedes the store's initialization", env.seq),
            ));
        }
        self.touched.clear();
        self.accounts(env, event)?;
        self.wallet_lines(env, event)?;
        self.books(env, event)?;
        self.ledger(env, event)
    }

    /// Settings, members, bank links, the simulator, firm banking (SQL: members, banking).
    fn accounts(&mut self, env: &Ev<'_>, event: &Event) -> Result<()> {
        let at = env.effective_at;
        match event {
            Event::StoreInitialized {
                store_id,
                currency,
                auto_recharge_unit,
                hold_expiry_secs,
                house,
            } => {
                if self.settings.is_some() {
                    return Err(conflict(env, "store initialization"));
                }
                self.settings = Some(SettingsRow {
                    store_id: store_id.clone(),
                    currency: *currency,
                    unit: auto_recharge_unit.to_minor(*currency),
                    hold_expiry_secs: *hold_expiry_secs,
                    house: house.clone(),
                });
            }
            Event::MemberRegistered {
                member,
                name,
                email,
                address,
                corporate,
            } => {
                if self.members.contains_key(&member.n)
                    || !self
                        .email_keys
                        .insert(crate::domain::membership::email_key(email))
                {
                    return Err(conflict(env, "member or email"));
                }
                self.members.insert(
                    member.n,
                    Member {
                        name: name.clone(),
                        email: email.clone(),
                        address: address.clone(),
                        corporate: *corporate,
                        active: true,
                        registered_at: at.to_string(),
                    },
                );
                if self.wallets.insert(member.n, (0, 0)).is_some() {
                    return Err(conflict(env, "wallet"));
                }
            }
            Event::MemberUpdated {
                member,
                name,
                address,
            } => {
                let m = self
                    .members
                    .get_mut(&member.n)
                    .ok_or_else(|| corrupt(env, "member"))?;
                if let Some(name) = name {
                    m.name = name.clone();
                }
                if let Some(address) = address {
                    m.address = Some(address.clone());
                }
            }
            Event::MemberDeactivated { member } | Event::MemberReactivated { member } => {
                self.members
                    .get_mut(&member.n)
                    .ok_or_else(|| corrupt(env, "member"))?
                    .active = matches!(event, Event::MemberReactivated { .. });
            }
            Event::BankAccountLinked {
                link,
                member,
                account,
                primary,
            } => {
                let row = Link {
                    member: member.n,
                    account: account.clone(),
                    primary: *primary,
                    active: true,
                    linked_at: at.to_string(),
                };
                if self.links.insert(link.n, row).is_some() {
                    return Err(conflict(env, "bank link"));
                }
            }
            Event::BankAccountUnlinked {
                link, new_primary, ..
            } => {
                let l = self
                    .links
                    .get_mut(&link.n)
                    .ok_or_else(|| corrupt(env, "bank link"))?;
                l.active = false;
                l.primary = false;
                if let Some(p) = new_primary {
                    self.links
                        .get_mut(&p.n)
                        .ok_or_else(|| corrupt(env, "bank link"))?
                        .primary = true;
                }
            }
            Event::BankSimConfigured {
                account,
                balance,
                closed,
            } => {
                let balance = balance.map(|b| self.minor(&b));
                let sim = self.sim.entry(account.clone()).or_insert(SimAccount {
                    balance: None,
                    closed: false,
                });
                if let Some(b) = balance {
                    sim.balance = Some(b);
                }
                if let Some(c) = closed {
                    sim.closed = *c;
                }
            }
            Event::FirmBankingCompleted {
                request,
                from,
                to,
                amount,
                purpose,
            }
            | Event::FirmBankingFailed {
                request,
                from,
                to,
                amount,
                purpose,
                ..
            } => {
                let reason = match event {
                    Event::FirmBankingFailed { reason, .. } => Some(reason.as_str()),
                    _ => None,
                };
                let amount = self.minor(amount);
                self.hasher
                    .int(request.n)
                    .text(&from.bank)
                    .text(&from.account)
                    .text(&to.bank)
                    .text(&to.account)
                    .int(amount)
                    .spelled(purpose)
                    .text(status(reason.is_some()))
                    .opt_text(reason)
                    .text(at);
                self.wrote(1);
                if reason.is_none() {
                    // Only accounts with a configured balance track it.
                    for (account, delta) in [(from, -amount), (to, amount)] {
                        if let Some(SimAccount {
                            balance: Some(b), ..
                        }) = self.sim.get_mut(account)
                        {
                            *b = b.checked_add(delta).ok_or_else(|| overflow(env))?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Recharges, withdrawals, remittances and every statement line (SQL: wallets).
    fn wallet_lines(&mut self, env: &Ev<'_>, event: &Event) -> Result<()> {
        let at = env.effective_at;
        match event {
            Event::RechargeCompleted {
                recharge: id,
                member,
                link,
                amount,
                firm_banking,
            }
            | Event::RechargeFailed {
                recharge: id,
                member,
                link,
                amount,
                firm_banking,
                ..
            }
            | Event::WithdrawalCompleted {
                withdrawal: id,
                member,
                link,
                amount,
                firm_banking,
            }
            | Event::WithdrawalFailed {
                withdrawal: id,
                member,
                link,
                amount,
                firm_banking,
                ..
            } => {
                let (failed, reason) = match event {
                    Event::RechargeFailed { reason, .. }
                    | Event::WithdrawalFailed { reason, .. } => (true, Some(reason.as_str())),
                    _ => (false, None),
                };
                let recharge = matches!(
                    event,
                    Event::RechargeCompleted { .. } | Event::RechargeFailed { .. }
                );
                let amount = self.minor(amount);
                self.hasher
                    .int(id.n)
                    .int(member.n)
                    .int(link.n)
                    .int(amount)
                    .text(status(failed))
                    .int(firm_banking.n)
                    .opt_text(reason)
                    .text(at);
                self.wrote(if recharge { 2 } else { 3 });
                let (kind, delta) = match (recharge, failed) {
                    (_, true) => (if recharge { "recharge" } else { "withdrawal" }, 0),
                    (true, false) => ("recharge", amount),
                    (false, false) => ("withdrawal", -amount),
                };
                self.line(env, member, kind, id, Some(link), delta, 0, status(failed))?;
            }
            Event::RemittanceCompleted {
                remittance,
                from,
                to,
                amount,
                firm_banking,
                recharge,
            }
            | Event::RemittanceFailed {
                remittance,
                from,
                to,
                amount,
                firm_banking,
                recharge,
                ..
            } => {
                let reason = match event {
                    Event::RemittanceFailed { reason, .. } => Some(reason.as_str()),
                    _ => None,
                };
                let failed = reason.is_some();
                let amount = self.minor(amount);
                let (to_member, to_bank, to_account) = match to {
                    Destination::Member(m) => (Some(m.n), None, None),
                    Destination::Bank(b) => (None, Some(b.bank.as_str()), Some(b.account.as_str())),
                };
                self.hasher
                    .int(remittance.n)
                    .int(from.n)
                    .opt_int(to_member)
                    .opt_text(to_bank)
                    .opt_text(to_account)
                    .int(amount)
                    .text(status(failed))
                    .opt_int(firm_banking.map(|f| f.n))
                    .opt_int(recharge.map(|r| r.n))
                    .opt_text(reason)
                    .text(at);
                self.wrote(4);
                let counterparty: &dyn Spell = match to {
                    Destination::Member(m) => m,
                    Destination::Bank(b) => b,
                };
                let delta = if failed { 0 } else { -amount };
                self.line(
                    env,
                    from,
                    "remit_out",
                    remittance,
                    Some(counterparty),
                    delta,
                    0,
                    status(failed),
                )?;
                if let (false, Destination::Member(to)) = (failed, to) {
                    self.line(
                        env,
                        to,
                        "remit_in",
                        remittance,
                        Some(from),
                        amount,
                        0,
                        "completed",
                    )?;
                }
            }
            Event::PaymentCaptured {
                payment,
                member,
                merchant,
                amount,
                ..
            } => {
                let amount = self.minor(amount);
                self.line(
                    env,
                    member,
                    "payment",
                    payment,
                    Some(merchant),
                    -amount,
                    0,
                    "completed",
                )?;
            }
            Event::PaymentAuthorized {
                payment,
                member,
                merchant,
                amount,
                ..
            } => {
                let amount = self.minor(amount);
                self.line(
                    env,
                    member,
                    "hold",
                    payment,
                    Some(merchant),
                    0,
                    amount,
                    "completed",
                )?;
            }
            Event::HoldCaptured {
                payment,
                member,
                merchant,
                amount,
                released,
            } => {
                let (amount, released) = (self.minor(amount), self.minor(released));
                self.line(
                    env,
                    member,
                    "capture",
                    payment,
                    Some(merchant),
                    -amount,
                    -(amount + released),
                    "completed",
                )?;
            }
            Event::HoldVoided {
                payment,
                member,
                amount,
            } => {
                let amount = self.minor(amount);
                self.line(env, member, "void", payment, None, 0, -amount, "completed")?;
            }
            Event::HoldExpired {
                payment,
                member,
                amount,
                ..
            } => {
                let amount = self.minor(amount);
                self.line(
                    env,
                    member,
                    "hold_expired",
                    payment,
                    None,
                    0,
                    -amount,
                    "completed",
                )?;
            }
            Event::RefundIssued {
                refund,
                payment,
                member,
                amount,
                ..
            } => {
                let amount = self.minor(amount);
                self.line(
                    env,
                    member,
                    "refund",
                    refund,
                    Some(payment),
                    amount,
                    0,
                    "completed",
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Moves a wallet and writes its statement line (SQL: `wallet_move`).
    #[allow(clippy::too_many_arguments)]
    fn line(
        &mut self,
        env: &Ev<'_>,
        member: &Id,
        kind: &str,
        reference: &Id,
        counterparty: Option<&dyn Spell>,
        amount: i64,
        held: i64,
        status: &str,
    ) -> Result<()> {
        let wallet = self
            .wallets
            .get_mut(&member.n)
            .ok_or_else(|| corrupt(env, "wallet"))?;
        wallet.0 = wallet.0.checked_add(amount).ok_or_else(|| overflow(env))?;
        wallet.1 = wallet.1.checked_add(held).ok_or_else(|| overflow(env))?;
        let balance_after = wallet.0;
        if self.touched.contains(&member.n) {
            return Err(conflict(env, "statement line"));
        }
        self.touched.push(member.n);
        self.hasher
            .int(member.n)
            .int(env.seq)
            .text(env.effective_at)
            .text(kind)
            .spelled(reference)
            .opt_spelled(counterparty)
            .int(amount)
            .int(held)
            .int(balance_after)
            .text(status);
        self.wrote(0);
        Ok(())
    }

    /// Merchants, payments, refunds and settlements (SQL: merchants, payments, settlements).
    fn books(&mut self, env: &Ev<'_>, event: &Event) -> Result<()> {
        let at = env.effective_at;
        match event {
            Event::MerchantRegistered {
                merchant,
                name,
                code,
                fee_rate,
                account,
            } => {
                if self.merchants.contains_key(&merchant.n)
                    || !self.code_keys.insert(code.to_lowercase())
                {
                    return Err(conflict(env, "merchant or merchant code"));
                }
                self.merchants.insert(
                    merchant.n,
                    Merchant {
                        name: name.clone(),
                        code: code.clone(),
                        fee_rate: *fee_rate,
                        account: account.clone(),
                        registered_at: at.to_string(),
                        deficit: 0,
                        last_settlement: None,
                    },
                );
            }
            Event::MerchantUpdated {
                merchant,
                fee_rate,
                account,
            } => {
                let m = self
                    .merchants
                    .get_mut(&merchant.n)
                    .ok_or_else(|| corrupt(env, "merchant"))?;
                if let Some(f) = fee_rate {
                    m.fee_rate = *f;
                }
                if let Some(a) = account {
                    m.account = a.clone();
                }
            }
            Event::PaymentCaptured {
                payment,
                member,
                merchant,
                amount,
                fee_rate,
                reference,
                recharge,
            }
            | Event::PaymentAuthorized {
                payment,
                member,
                merchant,
                amount,
                fee_rate,
                reference,
                recharge,
                ..
            } => {
                let amount = self.minor(amount);
                let (captured, status, held, expires_at, captured_at) = match event {
                    Event::PaymentAuthorized { expires_at, .. } => (
                        0,
                        "authorized",
                        true,
                        Some(ShortText::new(&clock::to_storage(*expires_at))),
                        None,
                    ),
                    _ => (amount, "captured", false, None, Some(ShortText::new(at))),
                };
                let reference = reference.as_deref().map(ShortText::new);
                let row = Payment {
                    member: member.n,
                    merchant: merchant.n,
                    reference,
                    amount,
                    captured,
                    refunded: 0,
                    fee_rate: *fee_rate,
                    status,
                    held,
                    recharge: recharge.map(|r| r.n),
                    created_at: ShortText::new(at),
                    expires_at,
                    captured_at,
                    closed_at: None,
                    settlement: None,
                };
                if !self.payments.insert(payment.n, row) {
                    return Err(conflict(env, "payment"));
                }
            }
            Event::HoldCaptured {
                payment, amount, ..
            } => {
                let amount = self.minor(amount);
                let p = self.payment(env, payment)?;
                p.status = "captured";
                p.captured = amount;
                p.captured_at = Some(ShortText::new(at));
            }
            Event::HoldVoided { payment, .. } | Event::HoldExpired { payment, .. } => {
                let status = if matches!(event, Event::HoldVoided { .. }) {
                    "voided"
                } else {
                    "expired"
                };
                let p = self.payment(env, payment)?;
                p.status = status;
                p.closed_at = Some(ShortText::new(at));
            }
            Event::RefundIssued {
                refund,
                payment,
                merchant,
                amount,
                after_settlement,
                ..
            } => {
                let amount = self.minor(amount);
                self.hasher
                    .int(refund.n)
                    .int(payment.n)
                    .int(amount)
                    .bool(*after_settlement)
                    .text(at);
                self.wrote(5);
                let p = self.payment(env, payment)?;
                p.refunded = p
                    .refunded
                    .checked_add(amount)
                    .ok_or_else(|| overflow(env))?;
                if *after_settlement {
                    let m = self
                        .merchants
                        .get_mut(&merchant.n)
                        .ok_or_else(|| corrupt(env, "merchant"))?;
                    m.deficit = m.deficit.checked_add(amount).ok_or_else(|| overflow(env))?;
                }
            }
            Event::SettlementCompleted(f) => {
                // Same order as SQL: the merchant, the payments, then the settlement rows.
                let m = self
                    .merchants
                    .get_mut(&f.merchant.n)
                    .ok_or_else(|| corrupt(env, "merchant"))?;
                m.deficit = (-f.payout_minor).max(0);
                m.last_settlement = Some(f.settlement.n);
                for p in &f.payments {
                    self.payment(env, &p.payment)?.settlement = Some(f.settlement.n);
                }
                self.settlement(env, f, "completed", None)?;
            }
            Event::SettlementFailed { figures, reason } => {
                self.settlement(env, figures, "failed", Some(reason))?;
            }
            _ => {}
        }
        Ok(())
    }

    fn payment(&mut self, env: &Ev<'_>, id: &Id) -> Result<&mut Payment> {
        self.payments
            .get_mut(id.n)
            .ok_or_else(|| corrupt(env, "payment"))
    }

    fn settlement(
        &mut self,
        env: &Ev<'_>,
        f: &SettlementFigures,
        status: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        let (gross, refunds, fee, deficit) = (
            self.minor(&f.gross),
            self.minor(&f.refunds),
            self.minor(&f.fee),
            self.minor(&f.deficit),
        );
        self.hasher
            .int(f.settlement.n)
            .int(f.merchant.n)
            .text(&clock::to_storage(f.cutoff))
            .int(gross)
            .int(refunds)
            .int(fee)
            .int(deficit)
            .int(f.payout_minor)
            .text(status)
            .opt_int(f.firm_banking.map(|x| x.n))
            .opt_text(reason)
            .text(env.effective_at);
        self.wrote(6);
        let mut seen = HashSet::with_capacity(f.payments.len());
        for p in &f.payments {
            if !seen.insert(p.payment.n) {
                return Err(conflict(env, "settled payment"));
            }
            let (captured, refunded, fee) = (
                self.minor(&p.captured),
                self.minor(&p.refunded),
                self.minor(&p.fee),
            );
            self.hasher
                .int(f.settlement.n)
                .int(p.payment.n)
                .int(captured)
                .int(refunded)
                .int(fee);
            self.wrote(7);
        }
        Ok(())
    }

    /// The ledger transaction, its postings and the running balances (SQL: ledger).
    fn ledger(&mut self, env: &Ev<'_>, event: &Event) -> Result<()> {
        // `apply` has set the currency, from this very event when it initializes the store.
        let currency = self.currency.unwrap_or(Currency::Krw);
        let Some(tx) = crate::ledger::movement(event, currency) else {
            return Ok(());
        };
        let sum = tx
            .postings()
            .iter()
            .try_fold(0_i64, |acc, (_, v)| acc.checked_add(*v));
        if sum != Some(0) {
            return Err(Error::new(
                ErrorCode::Internal,
                format!("event {} produced an unbalanced transaction", env.seq),
            ));
        }
        self.hasher
            .int(env.seq)
            .text(env.effective_at)
            .spelled(&tx.description());
        self.wrote(8);
        for (idx, (account, amount)) in tx.postings().iter().enumerate() {
            self.hasher
                .int(env.seq)
                .int(idx as i64)
                .spelled(account)
                .int(*amount);
            self.wrote(9);
            let balance = self.balances.entry(*account).or_insert(0);
            *balance = balance.checked_add(*amount).ok_or_else(|| overflow(env))?;
        }
        Ok(())
    }

    /// Hashes the rows that changed along the way, and returns every table's digest.
    pub fn finish(mut self) -> Digests {
        let mut digests = Digests::new();
        for (table, digest) in WRITE_ONCE.iter().zip(self.written) {
            digests.insert(table, digest);
        }
        let h = &mut self.hasher;
        let mut d = TableDigest::default();
        if let Some(s) = &self.settings {
            h.int(1)
                .text(&s.store_id)
                .text(s.currency.code())
                .int(s.unit)
                .int(s.hold_expiry_secs)
                .text(&s.house.bank)
                .text(&s.house.account)
                .finish_into(&mut d);
        }
        digests.insert("settings", d);
        let mut d = TableDigest::default();
        for (id, m) in &self.members {
            h.int(*id)
                .text(&m.name)
                .text(&m.email)
                .text(&crate::domain::membership::email_key(&m.email))
                .opt_text(m.address.as_deref())
                .bool(m.corporate)
                .text(if m.active { "active" } else { "inactive" })
                .text(&m.registered_at)
                .finish_into(&mut d);
        }
        digests.insert("members", d);
        let mut d = TableDigest::default();
        for (member, (balance, held)) in &self.wallets {
            h.int(*member).int(*balance).int(*held).finish_into(&mut d);
        }
        digests.insert("wallets", d);
        let mut d = TableDigest::default();
        for (id, l) in &self.links {
            h.int(*id)
                .int(l.member)
                .text(&l.account.bank)
                .text(&l.account.account)
                .bool(l.primary)
                .text(if l.active { "active" } else { "unlinked" })
                .text(&l.linked_at)
                .finish_into(&mut d);
        }
        digests.insert("bank_links", d);
        let mut d = TableDigest::default();
        for (account, s) in &self.sim {
            h.text(&account.bank)
                .text(&account.account)
                .opt_int(s.balance)
                .bool(s.closed)
                .finish_into(&mut d);
        }
        digests.insert("sim_accounts", d);
        let mut d = TableDigest::default();
        for (id, m) in &self.merchants {
            h.int(*id)
                .text(&m.name)
                .text(&m.code)
                .text(&m.code.to_lowercase())
                .spelled(&m.fee_rate)
                .text(&m.account.bank)
                .text(&m.account.account)
                .text(&m.registered_at)
                .int(m.deficit)
                .opt_int(m.last_settlement)
                .finish_into(&mut d);
        }
        digests.insert("merchants", d);
        let mut d = TableDigest::default();
        for (id, p) in self.payments.iter() {
            h.int(id)
                .int(p.member)
                .int(p.merchant)
                .opt_text(p.reference.as_ref().map(ShortText::as_str))
                .int(p.amount)
                .int(p.captured)
                .int(p.refunded)
                .spelled(&p.fee_rate)
                .text(p.status)
                .bool(p.held)
                .opt_int(p.recharge)
                .text(p.created_at.as_str())
                .opt_text(p.expires_at.as_ref().map(ShortText::as_str))
                .opt_text(p.captured_at.as_ref().map(ShortText::as_str))
                .opt_text(p.closed_at.as_ref().map(ShortText::as_str))
                .opt_int(p.settlement)
                .finish_into(&mut d);
        }
        digests.insert("payments", d);
        let mut d = TableDigest::default();
        for (account, balance) in &self.balances {
            h.spelled(account).int(*balance).finish_into(&mut d);
        }
        digests.insert("ledger_balances", d);
        digests
    }
}

fn overflow(env: &Ev<'_>) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!("event {} ({}) overflows a running total", env.seq, env.kind),
    )
}
