//! Merchants, with what they are owed.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Page;
use crate::engine::Engine;
use crate::error::Result;
use crate::money::Currency;
use crate::ports::Queries;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merchant {
    pub id: String,
    pub name: String,
    pub code: String,
    pub fee_rate: String,
    pub bank: String,
    pub account: String,
    pub registered_at: String,
    pub unsettled: Decimal,
    pub deficit: Decimal,
    pub last_settlement: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
}

impl Engine {
    pub fn merchant(&self, reference: &str) -> Result<Merchant> {
        Queries::merchant(self.store(), reference)
    }

    pub fn merchants(&self, page: Page) -> Result<Vec<Merchant>> {
        self.store().merchants(page)
    }

    pub fn count_merchants(&self) -> Result<i64> {
        self.store().count_merchants()
    }
}
