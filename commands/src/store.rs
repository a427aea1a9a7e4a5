//! `payctl store copy`: a whole store into a new one, between SQLite files and PostgreSQL
//! schemas in any direction.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use payctl_core::verify::require_ok;
use payctl_core::{Engine, Error, ErrorCode, OpenMode};

use crate::App;
use crate::exit::CmdResult;
use crate::write::busy_timeout;

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    Copy(CopyArgs),
}

/// Copy a store into a new one (SQLite file or PostgreSQL schema, either way): the log byte for
/// byte (the same hashes and head), the idempotency records, the read models made again; then
/// verify the copy. A target that already holds a store is refused.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl store copy --from ./books.db --to 'postgres://payctl@db.internal/books'\n  payctl store copy --from 'postgres://payctl@db.internal/books?schema=payctl' --to ./books-copy.db\n  payctl store copy --to 'postgres://payctl@db.internal/books?schema=staging'   (from --db)"
)]
pub struct CopyArgs {
    /// The store to copy: a file or a PostgreSQL URL (default: the store of --db / PAYCTL_DB).
    #[arg(long, value_name = "DB")]
    from: Option<PathBuf>,
    /// The new store: a file that does not exist yet, or a PostgreSQL URL whose schema holds no
    /// store.
    #[arg(long, value_name = "DB")]
    to: PathBuf,
}

pub fn run(command: StoreCommand, app: &App) -> CmdResult {
    match command {
        StoreCommand::Copy(a) => run_copy(a, app),
    }
}

fn run_copy(a: CopyArgs, app: &App) -> CmdResult {
    let from = a.from.unwrap_or_else(|| app.db.clone());
    let shown_from = payctl_core::store::shown(&from);
    let shown_to = payctl_core::store::shown(&a.to);
    if shown_from == shown_to {
        return Err(Error::invalid("to", &shown_to, "is the store being copied").into());
    }
    let mut source = Engine::open_with_timeout(&from, OpenMode::MustExist, busy_timeout())?;
    let (copied, mut copy) = source.copy_to(&a.to, busy_timeout())?;
    let report = copy.verify()?;
    require_ok(&report)?;
    if report.head_hash != copied.head.hash || report.events != copied.events {
        return Err(Error::new(
            ErrorCode::VerifyFailed,
            format!(
                "the copy at {shown_to} ends at event {} ({}), not at the source's {} ({})",
                report.events, report.head_hash, copied.events, copied.head.hash
            ),
        )
        .into());
    }
    if app.out.json {
        app.out.json_value(&serde_json::json!({
            "from": shown_from,
            "to": shown_to,
            "events": copied.events,
            "idempotency_records": copied.records,
            "head_hash": copied.head.hash,
            "projection_digest": copied.projection_digest,
            "verified": true,
        }));
    } else {
        app.out.line(&format!(
            "Copied {} events and {} idempotency records from {shown_from} to {shown_to} \
             (head {}, verified)",
            copied.events, copied.records, copied.head.hash
        ));
    }
    Ok(())
}
