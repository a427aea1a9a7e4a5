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

/// An error the framework answered itself (413, 405, a path or query it could not read) made
/// a problem like every other; its status and headers stay.
pub async fn ensure_problem(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the body is too large"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this route does not take that method")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send application/json"),
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        s if s.is_server_error() => ("internal", "the server failed to answer"),
        _ => (
            "invalid_input",
            "the request's path, query or headers could not be read",
        ),
    };
    let (parts, body) = response.into_parts();
    // The framework's own words, when it gave a short text.
    let said = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|t| !t.trim().is_empty());
    let detail = said.as_deref().map_or(detail, str::trim);
    let mut answer = respond(status, code, detail, None);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
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
