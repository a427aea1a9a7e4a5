//! Around every request: an id (the client's `X-Request-Id`, or one of ours), its latency and
//! status counted for `/metrics`, one structured log line, and errors the framework answered
//! itself (a body too large, a method not allowed, a malformed path) made problems too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::Shared;
use crate::auth::Actor;
use crate::problem;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn observe(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let started = Instant::now();
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map_or_else(
            || format!("req-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            str::to_string,
        );
    let method = request.method().to_string();
    // The route's pattern, never the raw path: one series per route, whatever ids are asked.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let mut response = problem::ensure_problem(next.run(request).await).await;
    let status = response.status().as_u16();
    let latency = started.elapsed();
    shared.metrics.request(&method, &route, status, latency);
    let actor = response
        .extensions()
        .get::<Actor>()
        .map_or("-", |a| a.0.as_str());
    tracing::info!(
        target: "payctl::http",
        request_id = %id,
        method = %method,
        route = %route,
        status,
        latency_ms = latency.as_secs_f64() * 1000.0,
        actor = %actor,
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
