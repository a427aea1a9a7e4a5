//! The six services' rules. Each service file has `decide(state, command) -> Decision`: it reads
//! the current state only through `StateView` (plain values, no SQL here), never reads the clock
//! (the time comes in `Env`), and returns the events to record plus the outcome.

pub mod banking;
pub mod limits;
pub mod membership;
pub mod money;
pub mod payment;
pub mod remittance;
pub mod settlement;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bank::{BankGateway, SimAccounts};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Event};
use crate::ids::{Id, Kind};
use crate::money::{Amount, FeeRate};
use crate::projections::Settings;

/// A request to change the platform, as the CLI, the import and the console build it. References
/// (`member`, `merchant`, `payment`) are as the user typed them: an id, an email, a code, a ref.
/// Serialized (canonically) it is the idempotency identity of the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    RegisterMember {
        name: String,
        email: String,
        address: Option<String>,
        corporate: bool,
    },
    UpdateMember {
        member: String,
        name: Option<String>,
        address: Option<String>,
    },
    DeactivateMember {
        member: String,
    },
    ReactivateMember {
        member: String,
    },
    LinkBank {
        member: String,
        bank: String,
        account: String,
    },
    UnlinkBank {
        link: LinkRef,
    },
    SimSet {
        bank: String,
        account: String,
        balance: Option<Decimal>,
        closed: Option<bool>,
    },
    Recharge {
        member: String,
        amount: Decimal,
        link: Option<String>,
    },
    Withdraw {
        member: String,
        amount: Decimal,
        link: Option<String>,
    },
    Remit {
        from: String,
        amount: Decimal,
        to: RemitTo,
        auto_recharge: bool,
    },
    RegisterMerchant {
        name: String,
        code: String,
        fee_rate: Decimal,
        bank: String,
        account: String,
    },
    UpdateMerchant {
        merchant: String,
        fee_rate: Option<Decimal>,
        bank: Option<String>,
        account: Option<String>,
    },
    Pay {
        member: String,
        merchant: String,
        amount: Decimal,
        reference: Option<String>,
        hold: bool,
        auto_recharge: bool,
    },
    Capture {
        payment: String,
        amount: Option<Decimal>,
    },
    Void {
        payment: String,
    },
    Refund {
        payment: String,
        amount: Option<Decimal>,
    },
    Settle {
        merchant: Option<String>,
        cutoff: Option<Timestamp>,
    },
}

/// Which link to remove: its id, or the member's bank + account (the import's form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkRef {
    Id(String),
    Account {
        member: String,
        bank: String,
        account: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemitTo {
    Member(String),
    Bank { bank: String, account: String },
}

impl Command {
    /// Canonical form for idempotency: amounts compared as decimals (`10000` = `10,000.0`).
    pub fn normalized(&self) -> Command {
        let n = |d: &Decimal| d.normalize();
        let mut c = self.clone();
        match &mut c {
            Command::SimSet { balance, .. } => *balance = balance.as_ref().map(n),
            Command::Recharge { amount, .. }
            | Command::Withdraw { amount, .. }
            | Command::Remit { amount, .. }
            | Command::Pay { amount, .. } => *amount = n(amount),
            Command::RegisterMerchant { fee_rate, .. } => *fee_rate = n(fee_rate),
            Command::UpdateMerchant { fee_rate, .. } => *fee_rate = fee_rate.as_ref().map(n),
            Command::Capture { amount, .. } | Command::Refund { amount, .. } => {
                *amount = amount.as_ref().map(n)
            }
            _ => {}
        }
        c
    }
}

// ----- state as decide sees it -----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub id: Id,
    pub member: Id,
    pub account: BankAccount,
    pub primary: bool,
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalletView {
    pub balance_minor: i64,
    /// Active holds (expired ones are released before decide runs).
    pub held_minor: i64,
}

impl WalletView {
    pub fn available_minor(self) -> i64 {
        self.balance_minor - self.held_minor
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantView {
    pub id: Id,
    pub code: String,
    pub fee_rate: FeeRate,
    pub account: BankAccount,
    pub deficit_minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    Authorized,
    Captured,
    Voided,
    Expired,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Authorized => "authorized",
            PaymentStatus::Captured => "captured",
            PaymentStatus::Voided => "voided",
            PaymentStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        [
            Self::Authorized,
            Self::Captured,
            Self::Voided,
            Self::Expired,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentView {
    pub id: Id,
    pub member: Id,
    pub merchant: Id,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub fee_rate: FeeRate,
    pub status: PaymentStatus,
    pub held: bool,
    pub expires_at: Option<Timestamp>,
    pub settled: bool,
}

/// Read access to current state, in the command's transaction. Implemented over SQL by the engine.
pub trait StateView: SimAccounts {
    fn member(&self, reference: &str) -> Result<Option<MemberView>>;
    fn email_taken(&self, email: &str) -> Result<bool>;
    fn wallet(&self, member: Id) -> Result<WalletView>;
    fn link(&self, id: Id) -> Result<Option<LinkView>>;
    fn primary_link(&self, member: Id) -> Result<Option<LinkView>>;
    /// Active links of a member, oldest first.
    fn links(&self, member: Id) -> Result<Vec<LinkView>>;
    fn merchant(&self, reference: &str) -> Result<Option<MerchantView>>;
    fn code_taken(&self, code: &str) -> Result<bool>;
    fn payment(&self, reference: &str) -> Result<Option<PaymentView>>;
    fn reference_taken(&self, reference: &str) -> Result<bool>;
    /// Merchants with captured, unsettled payments captured before `cutoff`, by id.
    fn merchants_to_settle(&self, cutoff: Timestamp) -> Result<Vec<MerchantView>>;
    /// Those payments of one merchant, by id.
    fn payments_to_settle(&self, merchant: Id, cutoff: Timestamp) -> Result<Vec<PaymentView>>;
    fn last_id(&self, kind: Kind) -> Result<i64>;
    /// A ledger account's balance in minor units (0 for an account with no postings yet).
    fn account_balance(&self, account: &str) -> Result<i64>;
}

/// What a decision returns when the command applies: the main id, any ids it settled, and a few
/// facts to show (kept verbatim for idempotent replays).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Applied {
    pub id: Option<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settled: Vec<Id>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl Applied {
    pub fn id(id: Id) -> Applied {
        Applied {
            id: Some(id),
            ..Applied::default()
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Applied {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// Events to record, and the outcome. A refusal may still carry events that the SPEC records on
/// purpose (a failed recharge, a failed payout).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub events: Vec<Event>,
    pub outcome: Result<Applied, Error>,
}

impl Decision {
    pub fn applied(events: Vec<Event>, applied: Applied) -> Decision {
        Decision {
            events,
            outcome: Ok(applied),
        }
    }

    pub fn refused(error: Error) -> Decision {
        Decision {
            events: Vec::new(),
            outcome: Err(error),
        }
    }
}

impl From<Error> for Decision {
    fn from(e: Error) -> Decision {
        Decision::refused(e)
    }
}

/// The command's surroundings: time, settings, and the id allocator (ids are handed out in the
/// order the decision needs them; a refused decision's ids are never recorded).
pub struct Env<'a> {
    pub at: Timestamp,
    pub settings: &'a Settings,
    next: HashMap<Kind, i64>,
}

impl<'a> Env<'a> {
    pub fn new(at: Timestamp, settings: &'a Settings) -> Env<'a> {
        Env {
            at,
            settings,
            next: HashMap::new(),
        }
    }

    pub fn next_id(&mut self, state: &dyn StateView, kind: Kind) -> Result<Id> {
        let n = match self.next.get(&kind) {
            Some(n) => *n,
            None => state.last_id(kind)? + 1,
        };
        self.next.insert(kind, n + 1);
        Ok(Id::new(kind, n))
    }

    pub fn currency(&self) -> crate::money::Currency {
        self.settings.currency
    }

    /// Validates an amount to move (> 0, minor units, range) and names the field on failure.
    pub fn amount(&self, field: &str, value: Decimal) -> Result<Amount> {
        Amount::positive(value, self.currency())
            .map_err(|e| Error::new(ErrorCode::InvalidInput, format!("{field}: {e}")))
    }

    pub fn minor(&self, a: Amount) -> i64 {
        a.to_minor(self.currency())
    }

    pub fn from_minor(&self, minor: i64) -> Amount {
        Amount::from_minor(minor, self.currency())
    }

    /// An amount as people read it in a message: `7,000 KRW`.
    pub fn shown(&self, amount: Amount) -> String {
        crate::money::shown(amount.decimal(), self.currency())
    }

    /// `shown` of minor units.
    pub fn shown_minor(&self, minor: i64) -> String {
        crate::money::shown_minor(minor, self.currency())
    }
}

/// Resolves a member reference or reports `not_found` naming the field and value.
pub fn require_member(state: &dyn StateView, field: &str, reference: &str) -> Result<MemberView> {
    state
        .member(reference)?
        .ok_or_else(|| Error::not_found(field, reference))
}

pub fn require_active(member: &MemberView) -> Result<()> {
    if member.active {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::MemberInactive,
            format!("member {} is deactivated", member.id),
        ))
    }
}

pub fn validate_bank_account(bank: &str, account: &str) -> Result<BankAccount> {
    let bank_ok = !bank.is_empty()
        && bank.len() <= 32
        && bank
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !bank_ok {
        return Err(Error::invalid(
            "bank",
            bank,
            "use a bank code of letters, digits, '-' or '_'",
        ));
    }
    let account_ok = !account.is_empty()
        && account.len() <= 64
        && account.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && account.bytes().any(|b| b.is_ascii_digit());
    if !account_ok {
        return Err(Error::invalid("account", account, "use digits and dashes"));
    }
    Ok(BankAccount {
        // Bank codes are case-insensitive: one spelling is kept, so `kb` and `KB` are one bank.
        bank: bank.to_ascii_uppercase(),
        account: account.to_string(),
    })
}

/// A member's or a merchant's outside account must not be the house's own: money would move
/// from the house to itself.
pub fn refuse_house(env: &Env<'_>, field: &str, account: &BankAccount) -> Result<()> {
    if account.same_as(&env.settings.house) {
        return Err(Error::invalid(
            field,
            &account.to_string(),
            "is the platform's own (house) bank account",
        ));
    }
    Ok(())
}

pub fn validate_name(field: &str, name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(field, name, "must not be empty"));
    }
    if trimmed.chars().count() > 200 {
        return Err(Error::invalid(field, name, "is longer than 200 characters"));
    }
    Ok(trimmed.to_string())
}

/// The firm-banking event for one transfer, and whether the bank accepted it.
pub fn firm_banking(
    env: &mut Env<'_>,
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    transfer: (&BankAccount, &BankAccount, Amount),
    purpose: Id,
    events: &mut Vec<Event>,
) -> Result<(Id, Result<(), String>)> {
    let (from, to, amount) = transfer;
    let request = env.next_id(state, Kind::FirmBanking)?;
    let result = banks.transfer(from, to, env.minor(amount))?;
    events.push(match &result {
        Ok(()) => Event::FirmBankingCompleted {
            request,
            from: from.clone(),
            to: to.clone(),
            amount,
            purpose,
        },
        Err(reason) => Event::FirmBankingFailed {
            request,
            from: from.clone(),
            to: to.clone(),
            amount,
            purpose,
            reason: reason.clone(),
        },
    });
    Ok((request, result))
}

pub fn bank_declined(what: &str, reason: &str) -> Error {
    Error::new(
        ErrorCode::BankDeclined,
        format!("{what}: bank declined ({reason})"),
    )
}

/// Routes a command to its service, then holds its events to the limits of what payctl keeps.
pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    let decision = decide_in_service(state, banks, env, command)?;
    limits::within_limits(state, env, decision)
}

fn decide_in_service(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    match command {
        Command::RegisterMember { .. }
        | Command::UpdateMember { .. }
        | Command::DeactivateMember { .. }
        | Command::ReactivateMember { .. } => membership::decide(state, banks, env, command),
        Command::LinkBank { .. } | Command::UnlinkBank { .. } | Command::SimSet { .. } => {
            banking::decide(state, banks, env, command)
        }
        Command::Recharge { .. } | Command::Withdraw { .. } => {
            money::decide(state, banks, env, command)
        }
        Command::Remit { .. } => remittance::decide(state, banks, env, command),
        Command::RegisterMerchant { .. }
        | Command::UpdateMerchant { .. }
        | Command::Pay { .. }
        | Command::Capture { .. }
        | Command::Void { .. }
        | Command::Refund { .. } => payment::decide(state, banks, env, command),
        Command::Settle { .. } => settlement::decide(state, banks, env, command),
    }
}
