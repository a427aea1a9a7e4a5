//! The rows of the read models, as the one fold makes them: every table's columns, in order, and
//! how each row spells its values. A storage adapter writes them (SQL binds them, the memory
//! adapter keeps or digests them); `verify` compares them by these very values, so what a row is
//! is said once, here.

use crate::digest::Spell;
use crate::event::{BankAccount, Destination};
use crate::ids::Id;
use crate::ledger::{Account, Description};
use crate::money::{Currency, FeeRate};

/// The projection tables, in the order `verify` lists and digests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Settings,
    Members,
    Wallets,
    WalletEntries,
    BankLinks,
    SimAccounts,
    FirmBanking,
    Recharges,
    Withdrawals,
    Remittances,
    Merchants,
    Payments,
    Refunds,
    Settlements,
    SettlementPayments,
    LedgerTransactions,
    LedgerPostings,
    LedgerBalances,
}

impl Table {
    pub const ALL: [Table; 18] = [
        Table::Settings,
        Table::Members,
        Table::Wallets,
        Table::WalletEntries,
        Table::BankLinks,
        Table::SimAccounts,
        Table::FirmBanking,
        Table::Recharges,
        Table::Withdrawals,
        Table::Remittances,
        Table::Merchants,
        Table::Payments,
        Table::Refunds,
        Table::Settlements,
        Table::SettlementPayments,
        Table::LedgerTransactions,
        Table::LedgerPostings,
        Table::LedgerBalances,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Settings => "settings",
            Table::Members => "members",
            Table::Wallets => "wallets",
            Table::WalletEntries => "wallet_entries",
            Table::BankLinks => "bank_links",
            Table::SimAccounts => "sim_accounts",
            Table::FirmBanking => "firm_banking",
            Table::Recharges => "recharges",
            Table::Withdrawals => "withdrawals",
            Table::Remittances => "remittances",
            Table::Merchants => "merchants",
            Table::Payments => "payments",
            Table::Refunds => "refunds",
            Table::Settlements => "settlements",
            Table::SettlementPayments => "settlement_payments",
            Table::LedgerTransactions => "ledger_transactions",
            Table::LedgerPostings => "ledger_postings",
            Table::LedgerBalances => "ledger_balances",
        }
    }

    /// The columns, in the table's order (a test holds each adapter's schema to it).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Settings => &[
                "id",
                "store_id",
                "currency",
                "auto_recharge_unit_minor",
                "hold_expiry_secs",
                "house_bank",
                "house_account",
            ],
            Table::Members => &[
                "id",
                "name",
                "email",
                "email_key",
                "address",
                "corporate",
                "status",
                "registered_at",
            ],
            Table::Wallets => &["member", "balance_minor", "held_minor"],
            Table::WalletEntries => &[
                "member",
                "seq",
                "at",
                "kind",
                "reference",
                "counterparty",
                "amount_minor",
                "held_minor",
                "balance_after_minor",
                "status",
            ],
            Table::BankLinks => &[
                "id",
                "member",
                "bank",
                "account",
                "is_primary",
                "status",
                "linked_at",
            ],
            Table::SimAccounts => &["bank", "account", "balance_minor", "closed"],
            Table::FirmBanking => &[
                "id",
                "from_bank",
                "from_account",
                "to_bank",
                "to_account",
                "amount_minor",
                "purpose",
                "status",
                "reason",
                "requested_at",
            ],
            Table::Recharges | Table::Withdrawals => &[
                "id",
                "member",
                "link",
                "amount_minor",
                "status",
                "firm_banking",
                "reason",
                "at",
            ],
            Table::Remittances => &[
                "id",
                "from_member",
                "to_member",
                "to_bank",
                "to_account",
                "amount_minor",
                "status",
                "firm_banking",
                "recharge",
                "reason",
                "at",
            ],
            Table::Merchants => &[
                "id",
                "name",
                "code",
                "code_key",
                "fee_rate",
                "bank",
                "account",
                "registered_at",
                "deficit_minor",
                "last_settlement",
            ],
            Table::Payments => &[
                "id",
                "member",
                "merchant",
                "reference",
                "amount_minor",
                "captured_minor",
                "refunded_minor",
                "fee_rate",
                "status",
                "held",
                "recharge",
                "created_at",
                "expires_at",
                "captured_at",
                "closed_at",
                "settlement",
            ],
            Table::Refunds => &["id", "payment", "amount_minor", "after_settlement", "at"],
            Table::Settlements => &[
                "id",
                "merchant",
                "cutoff",
                "gross_minor",
                "refunds_minor",
                "fee_minor",
                "deficit_minor",
                "payout_minor",
                "status",
                "firm_banking",
                "reason",
                "at",
            ],
            Table::SettlementPayments => &[
                "settlement",
                "payment",
                "captured_minor",
                "refunded_minor",
                "fee_minor",
            ],
            Table::LedgerTransactions => &["seq", "at", "description"],
            Table::LedgerPostings => &["seq", "idx", "account", "amount_minor"],
            Table::LedgerBalances => &["account", "balance_minor"],
        }
    }

    /// The columns that order the rows, comma-separated: each table's key.
    pub fn key(self) -> &'static str {
        match self {
            Table::Wallets => "member",
            Table::WalletEntries => "member, seq",
            Table::SimAccounts => "bank, account",
            Table::SettlementPayments => "settlement, payment",
            Table::LedgerTransactions => "seq",
            Table::LedgerPostings => "seq, idx",
            Table::LedgerBalances => "account",
            Table::Settings
            | Table::Members
            | Table::BankLinks
            | Table::FirmBanking
            | Table::Recharges
            | Table::Withdrawals
            | Table::Remittances
            | Table::Merchants
            | Table::Payments
            | Table::Refunds
            | Table::Settlements => "id",
        }
    }

    /// Whether rows of this table never change once written (the memory adapter digests them
    /// as they come, and keeps only the others).
    pub fn write_once(self) -> bool {
        match self {
            Table::WalletEntries
            | Table::FirmBanking
            | Table::Recharges
            | Table::Withdrawals
            | Table::Remittances
            | Table::Refunds
            | Table::Settlements
            | Table::SettlementPayments
            | Table::LedgerTransactions
            | Table::LedgerPostings => true,
            Table::Settings
            | Table::Members
            | Table::Wallets
            | Table::BankLinks
            | Table::SimAccounts
            | Table::Merchants
            | Table::Payments
            | Table::LedgerBalances => false,
        }
    }

    pub fn by_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Where a row's values go, one column at a time in the table's order: bound to an SQL
/// statement, hashed into a digest, or kept.
pub trait Values {
    fn null(&mut self);
    fn int(&mut self, v: i64);
    fn text(&mut self, v: &str);
    /// A text value written by `Spell` (ids, accounts, fee rates): no string is made for it.
    fn spelled(&mut self, v: &dyn Spell);
    /// The store's random id: left out of the digest that compares two stores' books.
    fn store_id(&mut self, v: &str) {
        self.text(v);
    }

    fn bool(&mut self, v: bool) {
        self.int(i64::from(v));
    }
    fn opt_int(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }
    fn opt_text(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }
}

/// A row of one table.
pub trait Row {
    fn table(&self) -> Table;
    /// Every column's value, in `table().columns()` order.
    fn values(&self, out: &mut dyn Values);
}

/// Text forms of the status columns.
pub mod status {
    pub const ACTIVE: &str = "active";
    pub const INACTIVE: &str = "inactive";
    pub const UNLINKED: &str = "unlinked";
    pub const COMPLETED: &str = "completed";
    pub const FAILED: &str = "failed";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsRow {
    pub store_id: String,
    pub currency: Currency,
    pub auto_recharge_unit_minor: i64,
    pub hold_expiry_secs: i64,
    pub house: BankAccount,
}

impl Row for SettingsRow {
    fn table(&self) -> Table {
        Table::Settings
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(1);
        out.store_id(&self.store_id);
        out.text(self.currency.code());
        out.int(self.auto_recharge_unit_minor);
        out.int(self.hold_expiry_secs);
        out.text(&self.house.bank);
        out.text(&self.house.account);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub email_key: String,
    pub address: Option<String>,
    pub corporate: bool,
    pub active: bool,
    pub registered_at: String,
}

impl Row for MemberRow {
    fn table(&self) -> Table {
        Table::Members
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.text(&self.name);
        out.text(&self.email);
        out.text(&self.email_key);
        out.opt_text(self.address.as_deref());
        out.bool(self.corporate);
        out.text(if self.active {
            status::ACTIVE
        } else {
            status::INACTIVE
        });
        out.text(&self.registered_at);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalletRow {
    pub member: i64,
    pub balance_minor: i64,
    pub held_minor: i64,
}

impl Row for WalletRow {
    fn table(&self) -> Table {
        Table::Wallets
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.member);
        out.int(self.balance_minor);
        out.int(self.held_minor);
    }
}

/// Who or what is on the other side of a statement line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counterparty<'a> {
    Id(Id),
    Bank(&'a BankAccount),
}

/// One line of a member's wallet statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementLine<'a> {
    pub member: i64,
    pub seq: i64,
    pub at: &'a str,
    pub kind: &'static str,
    pub reference: Id,
    pub counterparty: Option<Counterparty<'a>>,
    pub amount_minor: i64,
    pub held_minor: i64,
    pub balance_after_minor: i64,
    pub status: &'static str,
}

impl Row for StatementLine<'_> {
    fn table(&self) -> Table {
        Table::WalletEntries
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.member);
        out.int(self.seq);
        out.text(self.at);
        out.text(self.kind);
        out.spelled(&self.reference);
        match self.counterparty {
            Some(Counterparty::Id(id)) => out.spelled(&id),
            Some(Counterparty::Bank(account)) => out.spelled(account),
            None => out.null(),
        }
        out.int(self.amount_minor);
        out.int(self.held_minor);
        out.int(self.balance_after_minor);
        out.text(self.status);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub id: i64,
    pub member: i64,
    pub account: BankAccount,
    pub primary: bool,
    pub active: bool,
    pub linked_at: String,
}

impl Row for LinkRow {
    fn table(&self) -> Table {
        Table::BankLinks
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.member);
        out.text(&self.account.bank);
        out.text(&self.account.account);
        out.bool(self.primary);
        out.text(if self.active {
            status::ACTIVE
        } else {
            status::UNLINKED
        });
        out.text(&self.linked_at);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimAccountRow {
    pub account: BankAccount,
    /// `None`: unlimited funds.
    pub balance_minor: Option<i64>,
    pub closed: bool,
}

impl Row for SimAccountRow {
    fn table(&self) -> Table {
        Table::SimAccounts
    }
    fn values(&self, out: &mut dyn Values) {
        out.text(&self.account.bank);
        out.text(&self.account.account);
        out.opt_int(self.balance_minor);
        out.bool(self.closed);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirmBankingRow<'a> {
    pub id: i64,
    pub from: &'a BankAccount,
    pub to: &'a BankAccount,
    pub amount_minor: i64,
    pub purpose: Id,
    pub reason: Option<&'a str>,
    pub requested_at: &'a str,
}

impl Row for FirmBankingRow<'_> {
    fn table(&self) -> Table {
        Table::FirmBanking
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.text(&self.from.bank);
        out.text(&self.from.account);
        out.text(&self.to.bank);
        out.text(&self.to.account);
        out.int(self.amount_minor);
        out.spelled(&self.purpose);
        out.text(outcome(self.reason));
        out.opt_text(self.reason);
        out.text(self.requested_at);
    }
}

/// `completed`, or `failed` when there is a reason.
pub fn outcome(reason: Option<&str>) -> &'static str {
    match reason {
        Some(_) => status::FAILED,
        None => status::COMPLETED,
    }
}

/// A recharge or a withdrawal: the same columns, two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferRow<'a> {
    pub table: Table,
    pub id: i64,
    pub member: i64,
    pub link: i64,
    pub amount_minor: i64,
    pub firm_banking: i64,
    pub reason: Option<&'a str>,
    pub at: &'a str,
}

impl Row for TransferRow<'_> {
    fn table(&self) -> Table {
        self.table
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.member);
        out.int(self.link);
        out.int(self.amount_minor);
        out.text(outcome(self.reason));
        out.int(self.firm_banking);
        out.opt_text(self.reason);
        out.text(self.at);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemittanceRow<'a> {
    pub id: i64,
    pub from_member: i64,
    pub to: &'a Destination,
    pub amount_minor: i64,
    pub firm_banking: Option<i64>,
    pub recharge: Option<i64>,
    pub reason: Option<&'a str>,
    pub at: &'a str,
}

impl Row for RemittanceRow<'_> {
    fn table(&self) -> Table {
        Table::Remittances
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.from_member);
        match self.to {
            Destination::Member(m) => {
                out.int(m.n);
                out.null();
                out.null();
            }
            Destination::Bank(b) => {
                out.null();
                out.text(&b.bank);
                out.text(&b.account);
            }
        }
        out.int(self.amount_minor);
        out.text(outcome(self.reason));
        out.opt_int(self.firm_banking);
        out.opt_int(self.recharge);
        out.opt_text(self.reason);
        out.text(self.at);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantRow {
    pub id: i64,
    pub name: String,
    pub code: String,
    pub code_key: String,
    pub fee_rate: FeeRate,
    pub account: BankAccount,
    pub registered_at: String,
    pub deficit_minor: i64,
    pub last_settlement: Option<i64>,
}

impl Row for MerchantRow {
    fn table(&self) -> Table {
        Table::Merchants
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.text(&self.name);
        out.text(&self.code);
        out.text(&self.code_key);
        out.spelled(&self.fee_rate);
        out.text(&self.account.bank);
        out.text(&self.account.account);
        out.text(&self.registered_at);
        out.int(self.deficit_minor);
        out.opt_int(self.last_settlement);
    }
}

/// Where a payment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    Authorized,
    Captured,
    Voided,
    Expired,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Authorized => "authorized",
            PaymentState::Captured => "captured",
            PaymentState::Voided => "voided",
            PaymentState::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: i64,
    pub member: i64,
    pub merchant: i64,
    pub reference: Option<String>,
    pub amount_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub fee_rate: FeeRate,
    pub state: PaymentState,
    pub held: bool,
    pub recharge: Option<i64>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub captured_at: Option<String>,
    pub closed_at: Option<String>,
    pub settlement: Option<i64>,
}

impl Row for PaymentRow {
    fn table(&self) -> Table {
        Table::Payments
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.member);
        out.int(self.merchant);
        out.opt_text(self.reference.as_deref());
        out.int(self.amount_minor);
        out.int(self.captured_minor);
        out.int(self.refunded_minor);
        out.spelled(&self.fee_rate);
        out.text(self.state.as_str());
        out.bool(self.held);
        out.opt_int(self.recharge);
        out.text(&self.created_at);
        out.opt_text(self.expires_at.as_deref());
        out.opt_text(self.captured_at.as_deref());
        out.opt_text(self.closed_at.as_deref());
        out.opt_int(self.settlement);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundRow<'a> {
    pub id: i64,
    pub payment: i64,
    pub amount_minor: i64,
    pub after_settlement: bool,
    pub at: &'a str,
}

impl Row for RefundRow<'_> {
    fn table(&self) -> Table {
        Table::Refunds
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.payment);
        out.int(self.amount_minor);
        out.bool(self.after_settlement);
        out.text(self.at);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRow<'a> {
    pub id: i64,
    pub merchant: i64,
    pub cutoff: String,
    pub gross_minor: i64,
    pub refunds_minor: i64,
    pub fee_minor: i64,
    pub deficit_minor: i64,
    pub payout_minor: i64,
    pub firm_banking: Option<i64>,
    pub reason: Option<&'a str>,
    pub at: &'a str,
}

impl Row for SettlementRow<'_> {
    fn table(&self) -> Table {
        Table::Settlements
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.id);
        out.int(self.merchant);
        out.text(&self.cutoff);
        out.int(self.gross_minor);
        out.int(self.refunds_minor);
        out.int(self.fee_minor);
        out.int(self.deficit_minor);
        out.int(self.payout_minor);
        out.text(outcome(self.reason));
        out.opt_int(self.firm_banking);
        out.opt_text(self.reason);
        out.text(self.at);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementPaymentRow {
    pub settlement: i64,
    pub payment: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub fee_minor: i64,
}

impl Row for SettlementPaymentRow {
    fn table(&self) -> Table {
        Table::SettlementPayments
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.settlement);
        out.int(self.payment);
        out.int(self.captured_minor);
        out.int(self.refunded_minor);
        out.int(self.fee_minor);
    }
}

pub struct TransactionRow<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub description: Description<'a>,
}

impl Row for TransactionRow<'_> {
    fn table(&self) -> Table {
        Table::LedgerTransactions
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.seq);
        out.text(self.at);
        out.spelled(&self.description);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingRow {
    pub seq: i64,
    pub idx: i64,
    pub account: Account,
    pub amount_minor: i64,
}

impl Row for PostingRow {
    fn table(&self) -> Table {
        Table::LedgerPostings
    }
    fn values(&self, out: &mut dyn Values) {
        out.int(self.seq);
        out.int(self.idx);
        out.spelled(&self.account);
        out.int(self.amount_minor);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceRow {
    pub account: Account,
    pub balance_minor: i64,
}

impl Row for BalanceRow {
    fn table(&self) -> Table {
        Table::LedgerBalances
    }
    fn values(&self, out: &mut dyn Values) {
        out.spelled(&self.account);
        out.int(self.balance_minor);
    }
}
