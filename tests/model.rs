//! Model-based test (issue 5, item 1): random sequences of every mutating operation of SPEC §3
//! (valid and not, retries under the same key, retries with a changed request) run against the
//! real engine on a temp store *and* against the small reference model below, written from the
//! SPEC alone. After every step: the outcome (id or error code) agrees, every wallet's balance and
//! available amount agree, every ledger account agrees, and invariants 1, 2 and 5 hold; every 50
//! steps and at the end, `verify` (replay = projections).
//!
//! Fast tier: 256 cases × 50 steps. Full tier: `PAYCTL_FULL=1` (4,096 cases × 200 steps).
//! Failing cases shrink (unneeded steps become `Wait(0)`) and are kept in
//! `tests/model.proptest-regressions`, which is committed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::{Duration, TimeZone, Utc};
use payctl_core::clock::Timestamp;
use payctl_core::domain::{Command, LinkRef, RemitTo};
use payctl_core::{Context, Engine, ErrorCode, InitOptions, OpenMode};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use rust_decimal::{Decimal, RoundingStrategy};

/// `PAYCTL_FULL=1` runs the full tier.
fn full_tier() -> bool {
    std::env::var("PAYCTL_FULL").is_ok_and(|v| v == "1")
}

/// A member reference: by id number or by the email of a registration slot (case changed).
#[derive(Debug, Clone, PartialEq)]
enum Mem {
    Id(u8),
    Email(u8),
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// First so that shrinking turns steps that do not matter into a harmless wait.
    Wait(u32),
    Register(u8),
    RegisterBlankName,
    Update(Mem),
    Deactivate(Mem),
    Reactivate(Mem),
    Link(Mem, u8),
    Unlink(Mem, u8),
    SimSet(u8, Option<u32>, Option<bool>),
    Recharge(Mem, u32),
    RechargeFraction(Mem),
    Withdraw(Mem, u32),
    Remit(Mem, Mem, u32, bool),
    RemitOut(Mem, u32, bool),
    Merchant(u8, u16),
    MerchantRate(u8, u16),
    Pay(Mem, u8, u32, bool, Option<u8>),
    Capture(u8, Option<u32>),
    Void(u8),
    Refund(u8, Option<u32>),
    Settle(Option<u8>),
    /// The previous command again, under its key.
    Retry,
    /// A different command under the previous command's key.
    Conflict,
}

fn mem() -> impl Strategy<Value = Mem> {
    prop_oneof![
        8 => (1u8..4).prop_map(Mem::Id),
        1 => (4u8..6).prop_map(Mem::Id),
        2 => (0u8..4).prop_map(Mem::Email),
    ]
}

/// Amounts: mostly ordinary, sometimes 0 (refused) or the auto-recharge unit's neighbourhood.
fn amount() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => 1u32..40_000,
        1 => Just(0u32),
        1 => 9_990u32..10_010,
        1 => (1u32..4).prop_map(|k| k * 10_000),
        1 => 40_000u32..150_000,
    ]
}

/// Shops: mostly the one the opening registers.
fn shop() -> impl Strategy<Value = u8> {
    prop_oneof![4 => Just(0u8), 1 => 1u8..3]
}

/// Fee rates in hundredths of a percent; 10,100 (101 %) is refused.
fn rate() -> impl Strategy<Value = u16> {
    prop_oneof![4 => 0u16..400, 1 => Just(10_000u16), 1 => Just(10_100u16)]
}

fn op() -> impl Strategy<Value = Op> {
    let m = mem;
    prop_oneof![
        2 => (0u32..400_000).prop_map(Op::Wait),
        // Lands the next step exactly on the expiry of a hold made by the step before.
        1 => Just(Op::Wait(7 * 24 * 3600 - 2)),
        3 => (0u8..5).prop_map(Op::Register),
        1 => Just(Op::RegisterBlankName),
        1 => m().prop_map(Op::Update),
        1 => m().prop_map(Op::Deactivate),
        1 => m().prop_map(Op::Reactivate),
        3 => (m(), 0u8..3).prop_map(|(a, b)| Op::Link(a, b)),
        1 => (m(), 0u8..3).prop_map(|(a, b)| Op::Unlink(a, b)),
        2 => (0u8..6, proptest::option::of(0u32..60_000), proptest::option::of(any::<bool>()))
            .prop_map(|(a, b, c)| Op::SimSet(a, b, c)),
        4 => (m(), amount()).prop_map(|(a, b)| Op::Recharge(a, b)),
        1 => m().prop_map(Op::RechargeFraction),
        2 => (m(), amount()).prop_map(|(a, b)| Op::Withdraw(a, b)),
        4 => (m(), m(), amount(), any::<bool>()).prop_map(|(a, b, c, d)| Op::Remit(a, b, c, d)),
        1 => (m(), amount(), any::<bool>()).prop_map(|(a, b, c)| Op::RemitOut(a, b, c)),
        2 => (0u8..2, rate()).prop_map(|(a, b)| Op::Merchant(a, b)),
        1 => (shop(), rate()).prop_map(|(a, b)| Op::MerchantRate(a, b)),
        6 => (m(), shop(), amount(), any::<bool>(), proptest::option::of(0u8..3))
            .prop_map(|(a, b, c, d, e)| Op::Pay(a, b, c, d, e)),
        3 => (1u8..7, proptest::option::of(amount())).prop_map(|(a, b)| Op::Capture(a, b)),
        1 => (1u8..7).prop_map(Op::Void),
        3 => (1u8..7, proptest::option::of(amount())).prop_map(|(a, b)| Op::Refund(a, b)),
        3 => proptest::option::of(shop()).prop_map(Op::Settle),
        2 => Just(Op::Retry),
        1 => Just(Op::Conflict),
    ]
}

// ---------------------------------------------------------------------------------------------
// The outside world: six bank accounts the operations touch.

/// 0..3: members' accounts; 3..5: merchants' settlement accounts; 5: an external payee.
fn bank_account(i: u8) -> (&'static str, String) {
    match i {
        0 => ("KB", "100-0".into()),
        1 => ("WOORI", "100-1".into()),
        2 => ("NH", "100-2".into()),
        3 => ("SHINHAN", "200-0".into()),
        4 => ("SHINHAN", "200-1".into()),
        _ => ("SC", "9-9".into()),
    }
}

fn mem_ref(m: &Mem) -> String {
    match m {
        Mem::Id(n) => format!("mem_{n}"),
        Mem::Email(i) => format!("M{i}@Example.COM"),
    }
}

fn d(n: u32) -> Decimal {
    Decimal::from(n)
}

fn command(op: &Op) -> Command {
    match op.clone() {
        Op::Register(i) => Command::RegisterMember {
            name: format!("Member {i}"),
            email: format!("m{i}@example.com"),
            address: None,
            corporate: i % 2 == 1,
        },
        Op::RegisterBlankName => Command::RegisterMember {
            name: "  ".into(),
            email: "blank@example.com".into(),
            address: None,
            corporate: false,
        },
        Op::Update(m) => Command::UpdateMember {
            member: mem_ref(&m),
            name: Some("Renamed".into()),
            address: Some("Seoul".into()),
        },
        Op::Deactivate(m) => Command::DeactivateMember {
            member: mem_ref(&m),
        },
        Op::Reactivate(m) => Command::ReactivateMember {
            member: mem_ref(&m),
        },
        Op::Link(m, b) => {
            let (bank, account) = bank_account(b);
            Command::LinkBank {
                member: mem_ref(&m),
                bank: bank.into(),
                account,
            }
        }
        Op::Unlink(m, b) => {
            let (bank, account) = bank_account(b);
            Command::UnlinkBank {
                link: LinkRef::Account {
                    member: mem_ref(&m),
                    bank: bank.into(),
                    account,
                },
            }
        }
        Op::SimSet(b, balance, closed) => {
            let (bank, account) = bank_account(b);
            Command::SimSet {
                bank: bank.into(),
                account,
                balance: balance.map(d),
                closed,
            }
        }
        Op::Recharge(m, a) => Command::Recharge {
            member: mem_ref(&m),
            amount: d(a),
            link: None,
        },
        Op::RechargeFraction(m) => Command::Recharge {
            member: mem_ref(&m),
            amount: Decimal::new(15, 1),
            link: None,
        },
        Op::Withdraw(m, a) => Command::Withdraw {
            member: mem_ref(&m),
            amount: d(a),
            link: None,
        },
        Op::Remit(f, t, a, auto) => Command::Remit {
            from: mem_ref(&f),
            amount: d(a),
            to: RemitTo::Member(mem_ref(&t)),
            auto_recharge: auto,
        },
        Op::RemitOut(f, a, auto) => {
            let (bank, account) = bank_account(5);
            Command::Remit {
                from: mem_ref(&f),
                amount: d(a),
                to: RemitTo::Bank {
                    bank: bank.into(),
                    account,
                },
                auto_recharge: auto,
            }
        }
        Op::Merchant(i, rate) => {
            let (bank, account) = bank_account(3 + i);
            Command::RegisterMerchant {
                name: format!("Shop {i}"),
                code: format!("SHOP{i}"),
                fee_rate: Decimal::new(i64::from(rate), 2),
                bank: bank.into(),
                account,
            }
        }
        Op::MerchantRate(s, rate) => Command::UpdateMerchant {
            merchant: format!("SHOP{s}"),
            fee_rate: Some(Decimal::new(i64::from(rate), 2)),
            bank: None,
            account: None,
        },
        Op::Pay(m, s, a, hold, r) => Command::Pay {
            member: mem_ref(&m),
            merchant: format!("SHOP{s}"),
            amount: d(a),
            reference: r.map(|r| format!("order-{r}")),
            hold,
            auto_recharge: true,
        },
        Op::Capture(p, a) => Command::Capture {
            payment: format!("pay_{p}"),
            amount: a.map(d),
        },
        Op::Void(p) => Command::Void {
            payment: format!("pay_{p}"),
        },
        Op::Refund(p, a) => Command::Refund {
            payment: format!("pay_{p}"),
            amount: a.map(d),
        },
        Op::Settle(s) => Command::Settle {
            merchant: s.map(|s| format!("SHOP{s}")),
            cutoff: None,
        },
        Op::Wait(_) | Op::Retry | Op::Conflict => Command::RegisterMember {
            name: "Conflict".into(),
            email: "conflict@example.com".into(),
            address: None,
            corporate: false,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The reference model: SPEC §3 and §4, in whole won, with no SQL and no events.

/// What a command answers: the id it created (or `settled` ids), or the error code.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Applied(Option<String>, Vec<String>),
    Rejected(ErrorCode),
}

use ErrorCode::{
    BankDeclined, Duplicate, IdempotencyConflict, InsufficientFunds, InvalidInput, InvalidState,
    MemberInactive, NoLinkedAccount, NotFound, RefundExceedsPayment,
};

#[derive(Debug, Clone)]
struct Member {
    slot: u8,
    active: bool,
    /// Linked accounts (bank account index), oldest first; the first is the primary.
    links: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Merchant {
    slot: u8,
    rate: Decimal,
    deficit: i64,
}

#[derive(Debug, Clone, PartialEq)]
enum PayStatus {
    Authorized { expires: Timestamp },
    Captured { at: Timestamp },
    Voided,
}

#[derive(Debug, Clone)]
struct Payment {
    member: usize,
    merchant: usize,
    amount: i64,
    rate: Decimal,
    reference: Option<u8>,
    status: PayStatus,
    captured: i64,
    refunded: i64,
    settled: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sim {
    balance: Option<i64>,
    closed: bool,
}

#[derive(Debug, Default)]
struct Model {
    members: Vec<Member>,
    merchants: Vec<Merchant>,
    payments: Vec<Payment>,
    sims: [Sim; 6],
    wallets: Vec<i64>,
    ledger: BTreeMap<String, i64>,
    counters: HashMap<&'static str, u32>,
    keys: HashMap<String, (Op, Answer)>,
    now: Option<Timestamp>,
}

const UNIT: i64 = 10_000;
const HOLD: i64 = 7 * 24 * 3600;

type Step = Result<Answer, ErrorCode>;

impl Model {
    fn now(&self) -> Timestamp {
        self.now.unwrap_or_default()
    }

    fn next(&mut self, kind: &'static str) -> String {
        let n = self.counters.entry(kind).or_insert(0);
        *n += 1;
        format!("{kind}_{n}")
    }

    fn post(&mut self, postings: &[(String, i64)]) {
        for (account, amount) in postings {
            *self.ledger.entry(account.clone()).or_insert(0) += amount;
        }
    }

    fn wallet(i: usize) -> String {
        format!("liabilities:wallets:mem_{}", i + 1)
    }

    fn merchant_account(i: usize) -> String {
        format!("liabilities:merchants:mer_{}", i + 1)
    }

    fn member(&self, m: &Mem) -> Result<usize, ErrorCode> {
        match m {
            Mem::Id(n) => {
                let i = usize::from(*n) - 1;
                if i < self.members.len() {
                    Ok(i)
                } else {
                    Err(NotFound)
                }
            }
            Mem::Email(slot) => self
                .members
                .iter()
                .position(|x| x.slot == *slot)
                .ok_or(NotFound),
        }
    }

    fn merchant(&self, slot: u8) -> Result<usize, ErrorCode> {
        self.merchants
            .iter()
            .position(|x| x.slot == slot)
            .ok_or(NotFound)
    }

    fn payment(&self, n: u8) -> Result<usize, ErrorCode> {
        let i = usize::from(n) - 1;
        if i < self.payments.len() {
            Ok(i)
        } else {
            Err(NotFound)
        }
    }

    fn active(&self, i: usize) -> Result<(), ErrorCode> {
        if self.members[i].active {
            Ok(())
        } else {
            Err(MemberInactive)
        }
    }

    fn held(&self, member: usize) -> i64 {
        let now = self.now();
        self.payments
            .iter()
            .filter(|p| p.member == member)
            .filter_map(|p| match p.status {
                PayStatus::Authorized { expires } if expires > now => Some(p.amount),
                _ => None,
            })
            .sum()
    }

    fn available(&self, member: usize) -> i64 {
        self.wallets[member] - self.held(member)
    }

    /// A debit of an external account by firm banking (a recharge).
    fn bank_debit(&mut self, account: u8, amount: i64) -> bool {
        self.next("fb");
        let sim = &mut self.sims[usize::from(account)];
        if sim.closed || sim.balance.is_some_and(|b| amount > b) {
            return false;
        }
        if let Some(b) = &mut sim.balance {
            *b -= amount;
        }
        true
    }

    /// A credit of an external account by firm banking (withdrawal, external remit, payout).
    fn bank_credit(&mut self, account: u8, amount: i64) -> bool {
        self.next("fb");
        let sim = &mut self.sims[usize::from(account)];
        if sim.closed {
            return false;
        }
        if let Some(b) = &mut sim.balance {
            *b += amount;
        }
        true
    }

    /// Recharge `amount` from the member's primary link: (rch id, succeeded).
    fn recharge(&mut self, member: usize, amount: i64) -> (String, bool) {
        let id = self.next("rch");
        let account = self.members[member].links[0];
        let ok = self.bank_debit(account, amount);
        if ok {
            self.wallets[member] += amount;
            self.post(&[
                ("assets:bank:house".into(), amount),
                (Self::wallet(member), -amount),
            ]);
        }
        (id, ok)
    }

    /// Wallet → an external account through the house (withdrawal, external remittance); a
    /// declined transfer leaves the wallet as it was.
    fn pay_out(&mut self, member: usize, account: u8, amount: i64) -> Result<(), ErrorCode> {
        if !self.bank_credit(account, amount) {
            return Err(BankDeclined);
        }
        self.wallets[member] -= amount;
        self.post(&[
            (Self::wallet(member), amount),
            ("assets:bank:house".into(), -amount),
        ]);
        Ok(())
    }

    /// The seed's auto-recharge before a pay or remit: Ok when the wallet now covers `amount`.
    fn cover(&mut self, member: usize, amount: i64, auto: bool) -> Result<(), ErrorCode> {
        let short = amount - self.available(member);
        if short <= 0 {
            return Ok(());
        }
        if !auto || self.members[member].links.is_empty() {
            return Err(InsufficientFunds);
        }
        let top_up = (short + UNIT - 1) / UNIT * UNIT;
        match self.recharge(member, top_up) {
            (_, true) => Ok(()),
            (_, false) => Err(BankDeclined),
        }
    }

    fn positive(amount: u32) -> Result<i64, ErrorCode> {
        if amount == 0 {
            Err(InvalidInput)
        } else {
            Ok(i64::from(amount))
        }
    }

    fn rate(hundredths: u16) -> Result<Decimal, ErrorCode> {
        if hundredths > 10_000 {
            Err(InvalidInput)
        } else {
            Ok(Decimal::new(i64::from(hundredths), 2))
        }
    }

    /// Releases what a command at `now` sees as expired (nothing to post: holds are not postings).
    fn expire(&mut self) {
        let now = self.now();
        for p in &mut self.payments {
            if matches!(p.status, PayStatus::Authorized { expires } if expires <= now) {
                p.status = PayStatus::Voided;
            }
        }
    }

    fn apply(&mut self, op: &Op) -> Step {
        self.expire();
        let now = self.now();
        let applied = |id: String| Ok(Answer::Applied(Some(id), Vec::new()));
        match op {
            Op::Register(slot) => {
                if self.members.iter().any(|m| m.slot == *slot) {
                    return Err(Duplicate);
                }
                self.members.push(Member {
                    slot: *slot,
                    active: true,
                    links: Vec::new(),
                });
                self.wallets.push(0);
                applied(self.next("mem"))
            }
            Op::RegisterBlankName => Err(InvalidInput),
            Op::Update(m) => {
                let i = self.member(m)?;
                self.active(i)?;
                applied(format!("mem_{}", i + 1))
            }
            Op::Deactivate(m) => {
                let i = self.member(m)?;
                self.active(i)?;
                self.members[i].active = false;
                applied(format!("mem_{}", i + 1))
            }
            Op::Reactivate(m) => {
                let i = self.member(m)?;
                if self.members[i].active {
                    return Err(InvalidState);
                }
                self.members[i].active = true;
                applied(format!("mem_{}", i + 1))
            }
            Op::Link(m, b) => {
                let i = self.member(m)?;
                self.active(i)?;
                if self.members[i].links.contains(b) {
                    return Err(Duplicate);
                }
                if self.sims[usize::from(*b)].closed {
                    return Err(BankDeclined);
                }
                self.members[i].links.push(*b);
                applied(self.next("bnk"))
            }
            Op::Unlink(m, b) => {
                let i = self.member(m)?;
                // The link is a reference too: not_found comes before member_inactive.
                let at = self.members[i]
                    .links
                    .iter()
                    .position(|x| x == b)
                    .ok_or(NotFound)?;
                self.active(i)?;
                self.members[i].links.remove(at);
                Ok(Answer::Applied(None, Vec::new()))
            }
            Op::SimSet(b, balance, closed) => {
                let sim = &mut self.sims[usize::from(*b)];
                if let Some(balance) = balance {
                    sim.balance = Some(i64::from(*balance));
                }
                if let Some(closed) = closed {
                    sim.closed = *closed;
                }
                Ok(Answer::Applied(None, Vec::new()))
            }
            Op::Recharge(m, a) => {
                let i = self.member(m)?;
                self.active(i)?;
                let amount = Self::positive(*a)?;
                if self.members[i].links.is_empty() {
                    return Err(NoLinkedAccount);
                }
                match self.recharge(i, amount) {
                    (id, true) => applied(id),
                    (_, false) => Err(BankDeclined),
                }
            }
            Op::RechargeFraction(m) => {
                let i = self.member(m)?;
                self.active(i)?;
                Err(InvalidInput)
            }
            Op::Withdraw(m, a) => {
                let i = self.member(m)?;
                let amount = Self::positive(*a)?;
                if self.members[i].links.is_empty() {
                    return Err(NoLinkedAccount);
                }
                if self.available(i) < amount {
                    return Err(InsufficientFunds);
                }
                let id = self.next("wdr");
                let account = self.members[i].links[0];
                self.pay_out(i, account, amount)?;
                applied(id)
            }
            Op::Remit(f, t, a, auto) => {
                let from = self.member(f)?;
                let to = self.member(t)?;
                self.active(from)?;
                self.active(to)?;
                let amount = Self::positive(*a)?;
                if from == to {
                    return Err(InvalidInput);
                }
                self.cover(from, amount, *auto)?;
                self.wallets[from] -= amount;
                self.wallets[to] += amount;
                self.post(&[(Self::wallet(from), amount), (Self::wallet(to), -amount)]);
                applied(self.next("rem"))
            }
            Op::RemitOut(f, a, auto) => {
                let from = self.member(f)?;
                self.active(from)?;
                let amount = Self::positive(*a)?;
                self.cover(from, amount, *auto)?;
                let id = self.next("rem");
                self.pay_out(from, 5, amount)?;
                applied(id)
            }
            Op::Merchant(slot, r) => {
                let rate = Self::rate(*r)?;
                if self.merchants.iter().any(|m| m.slot == *slot) {
                    return Err(Duplicate);
                }
                if self.sims[usize::from(3 + slot)].closed {
                    return Err(BankDeclined);
                }
                self.merchants.push(Merchant {
                    slot: *slot,
                    rate,
                    deficit: 0,
                });
                applied(self.next("mer"))
            }
            Op::MerchantRate(slot, r) => {
                let i = self.merchant(*slot)?;
                self.merchants[i].rate = Self::rate(*r)?;
                applied(format!("mer_{}", i + 1))
            }
            Op::Pay(m, s, a, hold, r) => {
                let member = self.member(m)?;
                let merchant = self.merchant(*s)?;
                self.active(member)?;
                let amount = Self::positive(*a)?;
                if r.is_some() && self.payments.iter().any(|p| p.reference == *r) {
                    return Err(Duplicate);
                }
                self.cover(member, amount, true)?;
                let status = if *hold {
                    PayStatus::Authorized {
                        expires: now + Duration::seconds(HOLD),
                    }
                } else {
                    self.wallets[member] -= amount;
                    self.post(&[
                        (Self::wallet(member), amount),
                        (Self::merchant_account(merchant), -amount),
                    ]);
                    PayStatus::Captured { at: now }
                };
                self.payments.push(Payment {
                    member,
                    merchant,
                    amount,
                    rate: self.merchants[merchant].rate,
                    reference: *r,
                    status,
                    captured: if *hold { 0 } else { amount },
                    refunded: 0,
                    settled: false,
                });
                applied(self.next("pay"))
            }
            Op::Capture(n, a) => {
                let i = self.payment(*n)?;
                let amount = a.map(Self::positive).transpose()?;
                let p = &self.payments[i];
                if !matches!(p.status, PayStatus::Authorized { .. }) {
                    return Err(InvalidState);
                }
                let amount = amount.unwrap_or(p.amount);
                if amount > p.amount {
                    return Err(InvalidState);
                }
                let (member, merchant) = (p.member, p.merchant);
                let p = &mut self.payments[i];
                p.status = PayStatus::Captured { at: now };
                p.captured = amount;
                self.wallets[member] -= amount;
                self.post(&[
                    (Self::wallet(member), amount),
                    (Self::merchant_account(merchant), -amount),
                ]);
                applied(format!("pay_{n}"))
            }
            Op::Void(n) => {
                let i = self.payment(*n)?;
                if !matches!(self.payments[i].status, PayStatus::Authorized { .. }) {
                    return Err(InvalidState);
                }
                self.payments[i].status = PayStatus::Voided;
                applied(format!("pay_{n}"))
            }
            Op::Refund(n, a) => {
                let i = self.payment(*n)?;
                let amount = a.map(Self::positive).transpose()?;
                let p = &self.payments[i];
                if !matches!(p.status, PayStatus::Captured { .. }) {
                    return Err(InvalidState);
                }
                let left = p.captured - p.refunded;
                let amount = amount.unwrap_or(left);
                if amount > left || amount == 0 {
                    return Err(RefundExceedsPayment);
                }
                let (member, merchant, settled) = (p.member, p.merchant, p.settled);
                self.payments[i].refunded += amount;
                if settled {
                    self.merchants[merchant].deficit += amount;
                }
                self.wallets[member] += amount;
                self.post(&[
                    (Self::merchant_account(merchant), amount),
                    (Self::wallet(member), -amount),
                ]);
                applied(self.next("ref"))
            }
            Op::Settle(s) => {
                let which: Vec<usize> = match s {
                    Some(slot) => vec![self.merchant(*slot)?],
                    None => (0..self.merchants.len()).collect(),
                };
                let mut settled = Vec::new();
                let mut failed = false;
                for m in which {
                    let included: Vec<usize> = (0..self.payments.len())
                        .filter(|&i| {
                            let p = &self.payments[i];
                            p.merchant == m
                                && !p.settled
                                && matches!(p.status, PayStatus::Captured { at } if at < now)
                        })
                        .collect();
                    if included.is_empty() {
                        continue;
                    }
                    let mut net = 0;
                    let mut fee = 0;
                    for &i in &included {
                        let p = &self.payments[i];
                        let n = p.captured - p.refunded;
                        net += n;
                        let f = (Decimal::from(n) * p.rate / Decimal::ONE_HUNDRED)
                            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                        fee += i64::try_from(f).unwrap_or(i64::MAX);
                    }
                    let payout = net - fee - self.merchants[m].deficit;
                    let id = self.next("stl");
                    if payout > 0 && !self.bank_credit(3 + self.merchants[m].slot, payout) {
                        failed = true;
                        continue;
                    }
                    for &i in &included {
                        self.payments[i].settled = true;
                    }
                    self.merchants[m].deficit = if payout < 0 { -payout } else { 0 };
                    self.post(&[
                        (Self::merchant_account(m), fee),
                        ("income:fees".into(), -fee),
                    ]);
                    if payout > 0 {
                        self.post(&[
                            (Self::merchant_account(m), payout),
                            ("assets:bank:house".into(), -payout),
                        ]);
                    }
                    settled.push(id);
                }
                if failed {
                    Err(BankDeclined)
                } else {
                    Ok(Answer::Applied(None, settled))
                }
            }
            Op::Wait(_) | Op::Retry | Op::Conflict => Ok(Answer::Applied(None, Vec::new())),
        }
    }

    /// One keyed command: a replay answers the first outcome, a changed request conflicts.
    fn keyed(&mut self, key: &str, op: &Op) -> (Answer, bool) {
        if let Some((first, answer)) = self.keys.get(key) {
            if first == op {
                return (answer.clone(), true);
            }
            return (Answer::Rejected(IdempotencyConflict), false);
        }
        let answer = match self.apply(op) {
            Ok(a) => a,
            Err(code) => Answer::Rejected(code),
        };
        self.keys
            .insert(key.to_string(), (op.clone(), answer.clone()));
        (answer, false)
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison.

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// What the engine answered, in the model's terms. `id` is compared only where the model
/// names one (creating commands and the member/payment/merchant they act on).
fn answer_of(outcome: &payctl_core::Outcome, model: &Answer) -> Answer {
    match &outcome.result {
        Ok(applied) => {
            let settled = applied.settled.iter().map(ToString::to_string).collect();
            let id = match model {
                Answer::Applied(Some(_), _) => applied.id.as_ref().map(ToString::to_string),
                _ => None,
            };
            Answer::Applied(id, settled)
        }
        Err(e) => Answer::Rejected(e.code),
    }
}

/// Outcomes over all cases, printed at the end: shows the sequences reach every rule.
static TALLY: Mutex<BTreeMap<String, u64>> = Mutex::new(BTreeMap::new());

fn tally(answer: &Answer, replayed: bool) {
    let name = match (answer, replayed) {
        (_, true) => "replayed".to_string(),
        (Answer::Applied(..), false) => "applied".to_string(),
        (Answer::Rejected(code), false) => code.as_str().to_string(),
    };
    if let Ok(mut t) = TALLY.lock() {
        *t.entry(name).or_insert(0) += 1;
    }
}

fn check_state(engine: &mut Engine, model: &Model, step: usize) -> Result<(), TestCaseError> {
    let problems = engine.check_invariants().map_err(fail)?;
    prop_assert!(problems.is_empty(), "step {step}: {problems:?}");
    let now = model.now();
    for (i, expected) in model.wallets.iter().enumerate() {
        let b = engine
            .balance(&format!("mem_{}", i + 1), now)
            .map_err(fail)?;
        prop_assert_eq!(
            b.balance,
            Decimal::from(*expected),
            "step {}: mem_{} balance",
            step,
            i + 1
        );
        prop_assert_eq!(
            b.available,
            Decimal::from(model.available(i)),
            "step {}: mem_{} available",
            step,
            i + 1
        );
    }
    let actual: BTreeMap<String, Decimal> = engine
        .ledger_balances()
        .map_err(fail)?
        .into_iter()
        .filter(|b| !b.balance.is_zero())
        .map(|b| (b.account, b.balance))
        .collect();
    let expected: BTreeMap<String, Decimal> = model
        .ledger
        .iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| (k.clone(), Decimal::from(*v)))
        .collect();
    prop_assert_eq!(actual, expected, "step {}: ledger balances", step);
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(fail)?;
    // A file, or a schema on the server `PAYCTL_TEST_DB` names.
    let db = payctl_core::testing::TestDb::in_dir(dir.path(), "model.db");
    let mut engine = Engine::open(db.path(), OpenMode::CreateIfMissing).map_err(fail)?;
    // Durability is not what this test is about (the crash tests are): no fsync per step.
    engine.set_durable(false).map_err(fail)?;
    let mut at = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let ctx = |at, key: Option<String>| Context {
        at: Some(at),
        actor: "model".into(),
        idempotency_key: key,
    };
    engine
        .init(&InitOptions::default(), &ctx(at, None))
        .map_err(fail)?;
    let mut model = Model::default();
    let mut previous: Option<(String, Op)> = None;
    // A fixed opening (three members, two with a bank, a shop), so that the random steps reach
    // the deeper rules instead of mostly not_found.
    let opening = [
        Op::Register(0),
        Op::Register(1),
        Op::Register(2),
        Op::Link(Mem::Id(1), 0),
        Op::Link(Mem::Id(2), 1),
        Op::Merchant(0, 235),
    ];
    for (step, op) in opening.iter().chain(ops).enumerate() {
        at += Duration::seconds(1);
        if let Op::Wait(secs) = op {
            at += Duration::seconds(i64::from(*secs));
            continue;
        }
        let (key, real) = match (op, &previous) {
            (Op::Retry, Some((key, op))) => (key.clone(), op.clone()),
            (Op::Conflict, Some((key, _))) => (key.clone(), Op::Conflict),
            (Op::Retry | Op::Conflict, None) => continue,
            _ => (format!("k{step}"), op.clone()),
        };
        model.now = Some(at);
        let (expected, replayed) = model.keyed(&key, &real);
        let head = engine.log_head().map_err(fail)?;
        let outcome = match engine.execute(&command(&real), &ctx(at, Some(key.clone()))) {
            Ok(outcome) => outcome,
            // A changed request under a used key is refused before anything runs.
            Err(e) if e.code == IdempotencyConflict => payctl_core::Outcome {
                result: Err(e),
                replayed: false,
            },
            Err(e) => return Err(fail(format!("step {step} {real:?}: {e}"))),
        };
        let actual = answer_of(&outcome, &expected);
        tally(&actual, replayed);
        prop_assert_eq!(&actual, &expected, "step {} {:?} (key {})", step, real, key);
        prop_assert_eq!(
            outcome.replayed,
            replayed,
            "step {} {:?}: replayed",
            step,
            real
        );
        if replayed || matches!(expected, Answer::Rejected(IdempotencyConflict)) {
            prop_assert_eq!(
                engine.log_head().map_err(fail)?,
                head,
                "step {}: a replay wrote",
                step
            );
        }
        if !matches!(op, Op::Retry | Op::Conflict) {
            previous = Some((key, real));
        }
        check_state(&mut engine, &model, step)?;
        if step % 50 == 49 {
            let report = engine.verify().map_err(fail)?;
            prop_assert!(report.ok(), "step {step}: {:?}", report.problems);
        }
    }
    let report = engine.verify().map_err(fail)?;
    prop_assert!(report.ok(), "end: {:?}", report.problems);
    // The live writes and a rebuild (the same fold into memory, loaded in bulk) agree.
    let live = engine.projection_digest().map_err(fail)?;
    let rebuilt = engine.rebuild().map_err(fail)?;
    prop_assert_eq!(
        rebuilt.projection_digest,
        live,
        "a rebuild made other read models"
    );
    Ok(())
}

fn config() -> (Config, usize) {
    let (cases, steps) = if full_tier() { (4096, 200) } else { (256, 50) };
    let config = Config {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    };
    (config, steps)
}

fn runner_cases() -> u32 {
    config().0.cases
}

#[test]
fn the_engine_agrees_with_the_reference_model_step_by_step() {
    let (config, steps) = config();
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let strategy = prop::collection::vec(op(), steps..=steps);
    match runner.run(&strategy, |ops| run(&ops)) {
        Ok(()) => {
            if let Ok(t) = TALLY.lock() {
                eprintln!("{} cases × {steps} steps; outcomes: {t:?}", runner_cases());
            }
        }
        Err(proptest::test_runner::TestError::Fail(reason, ops)) => {
            // The shrunk case, without the waits that shrinking left in place of other steps.
            let steps: Vec<String> = ops
                .iter()
                .enumerate()
                .filter(|(_, op)| **op != Op::Wait(0))
                .map(|(i, op)| format!("  {i}: {op:?}"))
                .collect();
            panic!("{reason}\nminimal case:\n{}", steps.join("\n"));
        }
        Err(e) => panic!("{e}"),
    }
}

/// Shrunk cases kept as plain tests (readable, and run first whatever the seed).
mod regressions {
    use super::*;

    /// Found by this test: unlinking an account the member never linked, after deactivation,
    /// is `not_found` (the link is a reference; references come first in the SPEC's order).
    #[test]
    fn unlink_of_an_unknown_account_by_an_inactive_member_is_not_found() {
        let ops = [Op::Deactivate(Mem::Id(1)), Op::Unlink(Mem::Id(1), 2)];
        run(&ops).unwrap_or_else(|e| panic!("{e}"));
    }

    /// A command exactly at a hold's expiry sees it released (SPEC: "at or after that instant").
    #[test]
    fn a_hold_is_released_at_the_instant_it_expires() {
        let ops = [
            Op::Pay(Mem::Id(1), 0, 5_000, true, None),
            Op::Wait(7 * 24 * 3600 - 2),
            Op::Capture(1, None),
            Op::Withdraw(Mem::Id(1), 5_000),
        ];
        run(&ops).unwrap_or_else(|e| panic!("{e}"));
    }

    /// A refund of a settled payment is carried into the next settlement as a deficit, and a
    /// negative payout is carried again.
    #[test]
    fn refunds_after_settlement_become_the_next_deficit() {
        let ops = [
            Op::Pay(Mem::Id(1), 0, 20_000, false, None),
            Op::Settle(None),
            Op::Refund(1, Some(15_000)),
            Op::Pay(Mem::Id(1), 0, 10_000, false, None),
            Op::Settle(Some(0)),
            Op::Pay(Mem::Id(1), 0, 30_000, false, None),
            Op::Settle(None),
        ];
        run(&ops).unwrap_or_else(|e| panic!("{e}"));
    }
}
