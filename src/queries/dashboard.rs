//! The console's front page: platform totals, what merchants are owed, recent volume.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::engine::Engine;
use crate::error::Result;

/// The console's front page: platform totals, what merchants are owed, recent volume.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Dashboard {
    pub members: i64,
    pub active_members: i64,
    pub merchants: i64,
    /// Σ wallet balances: what the platform owes its members.
    pub float: Decimal,
    pub house: Decimal,
    /// Fees earned (positive).
    pub fees: Decimal,
    /// Captured, unsettled (net of refunds) per merchant with any.
    pub unsettled: Vec<(String, String, Decimal)>,
    /// Captured payments per day (date, count, volume), oldest first, last `days` days with any.
    pub daily: Vec<(String, i64, Decimal)>,
    pub events: i64,
}

impl Engine {
    /// Aggregates for the dashboard, over the last `days` days with volume: computed by the
    /// store, nothing loads a table.
    pub fn dashboard(&self, days: i64) -> Result<Dashboard> {
        self.store().dashboard(days)
    }

    /// A number that changes whenever another process commits: the console polls it.
    pub fn data_version(&self) -> Result<i64> {
        self.store().change_signal()
    }
}
