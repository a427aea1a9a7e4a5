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

use payctl_core::tokens::Scope;
use utoipa_swagger_ui::SwaggerUi;

use crate::Shared;
use crate::auth::{self, Actor};
use crate::limits::{self, Limits};
use crate::metrics::Books;
use crate::operations::{READ_ROUTES, WRITE_ROUTES};
use crate::problem::Problem;
use crate::writer::Job;
use crate::{admin, observe, stream};

/// The header that marks an answer given again from an idempotency record.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Largest request body: a JSON object of a few fields (an import line is at most 64 KiB).
const BODY_LIMIT: usize = 64 * 1024;

/// The router: the operation tables' routes behind the token check, the whole-store operations
/// behind an admin token, and the open ones (health, metrics, the document and its page).
pub fn router(shared: Arc<Shared>, limits: Arc<Limits>) -> Result<Router, serde_json::Error> {
    let mut api = Router::new();
    for route in READ_ROUTES {
        api = api.route(route.path, (route.handler)());
    }
    for route in WRITE_ROUTES {
        let op = route.op;
        api = api.route(
            route.path,
            post(move |state, actor, path, headers, body| {
                write(state, actor, op, path, headers, body)
            }),
        );
    }
    let api = api
        .route("/v1/events/stream", get(stream::events))
        .route("/v1/export", get(admin::export))
        .route_layer(from_fn_with_state(
            (shared.clone(), None),
            auth::require_token,
        ));
    let whole_store = Router::new()
        .route(
            "/v1/import",
            post(admin::import).layer(DefaultBodyLimit::max(admin::IMPORT_LIMIT)),
        )
        .route("/v1/verify", post(admin::verify))
        .route_layer(from_fn_with_state(
            (shared.clone(), Some(Scope::Admin)),
            auth::require_token,
        ));
    let docs = SwaggerUi::new("/docs").url("/openapi.json", crate::openapi::document()?);
    Ok(Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .merge(api)
        .merge(whole_store)
        .fallback(|| async { Problem::from(Error::new(ErrorCode::NotFound, "no such route")) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared.clone())
        .merge(docs)
        .layer(from_fn_with_state(limits, limits::limit))
        .layer(from_fn_with_state(shared, observe::observe)))
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

/// `/metrics`: the server's counts and the books' figures (read at the scrape).
async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let read = {
        let shared = shared.clone();
        tokio::task::spawn_blocking(move || shared.reads.with(Books::read)).await
    };
    match read {
        Ok(Ok(books)) => {
            let mut response = shared.metrics.render(&books).into_response();
            response.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            response
        }
        Ok(Err(e)) => Problem::from(e).into_response(),
        Err(_) => Problem::from(Error::internal("the read stopped")).into_response(),
    }
}
