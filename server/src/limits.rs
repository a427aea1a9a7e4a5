//! Limits on what one server takes on at once: requests in flight (beyond it, 503 with
//! Retry-After at once rather than a queue that grows) and the time one request may take to be
//! answered (a write answered 503 this way may still commit: retry it under its key).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use payctl_core::{Error, ErrorCode};
use tokio::sync::Semaphore;

use crate::problem::Problem;

pub struct Limits {
    pub in_flight: Semaphore,
    pub answer_within: Duration,
}

pub async fn limit(State(limits): State<Arc<Limits>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = limits.in_flight.try_acquire() else {
        return busy("too many requests in flight: try again in a moment");
    };
    match tokio::time::timeout(limits.answer_within, next.run(request)).await {
        Ok(response) => response,
        Err(_) => busy(&format!(
            "no answer within {} s; a write may still commit: retry it under its Idempotency-Key",
            limits.answer_within.as_secs()
        )),
    }
}

fn busy(detail: &str) -> Response {
    Problem::from(Error::new(ErrorCode::StoreLocked, detail.to_string())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::middleware::from_fn_with_state;
    use axum::routing::get;
    use tokio::sync::Notify;
    use tower::ServiceExt;

    fn app(limits: Limits, release: Arc<Notify>) -> Router {
        Router::new()
            .route(
                "/slow",
                get(move || async move {
                    release.notified().await;
                    "done"
                }),
            )
            .route("/fast", get(|| async { "done" }))
            .layer(from_fn_with_state(Arc::new(limits), limit))
    }

    fn get_(path: &str) -> axum::http::Request<Body> {
        axum::http::Request::get(path)
            .body(Body::empty())
            .expect("a request")
    }

    #[tokio::test]
    async fn one_request_beyond_the_limit_is_503_at_once_and_the_next_one_passes() {
        let release = Arc::new(Notify::new());
        let limits = Limits {
            in_flight: Semaphore::new(1),
            answer_within: Duration::from_secs(60),
        };
        let app = app(limits, release.clone());
        let slow = tokio::spawn(app.clone().oneshot(get_("/slow")));
        tokio::task::yield_now().await;
        for _ in 0..100 {
            let refused = app.clone().oneshot(get_("/fast")).await.expect("an answer");
            if refused.status() == StatusCode::SERVICE_UNAVAILABLE {
                assert!(refused.headers().contains_key("retry-after"));
                release.notify_one();
                let done = slow.await.expect("joined").expect("an answer");
                assert_eq!(done.status(), StatusCode::OK);
                let after = app.oneshot(get_("/fast")).await.expect("an answer");
                assert_eq!(after.status(), StatusCode::OK);
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the slow request never held the only permit");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_not_answered_in_time_is_503() {
        let limits = Limits {
            in_flight: Semaphore::new(8),
            answer_within: Duration::from_secs(30),
        };
        let app = app(limits, Arc::new(Notify::new()));
        let answer = app.oneshot(get_("/slow")).await.expect("an answer");
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
