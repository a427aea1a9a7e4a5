//! `GET /v1/events/stream`: the log as Server-Sent Events, each event once and in log order,
//! `id` its seq so that a client reconnecting with `Last-Event-ID` resumes after it. New events
//! wake the stream when this server's writer commits, and a poll finds those of other processes.
//! A stream ends after the server's stream lifetime (clients reconnect, as EventSource does by
//! itself), so that no connection is held forever.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use payctl_core::Error;
use payctl_core::queries::{EventQuery, EventRow};

use crate::Shared;
use crate::problem::Problem;

/// Events read per query.
const CHUNK: i64 = 500;
/// How often to look for events other processes wrote.
const POLL: Duration = Duration::from_millis(500);

pub async fn events(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let start = match start_after(&shared, &headers, &params).await {
        Ok(seq) => seq,
        Err(e) => return Problem::from(e).into_response(),
    };
    let ends = tokio::time::Instant::now() + shared.stream_lifetime;
    Sse::new(follow(shared, start, ends))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Where the stream starts: after `Last-Event-ID`, else after `?after=`, else at the head.
async fn start_after(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<i64, Error> {
    let given = match headers.get("last-event-id") {
        Some(v) => Some(("Last-Event-ID", v.to_str().unwrap_or("").to_string())),
        None => params.get("after").map(|a| ("after", a.clone())),
    };
    match given {
        Some((name, text)) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| Error::invalid(name, &text, "must be an event seq (a whole number)")),
        None => {
            let shared = shared.clone();
            tokio::task::spawn_blocking(move || shared.reads.with(|e| e.log_head().map(|h| h.0)))
                .await
                .map_err(|_| Error::internal("the read stopped"))?
        }
    }
}

/// The events after `after`, until `ends` or the server stops.
fn follow(
    shared: Arc<Shared>,
    after: i64,
    ends: tokio::time::Instant,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let state = (shared, after, Vec::<EventRow>::new().into_iter());
    stream::unfold(state, move |(shared, mut after, mut pending)| async move {
        loop {
            if let Some(row) = pending.next() {
                after = row.seq;
                let event = Event::default()
                    .id(row.seq.to_string())
                    .event(row.kind.clone())
                    .json_data(&row)
                    .unwrap_or_else(|_| Event::default().comment("unserialisable event"));
                return Some((Ok(event), (shared, after, pending)));
            }
            let mut stopping = shared.stopping.subscribe();
            if *stopping.borrow() || tokio::time::Instant::now() >= ends {
                return None;
            }
            let committed = shared.committed.notified();
            let read = {
                let shared = shared.clone();
                tokio::task::spawn_blocking(move || {
                    let filter = EventQuery {
                        after: Some(after),
                        ..EventQuery::default()
                    };
                    shared.reads.with(|e| e.events(&filter, CHUNK))
                })
                .await
            };
            match read {
                Ok(Ok(rows)) if !rows.is_empty() => pending = rows.into_iter(),
                // A failed read ends the stream; the client resumes with Last-Event-ID.
                Ok(Err(_)) | Err(_) => return None,
                Ok(Ok(_)) => {
                    tokio::select! {
                        () = committed => {},
                        () = tokio::time::sleep(POLL) => {},
                        () = tokio::time::sleep_until(ends) => return None,
                        _ = stopping.changed() => return None,
                    }
                }
            }
        }
    })
}
