//! Banks outside the platform. `BankGateway` is what firm banking needs from a bank; the
//! built-in `Simulator` is deterministic: its accounts are a projection (`sim_accounts`) of
//! `BankSimConfigured` and completed transfers, so replay never asks a bank anything.

use std::collections::HashMap;

use crate::error::Result;
use crate::event::BankAccount;

/// What the simulator knows of one outside account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SimAccount {
    /// `None`: unlimited funds (never configured, or configured without a balance).
    pub balance_minor: Option<i64>,
    pub closed: bool,
}

/// Where the simulator reads its accounts (the projection, in the command's transaction).
pub trait SimAccounts {
    fn sim_account(&self, account: &BankAccount) -> Result<SimAccount>;
}

/// A bank as firm banking sees it. The inner `Err(reason)` is the bank's refusal; the outer
/// error is a failure to ask at all.
pub trait BankGateway {
    /// Account verification (linking, merchant settlement accounts): closed accounts are refused.
    fn verify(&mut self, account: &BankAccount) -> Result<Result<(), String>>;
    /// A transfer between the house and an outside account.
    fn transfer(
        &mut self,
        from: &BankAccount,
        to: &BankAccount,
        amount_minor: i64,
    ) -> Result<Result<(), String>>;
}

/// The simulator as one command sees it: its accounts, with the transfers this command has
/// already decided applied on top, so two steps of one command see each other. The house account
/// is outside it: unlimited, never closed.
pub struct Simulator<'s> {
    state: &'s dyn SimAccounts,
    house: BankAccount,
    touched: HashMap<BankAccount, SimAccount>,
}

impl<'s> Simulator<'s> {
    pub fn new(state: &'s dyn SimAccounts, house: BankAccount) -> Simulator<'s> {
        Simulator {
            state,
            house,
            touched: HashMap::new(),
        }
    }

    fn get(&mut self, account: &BankAccount) -> Result<SimAccount> {
        if let Some(a) = self.touched.get(account) {
            return Ok(*a);
        }
        let a = self.state.sim_account(account)?;
        self.touched.insert(account.clone(), a);
        Ok(a)
    }
}

impl BankGateway for Simulator<'_> {
    fn verify(&mut self, account: &BankAccount) -> Result<Result<(), String>> {
        if account.same_as(&self.house) {
            return Ok(Ok(()));
        }
        Ok(if self.get(account)?.closed {
            Err(format!("account {account} is closed"))
        } else {
            Ok(())
        })
    }

    fn transfer(
        &mut self,
        from: &BankAccount,
        to: &BankAccount,
        amount_minor: i64,
    ) -> Result<Result<(), String>> {
        for acct in [from, to] {
            if !acct.same_as(&self.house) && self.get(acct)?.closed {
                return Ok(Err(format!("account {acct} is closed")));
            }
        }
        if !from.same_as(&self.house) {
            let f = self.get(from)?;
            if let Some(b) = f.balance_minor {
                if b < amount_minor {
                    return Ok(Err("insufficient funds at bank".to_string()));
                }
            }
        }
        for (acct, delta) in [(from, -amount_minor), (to, amount_minor)] {
            if !acct.same_as(&self.house) {
                let mut a = self.get(acct)?;
                a.balance_minor = a.balance_minor.map(|b| b + delta);
                self.touched.insert(acct.clone(), a);
            }
        }
        Ok(Ok(()))
    }
}
