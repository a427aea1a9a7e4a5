//! `payctl token`: the HTTP API's bearer tokens (create, list, revoke).

use clap::Subcommand;
use payctl_core::clock;
use payctl_core::tokens::{ApiToken, Scope};

use crate::App;
use crate::admin::parse_duration_secs;
use crate::exit::{CmdResult, invalid};
use crate::output::Align;
use crate::write::{open_read, open_write};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret, once: payctl keeps only its hash. Requests carry it
    /// as `Authorization: Bearer SECRET`; events they write record the token's name as actor.
    #[command(
        after_help = "Examples:\n  payctl token create --name shop-web --scope operate --expires 90d\n  payctl token create --name grafana --scope read --json"
    )]
    Create {
        /// The token's name (1 to 64 letters, digits, '-', '_', '.'): the actor of its writes.
        #[arg(long)]
        name: String,
        /// read (every GET), operate (and every write), admin (and administration).
        #[arg(long, value_name = "SCOPE")]
        scope: String,
        /// Lifetime: 90d, 12h, 30m, 600s (default: until revoked).
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
    },
    /// List the tokens (names, scopes, expiry, revocation; never secrets).
    #[command(after_help = "Example:\n  payctl token list --json")]
    List,
    /// Revoke a token: requests with it are refused (401) from now on.
    #[command(after_help = "Example:\n  payctl token revoke shop-web")]
    Revoke {
        /// The token's name.
        name: String,
    },
}

fn shown(at: &Option<String>) -> String {
    at.as_deref()
        .and_then(clock::from_storage)
        .map(clock::to_display)
        .unwrap_or_else(|| "-".to_string())
}

fn json(t: &ApiToken) -> serde_json::Value {
    let display = |at: &Option<String>| {
        at.as_deref()
            .and_then(clock::from_storage)
            .map(clock::to_display)
    };
    serde_json::json!({
        "name": t.name,
        "scope": t.scope,
        "created_at": display(&Some(t.created_at.clone())),
        "expires_at": display(&t.expires_at),
        "revoked_at": display(&t.revoked_at),
    })
}

pub fn run(command: TokenCommand, app: &App) -> CmdResult {
    match command {
        TokenCommand::Create {
            name,
            scope,
            expires,
        } => {
            let scope = Scope::parse(&scope)
                .ok_or_else(|| invalid("scope", &scope, "use read, operate or admin"))?;
            let expires = match expires {
                None => None,
                Some(text) => Some(parse_duration_secs(&text).ok_or_else(|| {
                    invalid(
                        "expires",
                        &text,
                        "use a duration such as 90d, 12h, 30m or 600s",
                    )
                })?),
            };
            let mut engine = open_write(app)?;
            let (token, secret) = engine.create_token(&name, scope, expires)?;
            if app.out.json {
                let mut v = json(&token);
                v["secret"] = serde_json::json!(secret);
                app.out.json_value(&v);
            } else {
                app.out.line(&format!(
                    "Created token {} (scope {}, expires {})",
                    token.name,
                    token.scope,
                    shown(&token.expires_at)
                ));
                app.out.line(&secret);
                app.out.aside(
                    "Keep the secret now: payctl keeps only its hash and cannot show it again.",
                );
            }
        }
        TokenCommand::List => {
            let engine = open_read(app)?;
            let tokens = engine.tokens()?;
            if app.out.json {
                let list: Vec<_> = tokens.iter().map(json).collect();
                app.out.json_value(&serde_json::json!({ "tokens": list }));
            } else {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            t.scope.clone(),
                            shown(&Some(t.created_at.clone())),
                            shown(&t.expires_at),
                            shown(&t.revoked_at),
                        ]
                    })
                    .collect();
                app.out.table(
                    &[
                        ("NAME", Align::Left),
                        ("SCOPE", Align::Left),
                        ("CREATED", Align::Left),
                        ("EXPIRES", Align::Left),
                        ("REVOKED", Align::Left),
                    ],
                    &rows,
                );
            }
        }
        TokenCommand::Revoke { name } => {
            let mut engine = open_write(app)?;
            let token = engine.revoke_token(&name)?;
            if app.out.json {
                app.out.json_value(&json(&token));
            } else {
                app.out.line(&format!("Revoked token {}", token.name));
            }
        }
    }
    Ok(())
}
