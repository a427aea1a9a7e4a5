//! The ledger: balances (now, or as of a point in the log) and transactions.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{AsOf, Page};
use crate::engine::Engine;
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountBalance {
    pub account: String,
    pub balance: Decimal,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Posting {
    pub account: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerTransaction {
    pub seq: i64,
    pub at: String,
    pub description: String,
    pub postings: Vec<Posting>,
}

/// One posting with its transaction, as the exports stream them (minor units, storage time).
#[derive(Debug, Clone, Copy)]
pub struct LedgerLine<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub description: &'a str,
    pub account: &'a str,
    pub amount_minor: i64,
}

impl Engine {
    /// Every account's balance, in the order people count (`mem_2` before `mem_10`; zero
    /// ones kept).
    pub fn ledger_balances(&self) -> Result<Vec<AccountBalance>> {
        let mut balances = self.store().ledger_balances()?;
        balances.sort_by(|a, b| super::natural_cmp(&a.account, &b.account));
        Ok(balances)
    }

    /// Balances at a past point of the log, replayed through the one fold up to it.
    pub fn ledger_balances_as_of(&self, as_of: AsOf) -> Result<Vec<AccountBalance>> {
        let c = self.settings_or_default()?.currency;
        let (state, _) = self.replay_until(as_of)?;
        let mut balances: Vec<AccountBalance> = state
            .balances()
            .map(|(account, minor)| AccountBalance {
                account: account.to_string(),
                balance: Decimal::new(*minor, c.minor_units()),
            })
            .collect();
        balances.sort_by(|a, b| super::natural_cmp(&a.account, &b.account));
        Ok(balances)
    }

    /// Transactions in log order, optionally only those touching an account (exact name, or a
    /// prefix ending in `:` such as `liabilities:wallets:`).
    pub fn ledger_transactions(
        &self,
        account: Option<&str>,
        page: Page,
    ) -> Result<Vec<LedgerTransaction>> {
        self.store().ledger_transactions(account, page)
    }

    pub fn count_ledger_transactions(&self, account: Option<&str>) -> Result<i64> {
        self.store().count_ledger_transactions(account)
    }
}
