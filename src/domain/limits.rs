//! The largest numbers payctl keeps: no balance, total or figure may go past
//! `MAX_BALANCE_MINOR` either way. A decision that would take one there is refused
//! `invalid_input`, naming the amount, before anything is written (a 64-bit column that
//! overflowed would turn into a float and read back as a corrupt store).
#![deny(clippy::wildcard_enum_match_arm)] // every kind of event is decided on, by name

use std::collections::HashMap;

use super::{Decision, Env, StateView};
use crate::error::{Error, Result};
use crate::event::{BankAccount, Event};
use crate::ids::Id;
use crate::ledger::{self, Account};
use crate::money::{self, MAX_BALANCE_MINOR};

/// The running totals one decision moves, starting from the stored ones.
#[derive(Default)]
struct Totals {
    accounts: HashMap<Account, i64>,
    deficits: HashMap<Id, i64>,
    sim: HashMap<BankAccount, Option<i64>>,
}

/// `decision`, or a refusal if one of its events would take a total past the limit.
pub fn within_limits(state: &dyn StateView, env: &Env<'_>, decision: Decision) -> Result<Decision> {
    let mut totals = Totals::default();
    for event in &decision.events {
        if let Err(refusal) = totals.apply(state, env, event)? {
            return Ok(Decision::refused(refusal));
        }
    }
    Ok(decision)
}

impl Totals {
    /// Moves the totals `event` changes; the inner `Err` is the refusal.
    fn apply(
        &mut self,
        state: &dyn StateView,
        env: &Env<'_>,
        event: &Event,
    ) -> Result<std::result::Result<(), Error>> {
        let currency = env.currency();
        if let Some(movement) = ledger::movement(event, currency) {
            for (account, delta) in movement.postings() {
                let balance = match self.accounts.get(account) {
                    Some(b) => *b,
                    None => state.account_balance(&account.to_string())?,
                };
                match checked(balance, *delta) {
                    Some(b) => self.accounts.insert(*account, b),
                    None => return Ok(Err(beyond(env, delta.abs(), &account.to_string()))),
                };
            }
        }
        match event {
            Event::RefundIssued {
                merchant,
                amount,
                after_settlement: true,
                ..
            } => {
                let deficit = match self.deficits.get(merchant) {
                    Some(d) => *d,
                    None => state
                        .merchant(&merchant.to_string())?
                        .map_or(0, |m| m.deficit_minor),
                };
                let delta = env.minor(*amount);
                match checked(deficit, delta) {
                    Some(d) => self.deficits.insert(*merchant, d),
                    None => {
                        return Ok(Err(beyond(
                            env,
                            delta,
                            &format!("the deficit of {merchant}"),
                        )));
                    }
                };
            }
            Event::FirmBankingCompleted {
                from, to, amount, ..
            } => {
                let delta = env.minor(*amount);
                for (account, signed) in [(from, -delta), (to, delta)] {
                    let tracked = match self.sim.get(account) {
                        Some(b) => *b,
                        None => state.sim_account(account)?.balance_minor,
                    };
                    let Some(balance) = tracked else { continue }; // unlimited
                    match checked(balance, signed) {
                        Some(b) => self.sim.insert(account.clone(), Some(b)),
                        None => {
                            return Ok(Err(beyond(env, delta, &format!("bank account {account}"))));
                        }
                    };
                }
            }
            // Settlements are checked by their postings and their own figures; the rest keep
            // no running total of their own.
            Event::StoreInitialized { .. }
            | Event::MemberRegistered { .. }
            | Event::MemberUpdated { .. }
            | Event::MemberDeactivated { .. }
            | Event::MemberReactivated { .. }
            | Event::BankAccountLinked { .. }
            | Event::BankAccountUnlinked { .. }
            | Event::BankSimConfigured { .. }
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
            | Event::RefundIssued {
                after_settlement: false,
                ..
            }
            | Event::SettlementCompleted(_)
            | Event::SettlementFailed { .. } => {}
        }
        Ok(Ok(()))
    }
}

/// `total + delta`, if it stays within the limit.
fn checked(total: i64, delta: i64) -> Option<i64> {
    total
        .checked_add(delta)
        .filter(|t| t.unsigned_abs() <= MAX_BALANCE_MINOR.unsigned_abs())
}

/// The refusal of an amount that would take `what` past the limit.
fn beyond(env: &Env<'_>, amount_minor: i64, what: &str) -> Error {
    let currency = env.currency();
    Error::invalid(
        "amount",
        &money::shown_minor(amount_minor, currency),
        &format!(
            "would take {what} beyond the largest balance payctl keeps ({} either way)",
            money::shown_minor(MAX_BALANCE_MINOR, currency)
        ),
    )
}

/// A settlement figure summed from many payments, refused past the limit like a balance.
pub fn figure(env: &Env<'_>, what: &str, total: i64, add: i64) -> std::result::Result<i64, Error> {
    checked(total, add).ok_or_else(|| {
        let currency = env.currency();
        Error::invalid(
            what,
            &money::shown_minor(total, currency),
            &format!(
                "adding {} would go beyond the largest figure payctl keeps ({}): settle with an \
                 earlier --cutoff to split it",
                money::shown_minor(add, currency),
                money::shown_minor(MAX_BALANCE_MINOR, currency)
            ),
        )
    })
}
