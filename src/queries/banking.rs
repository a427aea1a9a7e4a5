//! Firm-banking requests.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Page;
use crate::engine::Engine;
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirmBanking {
    pub id: String,
    pub from: String,
    pub to: String,
    pub amount: Decimal,
    pub purpose: String,
    pub status: String,
    pub reason: Option<String>,
    pub requested_at: String,
}

impl Engine {
    pub fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>> {
        self.store().firm_banking(page)
    }

    pub fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking> {
        self.store().firm_banking_request(reference)
    }

    pub fn count_firm_banking(&self) -> Result<i64> {
        self.store().count_firm_banking()
    }
}
