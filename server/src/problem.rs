//! Errors as RFC 9457 problem details (`application/problem+json`) carrying the SPEC's error
//! code, and the one table from error codes to HTTP statuses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payctl_core::{Error, ErrorCode};
use serde_json::json;

/// The HTTP status of each error code (README, "The HTTP API").
pub fn status_of(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::InvalidInput => 400,
        ErrorCode::NotFound => 404,
        ErrorCode::Duplicate | ErrorCode::IdempotencyConflict | ErrorCode::ConcurrentUpdate => 409,
        ErrorCode::InsufficientFunds
        | ErrorCode::MemberInactive
        | ErrorCode::BankDeclined
        | ErrorCode::NoLinkedAccount
        | ErrorCode::RefundExceedsPayment
        | ErrorCode::InvalidState => 422,
        ErrorCode::StoreLocked | ErrorCode::StoreMissing => 503,
        ErrorCode::Internal
        | ErrorCode::StoreCorrupt
        | ErrorCode::VerifyFailed
        | ErrorCode::SchemaTooNew => 500,
    }
}

/// An error answered as a problem; `replayed` when it is a refusal answered again under its key.
pub struct Problem {
    pub error: Error,
    pub replayed: bool,
}

impl From<Error> for Problem {
    fn from(error: Error) -> Problem {
        Problem {
            error,
            replayed: false,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let code = self.error.code;
        let status =
            StatusCode::from_u16(status_of(code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = respond(
            status,
            code.as_str(),
            &self.error.message,
            Some(self.replayed),
        );
        if self.replayed {
            let headers = response.headers_mut();
            headers.insert(crate::routes::REPLAYED, HeaderValue::from_static("true"));
        }
        response
    }
}

/// A request refused before it reached the engine: 401 (no usable token) or 403 (a token whose
/// scope does not allow it). Codes of the API's own, beside the SPEC's.
pub fn denied(status: StatusCode, code: &str, detail: &str) -> Response {
    respond(status, code, detail, None)
}

/// The problem document and its headers (`Retry-After` on 503, `WWW-Authenticate` on 401).
fn respond(status: StatusCode, code: &str, detail: &str, replayed: Option<bool>) -> Response {
    let mut body = json!({
        "type": format!("urn:payctl:error:{code}"),
        "title": code,
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
    });
    if let Some(replayed) = replayed {
        body["replayed"] = json!(replayed);
    }
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_business_refusal_is_422_and_every_store_problem_5xx() {
        assert_eq!(status_of(ErrorCode::InsufficientFunds), 422);
        assert_eq!(status_of(ErrorCode::NotFound), 404);
        assert_eq!(status_of(ErrorCode::IdempotencyConflict), 409);
        assert_eq!(status_of(ErrorCode::StoreLocked), 503);
        assert_eq!(status_of(ErrorCode::SchemaTooNew), 500);
    }
}
