//! SQLite's errors in payctl's words: the SPEC error code each one means.

use crate::error::{Error, ErrorCode};

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ffi::ErrorCode as C;
        // payctl reads back only what it wrote: a value of another type, or a text that is not
        // UTF-8, was put there behind its back.
        if matches!(
            e,
            rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
                | rusqlite::Error::Utf8Error(..)
        ) {
            return Error::new(
                ErrorCode::StoreCorrupt,
                format!("the store holds a value payctl did not write (run `payctl verify`): {e}"),
            );
        }
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => Error::new(
                ErrorCode::StoreLocked,
                format!("the store is locked by another process (gave up waiting): {e}"),
            ),
            // No write access (file mode, immutable flag, read-only mount): a store problem that
            // blocks writes like a lock does, and reads still work.
            Some(C::ReadOnly) => Error::new(
                ErrorCode::StoreLocked,
                format!(
                    "the store is read-only (file permissions, an immutable flag or a read-only \
                     file system): write commands need write access, read commands still work: {e}"
                ),
            ),
            Some(C::DatabaseCorrupt | C::NotADatabase) => Error::new(
                ErrorCode::StoreCorrupt,
                format!("the store file is damaged: {e}"),
            ),
            _ => Error::internal(format!("sqlite: {e}")),
        }
    }
}
