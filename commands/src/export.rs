//! `payctl export`, `payctl backup`

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use color_eyre::eyre::eyre;
use payctl_core::export::ExportFormat;
use payctl_core::verify::require_ok;
use payctl_core::{Engine, OpenMode};

use crate::App;
use crate::exit::CmdResult;
use crate::write::open_read;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// hledger/ledger-cli journal of every ledger transaction.
    Ledger,
    /// The event log, envelopes included, in order.
    Jsonl,
    /// The ledger postings.
    Csv,
}

/// Export the store: a journal for hledger and ledger-cli, the event log, or postings as CSV.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl export --format ledger --output books.journal && hledger -f books.journal bal\n  payctl export --format jsonl | jq -c 'select(.kind == \"RefundIssued\")'\n  payctl export --format csv --output postings.csv"
)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Copy the store while others keep writing, into a new SQLite file (or a new PostgreSQL
/// store), from one consistent state of it; then verify the copy.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl backup ~/backups/payctl-$(date +%F).db\n  payctl --db 'postgres://payctl@db.internal/books' backup ./books-$(date +%F).db"
)]
pub struct BackupArgs {
    /// The new file (created 0600; an existing file is never overwritten), or a PostgreSQL URL
    /// whose schema holds no store.
    path: PathBuf,
}

pub fn run_export(a: ExportArgs, app: &App) -> CmdResult {
    let mut engine = open_read(app)?;
    let format = match a.format {
        FormatArg::Ledger => ExportFormat::Ledger,
        FormatArg::Jsonl => ExportFormat::Jsonl,
        FormatArg::Csv => ExportFormat::Csv,
    };
    let count = match &a.output {
        Some(path) => {
            let mut w = BufWriter::new(crate::files::create(path, "output")?);
            let n = engine.export(format, &mut w)?;
            w.flush()
                .map_err(|e| eyre!("writing {}: {e}", path.display()))?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            match engine.export(format, &mut w) {
                Ok(n) => n,
                // A closed pipe (`| head`) is not an error.
                Err(e) if e.message.contains("Broken pipe") => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    };
    if let Some(path) = &a.output {
        if app.out.json {
            app.out.json_value(
                &serde_json::json!({"output": path.display().to_string(), "records": count}),
            );
        } else {
            app.out
                .note(&format!("Exported {count} records to {}", path.display()));
        }
    }
    Ok(())
}

pub fn run_backup(a: BackupArgs, app: &App) -> CmdResult {
    let mut engine = open_read(app)?;
    engine.backup(&a.path)?;
    let mut copy = Engine::open(&a.path, OpenMode::MustExist)?;
    let report = copy.verify()?;
    require_ok(&report)?;
    if app.out.json {
        app.out.json_value(&serde_json::json!({"backup": payctl_core::store::shown(&a.path), "events": report.events, "verified": true}));
    } else {
        app.out.line(&format!(
            "Backed up {} events to {} (verified)",
            report.events,
            payctl_core::store::shown(&a.path)
        ));
    }
    Ok(())
}
