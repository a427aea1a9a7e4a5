//! What the one fold may change in the read models: one trait per read model, one method per
//! kind of change. A storage adapter says how (SQL statements, maps in memory); the fold says
//! what, in these words only. A method that changes a row answers whether the row was there.

use crate::error::Result;
use crate::event::BankAccount;
use crate::ledger::Account;
use crate::money::FeeRate;
use crate::projections::rows::{
    FirmBankingRow, LinkRow, MemberRow, MerchantRow, PaymentRow, PaymentState, PostingRow,
    RefundRow, RemittanceRow, SettingsRow, SettlementPaymentRow, SettlementRow, StatementLine,
    TransactionRow, TransferRow,
};

/// Settings, members and their linked bank accounts.
pub trait MembersModel {
    fn put_settings(&mut self, row: &SettingsRow) -> Result<()>;
    fn add_member(&mut self, row: &MemberRow) -> Result<()>;
    /// Sets the name and/or the address that are given.
    fn rename_member(
        &mut self,
        member: i64,
        name: Option<&str>,
        address: Option<&str>,
    ) -> Result<bool>;
    fn set_member_active(&mut self, member: i64, active: bool) -> Result<bool>;
    fn add_link(&mut self, row: &LinkRow) -> Result<()>;
    /// The link is no longer active, nor primary.
    fn unlink(&mut self, link: i64) -> Result<bool>;
    fn make_primary(&mut self, link: i64) -> Result<bool>;
}

/// The bank simulator's accounts and the firm-banking requests.
pub trait BankingModel {
    /// Creates the account if new (unlimited, open), then sets what is given.
    fn configure_sim(
        &mut self,
        account: &BankAccount,
        balance_minor: Option<i64>,
        closed: Option<bool>,
    ) -> Result<()>;
    /// Moves a simulated account's balance, if it has one (the others are unlimited).
    fn move_sim_balance(&mut self, account: &BankAccount, delta_minor: i64) -> Result<()>;
    fn add_firm_banking(&mut self, row: &FirmBankingRow<'_>) -> Result<()>;
}

/// Wallets, their statements, and the recharges, withdrawals and remittances behind them.
pub trait WalletsModel {
    fn open_wallet(&mut self, member: i64) -> Result<()>;
    /// Adds to the balance and to the held amount; the new balance, or `None` when the member
    /// has no wallet.
    fn move_wallet(
        &mut self,
        member: i64,
        balance_delta: i64,
        held_delta: i64,
    ) -> Result<Option<i64>>;
    fn add_statement_line(&mut self, line: &StatementLine<'_>) -> Result<()>;
    /// A recharge or a withdrawal (`row.table` says which).
    fn add_transfer(&mut self, row: &TransferRow<'_>) -> Result<()>;
    fn add_remittance(&mut self, row: &RemittanceRow<'_>) -> Result<()>;
}

/// Merchants: their terms, and the deficit waiting for their next settlement.
pub trait MerchantsModel {
    fn add_merchant(&mut self, row: &MerchantRow) -> Result<()>;
    /// Sets the fee rate and/or the settlement account that are given.
    fn change_terms(
        &mut self,
        merchant: i64,
        fee_rate: Option<FeeRate>,
        account: Option<&BankAccount>,
    ) -> Result<bool>;
    fn add_deficit(&mut self, merchant: i64, amount_minor: i64) -> Result<bool>;
    /// A settlement completed: what it carries forward becomes the deficit.
    fn settled(&mut self, merchant: i64, carried_minor: i64, settlement: i64) -> Result<bool>;
}

/// Payments and their refunds.
pub trait PaymentsModel {
    /// A new payment (by value: a store that keeps rows keeps this one).
    fn add_payment(&mut self, row: PaymentRow) -> Result<()>;
    fn capture_hold(&mut self, payment: i64, captured_minor: i64, at: &str) -> Result<bool>;
    /// A hold voided or expired (`state`) at `at`.
    fn close_hold(&mut self, payment: i64, state: PaymentState, at: &str) -> Result<bool>;
    fn add_refund(&mut self, row: &RefundRow<'_>) -> Result<()>;
    fn add_refunded(&mut self, payment: i64, amount_minor: i64) -> Result<bool>;
    fn mark_settled(&mut self, payment: i64, settlement: i64) -> Result<bool>;
}

/// Settlements and the payments each included.
pub trait SettlementsModel {
    fn add_settlement(&mut self, row: &SettlementRow<'_>) -> Result<()>;
    fn add_settlement_payment(&mut self, row: &SettlementPaymentRow) -> Result<()>;
}

/// The ledger: transactions, their postings, and running balances.
pub trait LedgerModel {
    fn add_transaction(&mut self, row: &TransactionRow<'_>) -> Result<()>;
    fn add_posting(&mut self, row: &PostingRow) -> Result<()>;
    fn add_to_balance(&mut self, account: Account, delta_minor: i64) -> Result<()>;
}

/// Every read model: what live commands, `rebuild` and `verify` hand the fold.
pub trait ReadModels:
    MembersModel
    + BankingModel
    + WalletsModel
    + MerchantsModel
    + PaymentsModel
    + SettlementsModel
    + LedgerModel
{
}

impl<T> ReadModels for T where
    T: MembersModel
        + BankingModel
        + WalletsModel
        + MerchantsModel
        + PaymentsModel
        + SettlementsModel
        + LedgerModel
        + ?Sized
{
}
