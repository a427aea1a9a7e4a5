//! The routes: every write of the SPEC as a POST (its body the import format's fields, SPEC §7,
//! with ids from the path), the reads, and the health checks.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use payctl_core::import::parse_record;
use payctl_core::{Context, Error, ErrorCode};
use serde_json::{Map, Value, json};
use tokio::sync::oneshot;

use crate::Shared;
use crate::auth::{self, Actor};
use crate::problem::Problem;
use crate::queries as q;
use crate::writer::Job;

/// The header that marks an answer given again from an idempotency record.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Largest request body: a JSON object of a few fields (an import line is at most 64 KiB).
const BODY_LIMIT: usize = 64 * 1024;

/// A write route: `POST path` runs the import op `op`, each `{name}` of the path filling the
/// body field of that name.
pub struct WriteRoute {
    pub path: &'static str,
    pub op: &'static str,
}

pub const WRITE_ROUTES: &[WriteRoute] = &[
    WriteRoute {
        path: "/v1/members",
        op: "member.register",
    },
    WriteRoute {
        path: "/v1/members/{member}/update",
        op: "member.update",
    },
    WriteRoute {
        path: "/v1/members/{member}/deactivate",
        op: "member.deactivate",
    },
    WriteRoute {
        path: "/v1/members/{member}/reactivate",
        op: "member.reactivate",
    },
    WriteRoute {
        path: "/v1/members/{member}/bank-links",
        op: "bank.link",
    },
    WriteRoute {
        path: "/v1/members/{member}/bank-links/unlink",
        op: "bank.unlink",
    },
    WriteRoute {
        path: "/v1/bank-sim/accounts",
        op: "bank.sim",
    },
    WriteRoute {
        path: "/v1/wallets/{member}/recharge",
        op: "money.recharge",
    },
    WriteRoute {
        path: "/v1/wallets/{member}/withdraw",
        op: "money.withdraw",
    },
    WriteRoute {
        path: "/v1/remittances",
        op: "remit",
    },
    WriteRoute {
        path: "/v1/merchants",
        op: "merchant.register",
    },
    WriteRoute {
        path: "/v1/merchants/{merchant}/update",
        op: "merchant.update",
    },
    WriteRoute {
        path: "/v1/payments",
        op: "pay",
    },
    WriteRoute {
        path: "/v1/payments/{payment}/capture",
        op: "capture",
    },
    WriteRoute {
        path: "/v1/payments/{payment}/void",
        op: "void",
    },
    WriteRoute {
        path: "/v1/payments/{payment}/refund",
        op: "refund",
    },
    WriteRoute {
        path: "/v1/settlements",
        op: "settle",
    },
];

pub fn router(shared: Arc<Shared>) -> Router {
    let mut api = Router::new()
        .route("/v1/members", get(q::members))
        .route("/v1/members/{member}", get(q::member))
        .route("/v1/members/{member}/bank-links", get(q::links))
        .route("/v1/bank/requests", get(q::bank_requests))
        .route("/v1/wallets/{member}", get(q::balance))
        .route("/v1/wallets/{member}/history", get(q::history))
        .route("/v1/merchants", get(q::merchants))
        .route("/v1/merchants/{merchant}", get(q::merchant))
        .route("/v1/payments", get(q::payments))
        .route("/v1/payments/{payment}", get(q::payment))
        .route("/v1/settlements", get(q::settlements))
        .route("/v1/settlements/{settlement}", get(q::settlement))
        .route("/v1/ledger/balances", get(q::ledger_balances))
        .route("/v1/ledger/transactions", get(q::ledger_transactions))
        .route("/v1/events", get(q::events));
    for route in WRITE_ROUTES {
        let op = route.op;
        api = api.route(
            route.path,
            post(move |state, actor, path, headers, body| {
                write(state, actor, op, path, headers, body)
            }),
        );
    }
    let api = api.route_layer(from_fn_with_state(shared.clone(), auth::require_token));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .merge(api)
        .fallback(|| async { Problem::from(Error::new(ErrorCode::NotFound, "no such route")) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}

/// A write: the body and the path make an import record, the writer runs it.
async fn write(
    State(shared): State<Arc<Shared>>,
    Extension(actor): Extension<Actor>,
    op: &'static str,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match submit(&shared, actor, op, params, &headers, &body).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    }
}

async fn submit(
    shared: &Shared,
    actor: Actor,
    op: &'static str,
    params: HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Problem> {
    let record = record(op, params, body)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| Error::invalid("Idempotency-Key", "", "is not visible ASCII"))?
                .to_string(),
        ),
    };
    let operation =
        parse_record(0, &record).map_err(|message| Error::new(ErrorCode::InvalidInput, message))?;
    let (reply, answer) = oneshot::channel();
    shared.writer.submit(Job {
        command: operation.command,
        ctx: Context {
            at: operation.at,
            actor: actor.0,
            idempotency_key: key,
        },
        reply,
    })?;
    let outcome = answer
        .await
        .map_err(|_| Error::internal("the writer stopped before answering"))??;
    match outcome.result {
        Ok(applied) => {
            let mut obj = Map::new();
            if let Some(id) = &applied.id {
                obj.insert("id".into(), json!(id.to_string()));
            }
            for (k, v) in &applied.details {
                obj.insert(k.clone(), v.clone());
            }
            obj.insert("replayed".into(), json!(outcome.replayed));
            if op == "settle" {
                let ids: Vec<String> = applied.settled.iter().map(ToString::to_string).collect();
                obj.insert("settled".into(), json!(ids));
            }
            let mut response = (StatusCode::OK, axum::Json(Value::Object(obj))).into_response();
            if outcome.replayed {
                response
                    .headers_mut()
                    .insert(REPLAYED, HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        Err(error) => Err(Problem {
            error,
            replayed: outcome.replayed,
        }),
    }
}

/// The import record of a request: its JSON object, the op, and the ids of its path.
fn record(
    op: &str,
    params: HashMap<String, String>,
    body: &[u8],
) -> Result<Map<String, Value>, Error> {
    let mut record = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(Error::invalid("body", "", "must be a JSON object")),
            Err(e) => return Err(Error::invalid("body", "", &format!("is not JSON: {e}"))),
        }
    };
    for field in ["op", "key"] {
        if record.contains_key(field) {
            let why = if field == "key" {
                "is not taken in the body: send the Idempotency-Key header"
            } else {
                "is not taken in the body: the route names the operation"
            };
            return Err(Error::invalid(field, "", why));
        }
    }
    for (name, value) in params {
        if let Some(given) = record.get(&name).and_then(Value::as_str) {
            if given != value {
                return Err(Error::invalid(&name, given, "differs from the path"));
            }
        }
        record.insert(name, Value::String(value));
    }
    record.insert("op".into(), Value::String(op.to_string()));
    Ok(record)
}

/// Ready when the store answers (it exists, its schema is current).
async fn ready(State(shared): State<Arc<Shared>>) -> Response {
    let shared = shared.clone();
    let checked = tokio::task::spawn_blocking(move || {
        shared
            .reads
            .with(|engine| engine.require_settings().map(|_| ()))
    })
    .await;
    match checked {
        Ok(Ok(())) => "ready\n".into_response(),
        Ok(Err(e)) => Problem::from(e).into_response(),
        Err(_) => Problem::from(Error::internal("the check stopped")).into_response(),
    }
}
