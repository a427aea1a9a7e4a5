//! The read models and the one fold that changes them. Each read model's `apply` says what an
//! event changes, through its port (`ports::read_models`), never how: live commands hand it the
//! store's adapter, `rebuild` too, and `verify` an in-memory one whose rows it compares with the
//! stored rows. There is no second implementation: if two could ever differ, that is the bug.
//!
//! Every `match` over `Event` here names every kind (no catch-all arm, denied below): a new kind
//! of event makes the compiler stop at each read model that must decide what it changes.
#![deny(clippy::wildcard_enum_match_arm)]

mod banking;
mod ledger;
mod members;
mod merchants;
mod payments;
pub mod rows;
mod settlements;
mod wallets;

use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Event};
use crate::money::{Amount, Currency};
use crate::ports::{
    BankingModel, LedgerModel, MembersModel, MerchantsModel, PaymentsModel, ReadModels,
    SettlementsModel, WalletsModel,
};
use rows::Table;

/// Store settings (SPEC §1), projected from `StoreInitialized`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    pub store_id: String,
    pub currency: Currency,
    pub auto_recharge_unit: Amount,
    pub hold_expiry_secs: i64,
    pub house: BankAccount,
}

/// What `apply` needs besides the event: where it stands in the log, its effective time
/// (storage form) and the store's currency.
#[derive(Debug, Clone, Copy)]
pub struct ApplyContext<'a> {
    pub seq: i64,
    pub kind: &'a str,
    pub at: &'a str,
    pub currency: Currency,
}

impl ApplyContext<'_> {
    pub fn minor(&self, a: &Amount) -> i64 {
        a.to_minor(self.currency)
    }
}

/// The read models fall in two parts that share no table: each part's folds read and write only
/// their own tables, so a replay can fold the parts on two threads (`verify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Settings, members, bank links, the simulator, firm banking, wallets and statements.
    Accounts,
    /// Merchants, payments, refunds, settlements and the ledger.
    Books,
}

impl Part {
    pub fn tables(self) -> &'static [Table] {
        match self {
            Part::Accounts => &[
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
            ],
            Part::Books => &[
                Table::Merchants,
                Table::Payments,
                Table::Refunds,
                Table::Settlements,
                Table::SettlementPayments,
                Table::LedgerTransactions,
                Table::LedgerPostings,
                Table::LedgerBalances,
            ],
        }
    }
}

/// Applies one event to every read model, in one order for every caller.
pub fn apply<P: ReadModels + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    apply_accounts(event, cx, port)?;
    apply_books(event, cx, port)
}

/// The `Accounts` part of `apply`.
pub fn apply_accounts<P: MembersModel + BankingModel + WalletsModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    members::apply(event, cx, port)?;
    banking::apply(event, cx, port)?;
    wallets::apply(event, cx, port)
}

/// The `Books` part of `apply`.
pub fn apply_books<P: MerchantsModel + PaymentsModel + SettlementsModel + LedgerModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    merchants::apply(event, cx, port)?;
    payments::apply(event, cx, port)?;
    settlements::apply(event, cx, port)?;
    ledger::apply(event, cx, port)
}

/// The store currency an event is applied in: its own for `StoreInitialized`.
pub fn currency_of(event: &Event, store: Option<Currency>) -> Option<Currency> {
    match event {
        Event::StoreInitialized { currency, .. } => Some(*currency),
        Event::MemberRegistered { .. }
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
        | Event::PaymentAuthorized { .. }
        | Event::HoldCaptured { .. }
        | Event::HoldVoided { .. }
        | Event::HoldExpired { .. }
        | Event::RefundIssued { .. }
        | Event::SettlementCompleted(_)
        | Event::SettlementFailed { .. } => store,
    }
}

/// A change that found no row: a projection out of step with the log is a corrupt store, never
/// something to paper over.
fn found(ok: bool, what: &str, cx: &ApplyContext<'_>) -> Result<()> {
    if ok { Ok(()) } else { Err(corrupt(cx, what)) }
}

fn corrupt(cx: &ApplyContext<'_>, what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!("event {} ({}) refers to a missing {what}", cx.seq, cx.kind),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every projection table belongs to exactly one part (the split replay relies on it).
    #[test]
    fn the_two_parts_cover_every_projection_table_once() {
        let mut listed: Vec<Table> = Part::Accounts
            .tables()
            .iter()
            .chain(Part::Books.tables())
            .copied()
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, Table::ALL.to_vec());
    }
}
