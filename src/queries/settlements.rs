//! Settlements and the payments each included.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Page;
use crate::engine::Engine;
use crate::error::Result;
use crate::money::Currency;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettlementLine {
    pub payment: String,
    pub captured: Decimal,
    pub refunded: Decimal,
    pub net: Decimal,
    pub fee: Decimal,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settlement {
    pub id: String,
    pub merchant: String,
    pub cutoff: String,
    pub gross: Decimal,
    pub refunds: Decimal,
    pub fee: Decimal,
    pub deficit: Decimal,
    pub payout: Decimal,
    pub carried: Decimal,
    pub status: String,
    pub firm_banking: Option<String>,
    pub reason: Option<String>,
    pub at: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<SettlementLine>,
}

impl Engine {
    pub fn settlement(&self, reference: &str) -> Result<Settlement> {
        self.store().settlement(reference)
    }

    pub fn settlements(&self, merchant: Option<&str>, page: Page) -> Result<Vec<Settlement>> {
        self.store().settlements(merchant, page)
    }

    pub fn count_settlements(&self, merchant: Option<&str>) -> Result<i64> {
        self.store().count_settlements(merchant)
    }
}
