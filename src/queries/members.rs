//! Members and their linked bank accounts.

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
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    pub address: Option<String>,
    pub corporate: bool,
    pub status: String,
    pub registered_at: String,
    pub balance: Decimal,
    pub available: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    pub id: String,
    pub member: String,
    pub bank: String,
    pub account: String,
    pub primary: bool,
    pub status: String,
    pub linked_at: String,
}

impl Engine {
    pub fn member(&self, reference: &str, now: Timestamp) -> Result<Member> {
        Queries::member(self.store(), reference, now)
    }

    /// Members by id; `search` matches name or email (case-insensitive substring).
    pub fn members(&self, search: Option<&str>, page: Page, now: Timestamp) -> Result<Vec<Member>> {
        self.store().members(search, page, now)
    }

    /// Members `members` lists for this search.
    pub fn count_members(&self, search: Option<&str>) -> Result<i64> {
        self.store().count_members(search)
    }

    /// Linked accounts of one member, or of all, by id.
    pub fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>> {
        Queries::links(self.store(), member, page)
    }

    pub fn count_links(&self, member: Option<&str>) -> Result<i64> {
        self.store().count_links(member)
    }
}
