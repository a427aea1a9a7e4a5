//! Wallets: balances (now, or as of a point in the log) and statements.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{AsOf, Page};
use crate::clock::{self, Timestamp};
use crate::engine::Engine;
use crate::error::Result;
use crate::ids::{Id, Kind};
use crate::money::Currency;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Balance {
    pub member: String,
    pub balance: Decimal,
    pub available: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalletEntry {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub reference: String,
    pub counterparty: Option<String>,
    pub amount: Decimal,
    pub held: Decimal,
    pub balance: Decimal,
    pub status: String,
}

impl Engine {
    /// Balance and available as of `now` (a hold past its expiry counts as released).
    pub fn balance(&self, member: &str, now: Timestamp) -> Result<Balance> {
        self.store().balance(member, now)
    }

    /// The balance at a past point of the log, replayed through the one fold up to it: a hold
    /// past its expiry at that point counts as released.
    pub fn balance_as_of(&self, member: &str, as_of: AsOf) -> Result<Balance> {
        let now = self.store().balance(member, clock::now())?;
        let id = Id::parse_kind(&now.member, Kind::Member).map_or(0, |id| id.n);
        let (state, last_at) = self.replay_until(as_of)?;
        let at = match as_of {
            AsOf::Time(t) => Some(clock::to_storage(t)),
            AsOf::Seq(_) => last_at,
        };
        let wallet = state.wallet(id).unwrap_or_default();
        let held: i64 = state
            .open_holds(id)
            .filter(|(_, expires)| at.as_deref().is_none_or(|t| *expires > t))
            .map(|(amount, _)| amount)
            .sum();
        let c = now.currency;
        Ok(Balance {
            member: now.member,
            balance: Decimal::new(wallet.balance_minor, c.minor_units()),
            available: Decimal::new(wallet.balance_minor - held, c.minor_units()),
            currency: c,
        })
    }

    /// A member's statement, newest first.
    pub fn history(&self, member: &str, page: Page) -> Result<Vec<WalletEntry>> {
        self.store().history(member, page)
    }

    pub fn count_history(&self, member: &str) -> Result<i64> {
        self.store().count_history(member)
    }
}
