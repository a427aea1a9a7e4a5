//! The API tokens' table, in the shared SQL.

use super::{SqlConn, SqlRow, SqlStore};
use crate::error::Result;
use crate::ports::{ApiToken, ApiTokens};
use crate::store::sql::Param;

const TOKEN_COLUMNS: &str = "name, scope, created_at, expires_at, revoked_at";

fn token(r: &dyn SqlRow) -> Result<ApiToken> {
    Ok(ApiToken {
        name: r.text(0)?.to_string(),
        scope: r.text(1)?.to_string(),
        created_at: r.text(2)?.to_string(),
        expires_at: r.opt_text(3)?.map(str::to_string),
        revoked_at: r.opt_text(4)?.map(str::to_string),
    })
}

impl<C: SqlConn> ApiTokens for SqlStore<C> {
    fn add_token(&mut self, t: &ApiToken, secret_hash: &str) -> Result<()> {
        let id = self.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM api_tokens", &[])?;
        self.conn.execute(
            "INSERT INTO api_tokens (id, name, scope, secret_hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                Param::Int(id),
                Param::Text(&t.name),
                Param::Text(&t.scope),
                Param::Text(secret_hash),
                Param::Text(&t.created_at),
                t.expires_at.as_deref().into(),
            ],
        )?;
        Ok(())
    }

    fn token_by_hash(&self, secret_hash: &str) -> Result<Option<ApiToken>> {
        self.one(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE secret_hash = ?1"),
            &[Param::Text(secret_hash)],
            token,
        )
    }

    fn token_by_name(&self, name: &str) -> Result<Option<ApiToken>> {
        self.one(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE name = ?1"),
            &[Param::Text(name)],
            token,
        )
    }

    fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.all(
            &format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id"),
            &[],
            token,
        )
    }

    fn revoke_token(&mut self, name: &str, at: &str) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?2) WHERE name = ?1",
            &[Param::Text(name), Param::Text(at)],
        )?;
        Ok(changed > 0)
    }
}
