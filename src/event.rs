//! Every fact payctl records, as one enum. Persisted names never change: `kind` is the serde tag
//! and the `events.kind` column; `SCHEMA` is the payload version (bump it and add an upcaster when a
//! variant's shape changes).
#![deny(clippy::wildcard_enum_match_arm)] // every kind of event is decided on, by name

use serde::{Deserialize, Serialize};

use crate::clock::{Timestamp, serde_ts};
use crate::ids::Id;
use crate::money::{Amount, Currency, FeeRate};

mod decode;

/// Payload schema version written with every event.
pub const SCHEMA: i64 = 1;

/// A bank account outside the platform: bank code + account number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BankAccount {
    pub bank: String,
    pub account: String,
}

impl BankAccount {
    /// The same account: bank codes are case-insensitive (`kb` = `KB`), account numbers exact.
    pub fn same_as(&self, other: &BankAccount) -> bool {
        self.bank.eq_ignore_ascii_case(&other.bank) && self.account == other.account
    }
}

impl std::fmt::Display for BankAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.bank, self.account)
    }
}

/// Where a remittance goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    Member(Id),
    Bank(BankAccount),
}

/// One included payment of a settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledPayment {
    pub payment: Id,
    pub captured: Amount,
    pub refunded: Amount,
    pub fee: Amount,
}

/// The figures of one settlement (SPEC §3 Settlement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementFigures {
    pub settlement: Id,
    pub merchant: Id,
    #[serde(with = "serde_ts")]
    pub cutoff: Timestamp,
    pub payments: Vec<SettledPayment>,
    pub gross: Amount,
    pub refunds: Amount,
    pub fee: Amount,
    /// Refunds on earlier-settled payments plus a carried negative payout, as of this run.
    pub deficit: Amount,
    /// Signed, in minor units of the store currency: may be ≤ 0 (then nothing is paid).
    pub payout_minor: i64,
    pub firm_banking: Option<Id>,
}

/// The event enum is written once and derived twice: `Event` itself, internally tagged by
/// `kind` as it is stored, and `KindFirst`, the same variants externally tagged, through which
/// `Event::from_json` decodes a payload without serde's buffering of internally tagged maps.
macro_rules! event_enum {
    ($($variants:tt)*) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "kind")]
        pub enum Event {
            $($variants)*
        }

        #[derive(Deserialize)]
        #[serde(remote = "Event")]
        #[allow(dead_code)] // only its derived `deserialize` is used
        enum KindFirst {
            $($variants)*
        }
    };
}

event_enum! {
    StoreInitialized {
        store_id: String,
        currency: Currency,
        auto_recharge_unit: Amount,
        hold_expiry_secs: i64,
        house: BankAccount,
    },
    MemberRegistered {
        member: Id,
        name: String,
        email: String,
        address: Option<String>,
        corporate: bool,
    },
    MemberUpdated {
        member: Id,
        name: Option<String>,
        address: Option<String>,
    },
    MemberDeactivated {
        member: Id,
    },
    /// A deactivated member is active again: every rule treats it as never deactivated.
    MemberReactivated {
        member: Id,
    },
    BankAccountLinked {
        link: Id,
        member: Id,
        account: BankAccount,
        primary: bool,
    },
    BankAccountUnlinked {
        link: Id,
        member: Id,
        /// The link that became primary because the primary was unlinked.
        new_primary: Option<Id>,
    },
    BankSimConfigured {
        account: BankAccount,
        balance: Option<Amount>,
        closed: Option<bool>,
    },
    /// A firm-banking request and the gateway's answer, recorded together: the built-in gateway
    /// answers within the command's transaction, so "requested" is never a durable state alone.
    /// (A remote gateway would add a request event committed before the call.)
    FirmBankingCompleted {
        request: Id,
        from: BankAccount,
        to: BankAccount,
        amount: Amount,
        /// The platform object this transfer serves: `rch_1`, `wdr_2`, `rem_3`, `stl_4`.
        purpose: Id,
    },
    FirmBankingFailed {
        request: Id,
        from: BankAccount,
        to: BankAccount,
        amount: Amount,
        purpose: Id,
        reason: String,
    },
    RechargeCompleted {
        recharge: Id,
        member: Id,
        link: Id,
        amount: Amount,
        firm_banking: Id,
    },
    RechargeFailed {
        recharge: Id,
        member: Id,
        link: Id,
        amount: Amount,
        firm_banking: Id,
        reason: String,
    },
    WithdrawalCompleted {
        withdrawal: Id,
        member: Id,
        link: Id,
        amount: Amount,
        firm_banking: Id,
    },
    WithdrawalFailed {
        withdrawal: Id,
        member: Id,
        link: Id,
        amount: Amount,
        firm_banking: Id,
        reason: String,
    },
    RemittanceCompleted {
        remittance: Id,
        from: Id,
        to: Destination,
        amount: Amount,
        firm_banking: Option<Id>,
        recharge: Option<Id>,
    },
    RemittanceFailed {
        remittance: Id,
        from: Id,
        to: Destination,
        amount: Amount,
        firm_banking: Option<Id>,
        recharge: Option<Id>,
        reason: String,
    },
    MerchantRegistered {
        merchant: Id,
        name: String,
        code: String,
        fee_rate: FeeRate,
        account: BankAccount,
    },
    MerchantUpdated {
        merchant: Id,
        fee_rate: Option<FeeRate>,
        account: Option<BankAccount>,
    },
    /// A payment captured at once: money moves now.
    PaymentCaptured {
        payment: Id,
        member: Id,
        merchant: Id,
        amount: Amount,
        fee_rate: FeeRate,
        reference: Option<String>,
        recharge: Option<Id>,
    },
    /// A hold: `available` drops, nothing is posted until capture.
    PaymentAuthorized {
        payment: Id,
        member: Id,
        merchant: Id,
        amount: Amount,
        fee_rate: FeeRate,
        reference: Option<String>,
        recharge: Option<Id>,
        #[serde(with = "serde_ts")]
        expires_at: Timestamp,
    },
    HoldCaptured {
        payment: Id,
        member: Id,
        merchant: Id,
        amount: Amount,
        released: Amount,
    },
    HoldVoided {
        payment: Id,
        member: Id,
        amount: Amount,
    },
    HoldExpired {
        payment: Id,
        member: Id,
        amount: Amount,
        #[serde(with = "serde_ts")]
        expired_at: Timestamp,
    },
    RefundIssued {
        refund: Id,
        payment: Id,
        member: Id,
        merchant: Id,
        amount: Amount,
        /// The payment was already settled: the refund adds to the merchant's deficit.
        after_settlement: bool,
    },
    SettlementCompleted(SettlementFigures),
    SettlementFailed {
        #[serde(flatten)]
        figures: SettlementFigures,
        reason: String,
    },
}

impl Event {
    /// The persisted kind name (the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::StoreInitialized { .. } => "StoreInitialized",
            Event::MemberRegistered { .. } => "MemberRegistered",
            Event::MemberUpdated { .. } => "MemberUpdated",
            Event::MemberDeactivated { .. } => "MemberDeactivated",
            Event::MemberReactivated { .. } => "MemberReactivated",
            Event::BankAccountLinked { .. } => "BankAccountLinked",
            Event::BankAccountUnlinked { .. } => "BankAccountUnlinked",
            Event::BankSimConfigured { .. } => "BankSimConfigured",
            Event::FirmBankingCompleted { .. } => "FirmBankingCompleted",
            Event::FirmBankingFailed { .. } => "FirmBankingFailed",
            Event::RechargeCompleted { .. } => "RechargeCompleted",
            Event::RechargeFailed { .. } => "RechargeFailed",
            Event::WithdrawalCompleted { .. } => "WithdrawalCompleted",
            Event::WithdrawalFailed { .. } => "WithdrawalFailed",
            Event::RemittanceCompleted { .. } => "RemittanceCompleted",
            Event::RemittanceFailed { .. } => "RemittanceFailed",
            Event::MerchantRegistered { .. } => "MerchantRegistered",
            Event::MerchantUpdated { .. } => "MerchantUpdated",
            Event::PaymentCaptured { .. } => "PaymentCaptured",
            Event::PaymentAuthorized { .. } => "PaymentAuthorized",
            Event::HoldCaptured { .. } => "HoldCaptured",
            Event::HoldVoided { .. } => "HoldVoided",
            Event::HoldExpired { .. } => "HoldExpired",
            Event::RefundIssued { .. } => "RefundIssued",
            Event::SettlementCompleted(_) => "SettlementCompleted",
            Event::SettlementFailed { .. } => "SettlementFailed",
        }
    }

    /// When the hold this event opens expires (the engine keeps the earliest at hand, so most
    /// commands skip the search for expired holds).
    pub fn hold_expiry(&self) -> Option<Timestamp> {
        match self {
            Event::PaymentAuthorized { expires_at, .. } => Some(*expires_at),
            Event::StoreInitialized { .. }
            | Event::MemberRegistered { .. }
            | Event::MemberUpdated { .. }
            | Event::MemberDeactivated { .. }
            | Event::MemberReactivated { .. }
            | Event::BankAccountLinked { .. }
            | Event::BankAccountUnlinked { .. }
            | Event::BankSimConfigured { .. }
            | Event::FirmBankingCompleted { .. }
            | Event::FirmBankingFailed { .. }
            | Event::RechargeCompleted { .. }
            | Event::RechargeFailed { .. }
            | Event::WithdrawalCompleted { .. }
            | Event::WithdrawalFailed { .. }
            | Event::RemittanceCompleted { .. }
            | Event::RemittanceFailed { .. }
            | Event::MerchantRegistered { .. }
            | Event::MerchantUpdated { .. }
            | Event::PaymentCaptured { .. }
            | Event::HoldCaptured { .. }
            | Event::HoldVoided { .. }
            | Event::HoldExpired { .. }
            | Event::RefundIssued { .. }
            | Event::SettlementCompleted(_)
            | Event::SettlementFailed { .. } => None,
        }
    }

    /// The stream the event belongs to: one per aggregate.
    pub fn stream(&self) -> String {
        let entity = |id: &Id| match id.kind {
            crate::ids::Kind::Member => format!("member-{id}"),
            crate::ids::Kind::Link => format!("bank-{id}"),
            crate::ids::Kind::Merchant => format!("merchant-{id}"),
            crate::ids::Kind::Payment => format!("payment-{id}"),
            crate::ids::Kind::Settlement => format!("settlement-{id}"),
            crate::ids::Kind::FirmBanking => format!("firmbanking-{id}"),
            crate::ids::Kind::Recharge
            | crate::ids::Kind::Withdrawal
            | crate::ids::Kind::Remittance
            | crate::ids::Kind::Refund => format!("other-{id}"),
        };
        match self {
            Event::StoreInitialized { .. } => "store".to_string(),
            Event::BankSimConfigured { .. } => "banksim".to_string(),
            Event::MemberRegistered { member, .. }
            | Event::MemberUpdated { member, .. }
            | Event::MemberDeactivated { member }
            | Event::MemberReactivated { member } => entity(member),
            Event::BankAccountLinked { link, .. } | Event::BankAccountUnlinked { link, .. } => {
                entity(link)
            }
            Event::FirmBankingCompleted { request, .. }
            | Event::FirmBankingFailed { request, .. } => entity(request),
            Event::RechargeCompleted { member, .. }
            | Event::RechargeFailed { member, .. }
            | Event::WithdrawalCompleted { member, .. }
            | Event::WithdrawalFailed { member, .. } => format!("wallet-{member}"),
            Event::RemittanceCompleted { from, .. } | Event::RemittanceFailed { from, .. } => {
                format!("wallet-{from}")
            }
            Event::MerchantRegistered { merchant, .. }
            | Event::MerchantUpdated { merchant, .. } => entity(merchant),
            Event::PaymentCaptured { payment, .. }
            | Event::PaymentAuthorized { payment, .. }
            | Event::HoldCaptured { payment, .. }
            | Event::HoldVoided { payment, .. }
            | Event::HoldExpired { payment, .. }
            | Event::RefundIssued { payment, .. } => entity(payment),
            Event::SettlementCompleted(f) | Event::SettlementFailed { figures: f, .. } => {
                entity(&f.settlement)
            }
        }
    }
}

/// An event as stored: its place in the log and its envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub seq: i64,
    pub stream: String,
    pub version: i64,
    pub kind: String,
    pub schema: i64,
    pub payload: String,
    pub recorded_at: String,
    pub effective_at: String,
    pub actor: String,
    pub idempotency_key: Option<String>,
    pub hash: String,
}

/// An event as stored, borrowed (no copies): what `verify` reads a million times.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeRef<'a> {
    pub seq: i64,
    pub stream: &'a str,
    pub version: i64,
    pub kind: &'a str,
    pub schema: i64,
    pub payload: &'a str,
    pub recorded_at: &'a str,
    pub effective_at: &'a str,
    pub actor: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub hash: &'a str,
}

impl Envelope {
    pub fn borrowed(&self) -> EnvelopeRef<'_> {
        EnvelopeRef {
            seq: self.seq,
            stream: &self.stream,
            version: self.version,
            kind: &self.kind,
            schema: self.schema,
            payload: &self.payload,
            recorded_at: &self.recorded_at,
            effective_at: &self.effective_at,
            actor: &self.actor,
            idempotency_key: self.idempotency_key.as_deref(),
            hash: &self.hash,
        }
    }
}

impl EnvelopeRef<'_> {
    pub fn to_owned(&self) -> Envelope {
        Envelope {
            seq: self.seq,
            stream: self.stream.to_string(),
            version: self.version,
            kind: self.kind.to_string(),
            schema: self.schema,
            payload: self.payload.to_string(),
            recorded_at: self.recorded_at.to_string(),
            effective_at: self.effective_at.to_string(),
            actor: self.actor.to_string(),
            idempotency_key: self.idempotency_key.map(str::to_string),
            hash: self.hash.to_string(),
        }
    }
}

/// Decodes an event payload, upcasting older schemas (none yet: schema 1 is the first).
pub fn decode(env: &Envelope) -> crate::error::Result<Event> {
    decode_ref(&env.borrowed())
}

/// As `decode`, from a borrowed row.
pub fn decode_ref(env: &EnvelopeRef<'_>) -> crate::error::Result<Event> {
    decode_payload(env.seq, env.kind, env.schema, env.payload)
}

/// Decodes the payload of event `seq` (of `kind`, for the message), upcasting older schemas.
pub fn decode_payload(
    seq: i64,
    kind: &str,
    schema: i64,
    payload: &str,
) -> crate::error::Result<Event> {
    if schema != SCHEMA {
        return Err(crate::error::Error::new(
            crate::error::ErrorCode::StoreCorrupt,
            format!("event {seq} has unknown payload schema {schema}"),
        ));
    }
    Event::from_json(payload).map_err(|e| {
        crate::error::Error::new(
            crate::error::ErrorCode::StoreCorrupt,
            format!("event {seq} ({kind}) has an unreadable payload: {e}"),
        )
    })
}
