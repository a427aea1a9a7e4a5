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

/// clap's refusal as one line for `--json`: its message and details (the missing arguments, a
/// tip), without the usage and the pointer to `--help`, which name nothing wrong.
/// `text` with every argument longer than the core's echo limit shortened as the core's own
/// messages show it: a value typed by mistake is named by its start, not printed back whole.
pub fn without_long_args(text: &str, args: &[String]) -> String {
    let mut out = text.to_string();
    for arg in args
        .iter()
        .filter(|a| a.chars().count() > payctl_core::error::MAX_ECHO_CHARS)
    {
        out = out.replace(arg.as_str(), &payctl_core::error::echoed(arg));
    }
    out
}

pub fn usage_message(e: &clap::Error) -> String {
    let text = e.to_string();
    let parts: Vec<String> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_prefix("tip: ") {
            Some(tip) => format!("(tip: {tip})"),
            None => l.to_string(),
        })
        .collect();
    let line = parts.join(" ");
    match line.strip_prefix("error: ") {
        Some(rest) => rest.to_string(),
        None if line.is_empty() => "invalid arguments".to_string(),
        None => line,
    }
}

/// `invalid_input` naming the field and the value (long values shortened).
pub fn invalid(field: &str, value: &str, why: &str) -> Failure {
    payctl_core::Error::invalid(field, value, why).into()
}
