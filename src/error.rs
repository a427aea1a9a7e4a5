//! The one error type of the core: a SPEC §6 error code and a message that names the field and
//! value. The binary maps codes to exit codes through `ErrorCode::exit_code`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Internal,
    InvalidInput,
    InsufficientFunds,
    MemberInactive,
    BankDeclined,
    NoLinkedAccount,
    RefundExceedsPayment,
    InvalidState,
    Duplicate,
    NotFound,
    IdempotencyConflict,
    ConcurrentUpdate,
    StoreLocked,
    StoreCorrupt,
    StoreMissing,
    VerifyFailed,
    SchemaTooNew,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InsufficientFunds => "insufficient_funds",
            ErrorCode::MemberInactive => "member_inactive",
            ErrorCode::BankDeclined => "bank_declined",
            ErrorCode::NoLinkedAccount => "no_linked_account",
            ErrorCode::RefundExceedsPayment => "refund_exceeds_payment",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::NotFound => "not_found",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::ConcurrentUpdate => "concurrent_update",
            ErrorCode::StoreLocked => "store_locked",
            ErrorCode::StoreCorrupt => "store_corrupt",
            ErrorCode::StoreMissing => "store_missing",
            ErrorCode::VerifyFailed => "verify_failed",
            ErrorCode::SchemaTooNew => "schema_too_new",
        }
    }

    /// SPEC §6 exit codes.
    pub fn exit_code(self) -> i32 {
        use ErrorCode::*;
        match self {
            Internal => 1,
            InvalidInput => 2,
            InsufficientFunds | MemberInactive | BankDeclined | NoLinkedAccount
            | RefundExceedsPayment | InvalidState | Duplicate => 3,
            NotFound => 4,
            IdempotencyConflict | ConcurrentUpdate => 5,
            StoreLocked | StoreCorrupt | StoreMissing | VerifyFailed | SchemaTooNew => 6,
        }
    }

    /// Rank in SPEC §3 "when several rules fail": lower is reported first.
    pub fn precedence(self) -> u8 {
        use ErrorCode::*;
        match self {
            NotFound => 0,
            MemberInactive => 1,
            InvalidInput => 2,
            Duplicate => 3,
            InvalidState => 4,
            NoLinkedAccount => 5,
            RefundExceedsPayment => 6,
            InsufficientFunds => 7,
            BankDeclined => 8,
            _ => 9,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str, value: &str) -> Error {
        Error::new(
            ErrorCode::NotFound,
            format!("{what} {:?} not found", echoed(value)),
        )
    }

    pub fn invalid(field: &str, value: &str, why: &str) -> Error {
        Error::new(
            ErrorCode::InvalidInput,
            format!("{field} {:?}: {why}", echoed(value)),
        )
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::Internal, message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest value a message repeats in full (characters): a 4,000-character name typed by
/// mistake is named by its start, not printed back whole.
pub const MAX_ECHO_CHARS: usize = 80;

/// `value` as a message repeats it: whole up to `MAX_ECHO_CHARS`, else its start, an ellipsis
/// and its length.
pub fn echoed(value: &str) -> std::borrow::Cow<'_, str> {
    let count = value.chars().count();
    if count <= MAX_ECHO_CHARS {
        return std::borrow::Cow::Borrowed(value);
    }
    let start: String = value.chars().take(MAX_ECHO_CHARS - 1).collect();
    std::borrow::Cow::Owned(format!("{start}… ({count} characters)"))
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::new(
            ErrorCode::StoreCorrupt,
            format!("unreadable stored JSON: {e}"),
        )
    }
}

impl From<crate::money::MoneyError> for Error {
    fn from(e: crate::money::MoneyError) -> Error {
        Error::new(ErrorCode::InvalidInput, e.to_string())
    }
}
