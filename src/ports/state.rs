//! What the write path reads besides `StateView`: the settings and the holds that fall due.

use crate::error::Result;
use crate::projections::Settings;

/// An authorized hold and when it expires (storage form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldDue {
    pub payment: i64,
    pub member: i64,
    pub amount_minor: i64,
    pub expires_at: String,
}

pub trait StoreState {
    /// The settings, once the store is initialized.
    fn settings(&self) -> Result<Option<Settings>>;
    /// The earliest expiry of an authorized hold (storage form), if any hold is open.
    fn earliest_hold_expiry(&self) -> Result<Option<String>>;
    /// Authorized holds expiring at or before `at` (storage form), by expiry then id.
    fn holds_due(&self, at: &str) -> Result<Vec<HoldDue>>;
}
