//! Bearer tokens for the HTTP API: a secret shown once at creation, kept as its SHA-256 only;
//! scoped (read < operate < admin), expiring, revocable. Not events: who may call the API is
//! not a fact of the books.

use sha2::{Digest, Sha256};

use crate::clock::{self, Timestamp};
use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
pub use crate::ports::ApiToken;

/// What a token may do, each scope allowing what the ones before it allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Every GET.
    Read,
    /// Every write of the platform.
    Operate,
    /// Administration (import, verify, tokens).
    Admin,
}

impl Scope {
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "read" => Some(Scope::Read),
            "operate" => Some(Scope::Operate),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Operate => "operate",
            Scope::Admin => "admin",
        }
    }
}

/// Why a secret was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    Unknown,
    Expired,
    Revoked,
}

/// The hash a secret is kept as.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new secret: `pct_` and 32 bytes of the operating system's randomness, in hex.
fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::internal(format!("no randomness for a token: {e}")))?;
    Ok(format!(
        "pct_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// A token name: 1 to 64 letters, digits, `-`, `_` or `.` (it is the actor on events).
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if plain {
        Ok(())
    } else {
        Err(Error::invalid(
            "name",
            name,
            "use 1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

impl Engine {
    /// Creates a token; answers it and its secret (shown this once, never stored).
    pub fn create_token(
        &mut self,
        name: &str,
        scope: Scope,
        expires_in_secs: Option<i64>,
    ) -> Result<(ApiToken, String)> {
        check_name(name)?;
        let now = clock::now();
        let expires_at = match expires_in_secs {
            None => None,
            Some(secs) => Some(
                now.checked_add_signed(chrono::Duration::seconds(secs))
                    .filter(|_| secs > 0)
                    .ok_or_else(|| {
                        Error::invalid("expires", &secs.to_string(), "is not a usable duration")
                    })?,
            ),
        };
        let token = ApiToken {
            name: name.to_string(),
            scope: scope.as_str().to_string(),
            created_at: clock::to_storage(now),
            expires_at: expires_at.map(clock::to_storage),
            revoked_at: None,
        };
        let secret = new_secret()?;
        self.in_write(|engine| {
            if engine.store().token_by_name(name)?.is_some() {
                return Err(Error::new(
                    ErrorCode::Duplicate,
                    format!("a token named {name} exists (revoke it, or choose another name)"),
                ));
            }
            engine.store_mut().add_token(&token, &secret_hash(&secret))
        })?;
        Ok((token, secret))
    }

    /// Every token, oldest first (no secrets: payctl has none to show).
    pub fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.store().tokens()
    }

    /// Revokes a token from now on; revoking it again changes nothing.
    pub fn revoke_token(&mut self, name: &str) -> Result<ApiToken> {
        let at = clock::to_storage(clock::now());
        self.in_write(|engine| {
            if !engine.store_mut().revoke_token(name, &at)? {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!("no token named {name}"),
                ));
            }
            engine
                .store()
                .token_by_name(name)?
                .ok_or_else(|| Error::internal("a revoked token vanished"))
        })
    }

    /// The token whose secret `secret` is, if it may be used at `now`.
    pub fn authenticate(
        &self,
        secret: &str,
        now: Timestamp,
    ) -> Result<std::result::Result<ApiToken, Denied>> {
        let Some(token) = self.store().token_by_hash(&secret_hash(secret))? else {
            return Ok(Err(Denied::Unknown));
        };
        if token.revoked_at.is_some() {
            return Ok(Err(Denied::Revoked));
        }
        if token
            .expires_at
            .as_deref()
            .is_some_and(|at| at <= clock::to_storage(now).as_str())
        {
            return Ok(Err(Denied::Expired));
        }
        Ok(Ok(token))
    }

    /// Runs `f` in a write transaction of its own, committed when it succeeds.
    fn in_write<T>(&mut self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        self.begin()?;
        let result = f(self);
        self.finish(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_ordered_and_spelled_as_given() {
        assert!(Scope::Read < Scope::Operate && Scope::Operate < Scope::Admin);
        for s in ["read", "operate", "admin"] {
            assert_eq!(Scope::parse(s).map(Scope::as_str), Some(s));
        }
        assert_eq!(Scope::parse("root"), None);
    }

    #[test]
    fn a_secret_is_kept_as_its_sha256() {
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
