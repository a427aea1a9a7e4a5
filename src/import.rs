//! Batch import (SPEC §7): JSON Lines or CSV, validated whole first, then applied in order through
//! the same `step` as single commands, many lines per transaction, acknowledged per commit. The
//! input is read by `read`, each record parsed by `parse`; this file is the batch loop.
//!
//! Memory stays flat in the input size: the file is read twice as a stream (validate, apply);
//! only a 16-byte digest per distinct line is kept, to number identical lines for derived keys.

mod parse;
mod read;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::{self, Timestamp};
use crate::domain::Command;
use crate::engine::{Context, Engine};
use crate::error::{Error, ErrorCode, Result};
use read::for_each_record;

pub use parse::{FIELDS, parse_record};

/// Longest input line accepted (bytes).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Longest text field accepted (characters); domain rules may be stricter.
pub const MAX_FIELD_CHARS: usize = 4096;
/// Malformed lines reported in detail (all are counted).
pub const MAX_REPORTED_MALFORMED: usize = 1000;
/// A batch commits after this many lines …
pub const BATCH_LINES: usize = 10_000;
/// … or after this long, whichever comes first.
pub const BATCH_TIME: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    /// By extension: `.csv` is CSV, anything else JSON Lines.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub require_keys: bool,
    pub actor: String,
    /// Lines per commit (default `BATCH_LINES`); a commit also happens every `BATCH_TIME`.
    pub batch_lines: Option<usize>,
}

/// One operation of the input, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Physical 1-based line number (comments and blank lines count).
    pub line: u64,
    pub command: Command,
    pub key: Option<String>,
    pub at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Malformed {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Applied,
    Replayed,
    Rejected,
}

/// The outcome of one operation, as `--report` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineReport {
    pub line: u64,
    pub key: String,
    pub status: LineStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settled: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub operations: u64,
    pub applied: u64,
    pub replayed: u64,
    /// Of the replayed lines, those whose original outcome was a refusal: refused again.
    pub replayed_rejected: u64,
    pub rejected: u64,
    pub commits: u64,
    pub dry_run: bool,
    pub elapsed_ms: u64,
    pub ops_per_sec: u64,
}

impl Summary {
    /// Lines refused: rejected now, or replayed from an earlier refusal (SPEC §7: exit 3).
    pub fn refused(&self) -> u64 {
        self.rejected + self.replayed_rejected
    }
}

/// What the caller hears while an import runs.
pub trait ImportObserver {
    /// Operations of the input (after validation), before applying starts.
    fn start(&mut self, _operations: u64) {}
    /// A batch is durable: these lines are acknowledged.
    fn committed(&mut self, _lines: &[LineReport]) -> Result<()> {
        Ok(())
    }
}

/// Validation pass: every malformed line (all are counted, the first
/// `MAX_REPORTED_MALFORMED` reported) and the number of operations.
pub fn validate(
    path: &Path,
    format: Format,
    require_keys: bool,
) -> Result<(u64, u64, Vec<Malformed>)> {
    let mut operations = 0;
    let mut bad = 0;
    let mut malformed = Vec::new();
    for_each_record(path, format, |line, record| {
        let result = record
            .and_then(|map| parse_record(line, &map))
            .and_then(|op| {
                if require_keys && op.key.is_none() {
                    Err("no key (--require-keys)".to_string())
                } else {
                    Ok(op)
                }
            });
        match result {
            Ok(_) => operations += 1,
            Err(message) => {
                bad += 1;
                if malformed.len() < MAX_REPORTED_MALFORMED {
                    malformed.push(Malformed { line, message });
                }
            }
        }
        Ok(())
    })?;
    Ok((operations, bad, malformed))
}

/// The key of a line without one: its canonical content (the request and its `at`) and its
/// occurrence among identical lines, so re-importing, or importing after inserting lines, applies
/// nothing twice.
fn derived_key(op: &Operation, seen: &mut HashMap<[u8; 16], u32>) -> Result<String> {
    let canonical = serde_json::to_string(&(op.command.normalized(), op.at.map(clock::to_storage)))
        .map_err(|e| Error::internal(format!("cannot encode line: {e}")))?;
    let digest = Sha256::digest(canonical.as_bytes());
    let mut short = [0_u8; 16];
    short.copy_from_slice(&digest[..16]);
    let n = seen.entry(short).or_insert(0);
    *n += 1;
    Ok(format!("import:{}:{}", crate::chain::hex(&short), n))
}

impl Engine {
    /// Validates the whole input, then applies it. `Err(invalid_input)` with nothing applied when
    /// any line is malformed (the caller reports `malformed`).
    pub fn import(
        &mut self,
        path: &Path,
        format: Format,
        options: &ImportOptions,
        observer: &mut dyn ImportObserver,
    ) -> Result<std::result::Result<Summary, (u64, Vec<Malformed>)>> {
        let started = Instant::now();
        let (operations, bad, malformed) = validate(path, format, options.require_keys)?;
        if bad > 0 {
            return Ok(Err((bad, malformed)));
        }
        observer.start(operations);
        let mut summary = Summary {
            operations,
            dry_run: options.dry_run,
            ..Summary::default()
        };
        let mut seen: HashMap<[u8; 16], u32> = HashMap::new();
        let batch_lines = options.batch_lines.unwrap_or(BATCH_LINES).max(1);
        let mut pending: Vec<LineReport> = Vec::with_capacity(batch_lines.min(BATCH_LINES));
        let mut batch_started = Instant::now();
        // Many commands in few transactions: the store may tune itself for it until the end.
        self.store_mut().bulk_writes(true)?;
        self.begin()?;
        let result = for_each_record(path, format, |line, record| {
            let op = record
                .and_then(|map| parse_record(line, &map))
                .map_err(|m| Error::internal(format!("line {line} changed during import: {m}")))?;
            let key = match &op.key {
                Some(k) => k.clone(),
                None => derived_key(&op, &mut seen)?,
            };
            let ctx = Context {
                at: op.at,
                actor: options.actor.clone(),
                idempotency_key: Some(key.clone()),
            };
            let outcome = match self.step(&op.command, &ctx) {
                Ok(o) => o,
                // A request-level refusal before any write (a key reused for another request):
                // this line is rejected, the batch goes on.
                Err(e) if self.in_transaction() && (2..=5).contains(&e.code.exit_code()) => {
                    crate::engine::Outcome {
                        result: Err(e),
                        replayed: false,
                    }
                }
                Err(e) => return Err(e),
            };
            // A replay reports the original outcome, applied or rejected, as `replayed` (SPEC §3).
            let status = match (&outcome.result, outcome.replayed) {
                (result, true) => {
                    summary.replayed += 1;
                    summary.replayed_rejected += u64::from(result.is_err());
                    LineStatus::Replayed
                }
                (Ok(_), false) => {
                    summary.applied += 1;
                    LineStatus::Applied
                }
                (Err(_), false) => {
                    summary.rejected += 1;
                    LineStatus::Rejected
                }
            };
            let report = match outcome.result {
                Ok(applied) => LineReport {
                    line,
                    key,
                    status,
                    id: applied.id.map(|i| i.to_string()),
                    settled: applied.settled.iter().map(ToString::to_string).collect(),
                    code: None,
                    message: None,
                },
                Err(e) => LineReport {
                    line,
                    key,
                    status,
                    id: None,
                    settled: Vec::new(),
                    code: Some(e.code.as_str().to_string()),
                    message: Some(e.message),
                },
            };
            pending.push(report);
            if !options.dry_run
                && (pending.len() >= batch_lines || batch_started.elapsed() >= BATCH_TIME)
            {
                self.commit()?;
                summary.commits += 1;
                observer.committed(&pending)?;
                pending.clear();
                self.begin()?;
                batch_started = Instant::now();
            }
            Ok(())
        });
        let _ = self.store_mut().bulk_writes(false);
        if let Err(e) = result {
            self.rollback();
            return Err(e);
        }
        if options.dry_run {
            self.rollback();
        } else {
            self.commit()?;
            summary.commits += 1;
        }
        observer.committed(&pending)?;
        let micros = started.elapsed().as_micros().max(1);
        summary.elapsed_ms = u64::try_from(micros / 1000).unwrap_or(u64::MAX);
        summary.ops_per_sec =
            u64::try_from(u128::from(summary.operations) * 1_000_000 / micros).unwrap_or(u64::MAX);
        Ok(Ok(summary))
    }
}

/// The error an import with malformed lines ends with (exit 2).
pub fn malformed_error(count: u64, malformed: &[Malformed]) -> Error {
    let first: Vec<String> = malformed
        .iter()
        .take(5)
        .map(|m| format!("line {}: {}", m.line, m.message))
        .collect();
    Error::new(
        ErrorCode::InvalidInput,
        format!(
            "{count} malformed line(s), nothing applied; {}{}",
            first.join("; "),
            if count > 5 { "; …" } else { "" }
        ),
    )
}
