//! The one map from outcomes to SPEC §6 exit codes and error codes.

use serde_json::Value;

use crate::output::Output;

/// Why a command did not succeed: a typed core error (with its SPEC code), or an unexpected
/// failure at the edge (exit 1).
pub enum Failure {
    Core {
        error: payctl_core::Error,
        extra: Option<(&'static str, Value)>,
    },
    Unexpected(color_eyre::Report),
    /// The command already said everything (e.g. an import summary); just exit with this code.
    Exit(i32),
}

pub type CmdResult = Result<(), Failure>;

impl From<payctl_core::Error> for Failure {
    fn from(error: payctl_core::Error) -> Failure {
        Failure::Core { error, extra: None }
    }
}

impl From<color_eyre::Report> for Failure {
    fn from(e: color_eyre::Report) -> Failure {
        Failure::Unexpected(e)
    }
}

/// Prints the failure (stderr, or JSON on stdout) and returns the exit code.
pub fn report(result: CmdResult, out: &Output) -> i32 {
    match result {
        Ok(()) => 0,
        Err(Failure::Core { error, extra }) => {
            // A refusal answered from an idempotency record says so, as a success does.
            let replayed = matches!(&extra, Some(("replayed", Value::Bool(true))));
            let message = if replayed && !out.json {
                format!("{} (replayed)", error.message)
            } else {
                error.message
            };
            out.error(error.code.as_str(), &message, extra);
            error.code.exit_code()
        }
        Err(Failure::Exit(code)) => code,
        Err(Failure::Unexpected(e)) => {
            out.error("internal", &format!("{e:#}"), None);
            1
        }
    }
}
