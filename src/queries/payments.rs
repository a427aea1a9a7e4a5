//! Payments and their refunds.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Page;
use crate::clock::Timestamp;
use crate::engine::Engine;
use crate::error::Result;
use crate::money::Currency;
use crate::ports::Queries;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refund {
    pub id: String,
    pub amount: Decimal,
    pub after_settlement: bool,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: String,
    pub member: String,
    pub merchant: String,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub amount: Decimal,
    pub captured: Decimal,
    pub refunded: Decimal,
    pub fee_rate: String,
    pub status: String,
    pub hold: bool,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub captured_at: Option<String>,
    pub settlement: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Refund>,
}

/// What a payment list is filtered by: a member, a merchant, a status (`authorized`,
/// `captured`, `voided`, `expired`, `settled`, `unsettled`).
#[derive(Debug, Clone, Default)]
pub struct PaymentQuery {
    pub member: Option<String>,
    pub merchant: Option<String>,
    pub status: Option<String>,
}

impl Engine {
    pub fn payment(&self, reference: &str, now: Timestamp) -> Result<Payment> {
        Queries::payment(self.store(), reference, now)
    }

    /// Payments newest first; a hold past its expiry shows as expired as of `now`.
    pub fn payments(
        &self,
        filter: &PaymentQuery,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Payment>> {
        self.store().payments(filter, page, now)
    }

    pub fn count_payments(&self, filter: &PaymentQuery, now: Timestamp) -> Result<i64> {
        self.store().count_payments(filter, now)
    }
}
