//! The HTTP API's bearer tokens, kept by their secret's hash only.

use crate::error::Result;

/// A token as stored: everything but its secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    pub name: String,
    pub scope: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub trait ApiTokens {
    /// Adds a token; a name already taken is `duplicate`.
    fn add_token(&mut self, token: &ApiToken, secret_hash: &str) -> Result<()>;
    fn token_by_hash(&self, secret_hash: &str) -> Result<Option<ApiToken>>;
    fn token_by_name(&self, name: &str) -> Result<Option<ApiToken>>;
    /// Every token, oldest first.
    fn tokens(&self) -> Result<Vec<ApiToken>>;
    /// Marks a token revoked at `at`; `false` when there is no such token.
    fn revoke_token(&mut self, name: &str, at: &str) -> Result<bool>;
}
