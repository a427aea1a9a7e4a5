//! Every /v1 request carries `Authorization: Bearer SECRET` of a token whose scope allows it:
//! GET needs read, a write operate, import and verify admin. The token's name is the actor of what the request writes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use payctl_core::clock;
use payctl_core::tokens::{Denied, Scope};

use crate::Shared;
use crate::problem::{Problem, denied};

/// Who a request acts as: its token's name.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

/// The middleware's state: the server, and the scope its routes need (`None`: GET needs read,
/// any other method operate).
pub type Guard = (Arc<Shared>, Option<Scope>);

pub async fn require_token(
    State((shared, scope)): State<Guard>,
    mut request: Request,
    next: Next,
) -> Response {
    let by_method = if request.method() == Method::GET || request.method() == Method::HEAD {
        Scope::Read
    } else {
        Scope::Operate
    };
    let needed = scope.unwrap_or(by_method);
    let secret = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_string());
    let Some(secret) = secret else {
        return denied(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a token: Authorization: Bearer SECRET (payctl token create)",
        );
    };
    let checked = {
        let shared = shared.clone();
        tokio::task::spawn_blocking(move || {
            shared
                .reads
                .with(|engine| engine.authenticate(&secret, clock::now()))
        })
        .await
    };
    let token = match checked {
        Ok(Ok(Ok(token))) => token,
        Ok(Ok(Err(why))) => {
            let detail = match why {
                Denied::Unknown => "no such token",
                Denied::Expired => "the token has expired",
                Denied::Revoked => "the token was revoked",
            };
            return denied(StatusCode::UNAUTHORIZED, "unauthorized", detail);
        }
        Ok(Err(e)) => return Problem::from(e).into_response(),
        Err(_) => {
            return Problem::from(payctl_core::Error::internal("the token check stopped"))
                .into_response();
        }
    };
    let allowed = Scope::parse(&token.scope).is_some_and(|s| s >= needed);
    if !allowed {
        return denied(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!(
                "token {} has scope {}; this request needs {}",
                token.name,
                token.scope,
                needed.as_str()
            ),
        );
    }
    let actor = Actor(token.name);
    request.extensions_mut().insert(actor.clone());
    let mut response = next.run(request).await;
    // For the request log, which runs outside this layer.
    response.extensions_mut().insert(actor);
    response
}
