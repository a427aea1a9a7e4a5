//! `payctl import FILE|-`

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use color_eyre::eyre::WrapErr;
use indicatif::{ProgressBar, ProgressStyle};
use payctl_core::import::{
    Format, ImportObserver, ImportOptions, LineReport, LineStatus, Summary, malformed_error,
};

use crate::App;
use crate::exit::{CmdResult, Failure};
use crate::write::open_write;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Jsonl,
    Csv,
}

/// Apply a file of operations (JSON Lines or CSV; every operation is listed below): validated
/// whole first (any malformed line: exit 2, nothing applied), then applied in order, each line
/// atomic on its own, committed in batches. Lines without `key` get one derived from their
/// content, so re-importing applies nothing twice. Exit 0 if nothing was rejected, 3 otherwise.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ImportArgs {
    /// The file, or `-` for standard input (spooled to a temporary file, not held in memory).
    file: String,
    /// Input format (default: by extension, `.csv` is CSV, anything else JSON Lines).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Report every outcome and commit nothing.
    #[arg(long)]
    dry_run: bool,
    /// Write one JSON object per operation here: line, key, status, id or code and message.
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// Refuse (as malformed) lines without a `key`.
    #[arg(long)]
    require_keys: bool,
    /// Commit, and so acknowledge, at least every N lines (default 10,000; a commit also
    /// happens every 500 ms). Smaller batches lose less to a crash and import more slowly.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    batch: Option<u64>,
}

/// Every op and its fields (SPEC §7, which is not shipped with the binary), then examples.
const AFTER_HELP: &str = "\
Operations (one JSON object per line, or CSV rows under a header naming the fields; ? = optional):
  member.register    name, email, address?, corporate?
  member.update      member, name?, address?
  member.deactivate  member
  member.reactivate  member
  bank.link          member, bank, account
  bank.unlink        member, bank, account
  bank.sim           bank, account, balance?, closed?
  money.recharge     member, amount
  money.withdraw     member, amount
  remit              from, amount, to | to_bank + to_account, auto_recharge?
  merchant.register  name, code, fee_rate, bank, account
  merchant.update    merchant, fee_rate?, bank?, account?
  pay                member, merchant, amount, ref?, hold?, auto_recharge?
  capture            payment, amount? (default: all that was authorized)
  void               payment
  refund             payment, amount? (default: all that is left)
  settle             merchant?, cutoff?

Every line may also carry `key` (its idempotency key; without one, a key is derived from the
line's content) and `at` (its effective time, as --at takes it). Members are named by id or
email, merchants by id or code, payments by id or ref. Amounts are strings in the amount grammar
(\"10,000\") or JSON integers; booleans are true/false (CSV: true, false, 1, 0, yes, no). Lines
starting with # and blank lines are skipped; a UTF-8 byte order mark may open the file. A field
the op does not know is a malformed line; so is a CSV column that is no op's field, or a
non-empty CSV cell in a column its row's op does not take.

Examples:
  payctl import fixtures/sample.jsonl --report report.jsonl
  payctl demo | payctl import - --dry-run
  payctl import ops.csv --require-keys --json
  payctl import big.jsonl --batch 1000 --report acked.jsonl
  {\"op\":\"pay\",\"member\":\"minji@example.com\",\"merchant\":\"HANBIT-GN\",\"amount\":\"4,500\",\"ref\":\"order-1\"}";

/// Refused lines the summary lists in full; the rest are counted and left to `--report`.
const LISTED_REFUSALS: usize = 10;

/// Writes acknowledged lines to the report, keeps the first refused ones for the summary and
/// moves the progress bar.
struct Observer {
    report: Option<BufWriter<File>>,
    bar: Option<ProgressBar>,
    first_refused: Vec<LineReport>,
    refused: u64,
}

impl ImportObserver for Observer {
    fn start(&mut self, operations: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(operations);
        }
    }

    fn committed(&mut self, lines: &[LineReport]) -> payctl_core::Result<()> {
        // A refusal, first met or replayed, carries its code.
        for l in lines.iter().filter(|l| l.code.is_some()) {
            self.refused += 1;
            if self.first_refused.len() < LISTED_REFUSALS {
                self.first_refused.push(l.clone());
            }
        }
        if let Some(w) = &mut self.report {
            for l in lines {
                let text = serde_json::to_string(l)
                    .map_err(|e| payctl_core::Error::internal(e.to_string()))?;
                writeln!(w, "{text}").map_err(|e| {
                    payctl_core::Error::internal(format!("writing the report: {e}"))
                })?;
            }
            w.flush()
                .map_err(|e| payctl_core::Error::internal(format!("writing the report: {e}")))?;
        }
        if let Some(bar) = &self.bar {
            bar.inc(lines.len() as u64);
        }
        Ok(())
    }
}

/// Copies standard input to a private temporary file so the import can read it twice.
fn spool_stdin() -> color_eyre::Result<tempfile::NamedTempFile> {
    let mut spool = tempfile::NamedTempFile::new().wrap_err("creating a spool file for stdin")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut spool).wrap_err("spooling stdin")?;
    spool.flush().wrap_err("spooling stdin")?;
    Ok(spool)
}

pub fn run(a: ImportArgs, app: &App) -> CmdResult {
    let spool;
    let path: &Path = if a.file == "-" {
        spool = spool_stdin()?;
        spool.path()
    } else {
        Path::new(&a.file)
    };
    let format = match a.format {
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Csv) => Format::Csv,
        None if a.file == "-" => Format::Jsonl,
        None => Format::from_path(path),
    };
    // Anything readable is input (a pipe, /dev/null: an empty import); a directory is not.
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(crate::exit::invalid("file", &a.file, "no such file"));
        }
        Err(e) => return Err(crate::exit::invalid("file", &a.file, &e.to_string())),
        Ok(meta) if meta.is_dir() => {
            return Err(crate::exit::invalid("file", &a.file, "is a directory"));
        }
        Ok(_) => {}
    }
    import_path(
        app,
        path,
        format,
        a.dry_run,
        a.report.as_deref(),
        a.require_keys,
        a.batch.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    )
}

/// Imports a file into the store: progress on a terminal, report, summary, exit code.
pub fn import_path(
    app: &App,
    path: &Path,
    format: Format,
    dry_run: bool,
    report: Option<&Path>,
    require_keys: bool,
    batch_lines: Option<usize>,
) -> CmdResult {
    let report_path = report;
    let report = match report {
        Some(p) => Some(BufWriter::new(crate::files::create(p, "report")?)),
        None => None,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} ops  {per_sec}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut observer = Observer {
        report,
        bar,
        first_refused: Vec::new(),
        refused: 0,
    };
    let mut engine = open_write(app)?;
    let options = ImportOptions {
        dry_run,
        require_keys,
        actor: app.actor.clone(),
        batch_lines,
    };
    let result = engine.import(path, format, &options, &mut observer);
    if let Some(bar) = &observer.bar {
        bar.finish_and_clear();
    }
    let summary = match result? {
        Ok(summary) => summary,
        Err((count, malformed)) => {
            if !app.out.json {
                for m in &malformed {
                    app.out.note(&format!(
                        "line {}: {}",
                        m.line,
                        crate::output::escape(&m.message)
                    ));
                }
            }
            return Err(Failure::Core {
                error: malformed_error(count, &malformed),
                extra: Some(("malformed", serde_json::json!(malformed))),
            });
        }
    };
    print_summary(app, &summary, &observer, report_path);
    if summary.refused() > 0 {
        Err(Failure::Exit(3))
    } else {
        Ok(())
    }
}

fn print_summary(app: &App, s: &Summary, seen: &Observer, report: Option<&Path>) {
    if app.out.json {
        let mut v = serde_json::json!(s);
        v["first_rejected"] = serde_json::json!(seen.first_refused);
        app.out.json_value(&v);
        return;
    }
    let verb = if s.dry_run { "Dry run" } else { "Imported" };
    let replayed = match s.replayed_rejected {
        0 => format!("{} replayed", s.replayed),
        n => format!("{} replayed ({n} of them refusals again)", s.replayed),
    };
    app.out.note(&format!(
        "{verb}: {} operations — {} applied, {replayed}, {} rejected — in {}.{:03} s ({} ops/s){}",
        s.operations,
        s.applied,
        s.rejected,
        s.elapsed_ms / 1000,
        s.elapsed_ms % 1000,
        s.ops_per_sec,
        if s.dry_run { ", nothing committed" } else { "" }
    ));
    print_refusals(app, seen, report);
}

/// The first refused lines (line, code, message), and where to find the others.
fn print_refusals(app: &App, seen: &Observer, report: Option<&Path>) {
    if seen.first_refused.is_empty() {
        return;
    }
    let shown = seen.first_refused.len();
    app.out.note(&if seen.refused > shown as u64 {
        format!("Refused lines (first {shown} of {}):", seen.refused)
    } else {
        "Refused lines:".to_string()
    });
    for l in &seen.first_refused {
        let replayed = if l.status == LineStatus::Replayed {
            " (replayed)"
        } else {
            ""
        };
        app.out.note(&format!(
            "  line {}: {}{replayed}: {}",
            l.line,
            l.code.as_deref().unwrap_or_default(),
            crate::output::escape(l.message.as_deref().unwrap_or_default())
        ));
    }
    let rest = seen.refused - shown as u64;
    match report {
        Some(path) => app.out.note(&format!(
            "Every line's outcome is in {}{}",
            path.display(),
            if rest > 0 {
                format!(" ({rest} more refused)")
            } else {
                String::new()
            }
        )),
        None if rest > 0 => app.out.note(&format!(
            "{rest} more refused: `--report PATH` writes every line's outcome (importing the \
             same file again replays it and changes nothing)"
        )),
        None => {}
    }
}
