//! Batch import (SPEC §7): JSON Lines or CSV, validated whole first, then applied in order through
//! the same `step` as single commands, many lines per SQLite transaction, acknowledged per commit.
//!
//! Memory stays flat in the input size: the file is read twice as a stream (validate, apply);
//! only a 16-byte digest per distinct line is kept, to number identical lines for derived keys.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::clock::{self, Timestamp};
use crate::domain::{Command, LinkRef, RemitTo};
use crate::engine::{Context, Engine, MAX_KEY_LEN};
use crate::error::{Error, ErrorCode, Result, echoed};
use crate::money;

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

/// Reads the input as (line number, record) pairs: JSON objects, or CSV rows as string fields.
fn for_each_record(
    path: &Path,
    format: Format,
    mut f: impl FnMut(u64, std::result::Result<Map<String, Value>, String>) -> Result<()>,
) -> Result<()> {
    let file = File::open(path)
        .map_err(|e| Error::invalid("file", &path.display().to_string(), &e.to_string()))?;
    match format {
        Format::Jsonl => {
            let mut reader = BufReader::with_capacity(256 * 1024, file);
            let mut buf = Vec::with_capacity(1024);
            let mut line_no = 0_u64;
            loop {
                buf.clear();
                // Read at most one byte past the limit so an endless line cannot exhaust memory.
                let n = read_line_limited(&mut reader, &mut buf, MAX_LINE_BYTES + 1)?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
                    f(
                        line_no,
                        Err(format!("line longer than {MAX_LINE_BYTES} bytes")),
                    )?;
                    skip_rest_of_line(&mut reader)?;
                    continue;
                }
                let text = match std::str::from_utf8(&buf) {
                    // A UTF-8 byte order mark opens the file (SPEC §7), as the csv crate strips.
                    Ok(t) if line_no == 1 => t.strip_prefix('\u{feff}').unwrap_or(t).trim(),
                    Ok(t) => t.trim(),
                    Err(_) => {
                        f(line_no, Err("not valid UTF-8".to_string()))?;
                        continue;
                    }
                };
                if text.is_empty() || text.starts_with('#') {
                    continue;
                }
                match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(map)) => f(line_no, Ok(map))?,
                    Ok(_) => f(line_no, Err("not a JSON object".to_string()))?,
                    Err(e) => f(line_no, Err(format!("invalid JSON: {e}")))?,
                }
            }
        }
        Format::Csv => {
            // Physical lines are read here (so `line` counts comments, blank lines and CRLF
            // endings exactly); a record spans lines only inside a quoted field; the csv crate
            // splits each record's text into fields.
            let mut reader = BufReader::with_capacity(256 * 1024, file);
            let mut buf = Vec::with_capacity(1024);
            let mut line_no = 0_u64;
            let mut headers: Option<Vec<String>> = None;
            let mut record = String::new();
            let mut record_line = 0_u64;
            let mut quotes = 0_usize;
            loop {
                buf.clear();
                let n = read_line_limited(&mut reader, &mut buf, MAX_LINE_BYTES + 1)?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                let Ok(text) = std::str::from_utf8(&buf) else {
                    f(line_no, Err("not valid UTF-8".to_string()))?;
                    continue;
                };
                if record.is_empty() {
                    let t = text.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    record_line = line_no;
                }
                record.push_str(text);
                quotes += text.bytes().filter(|b| *b == b'"').count();
                if record.len() > MAX_LINE_BYTES {
                    f(
                        record_line,
                        Err(format!("row longer than {MAX_LINE_BYTES} bytes")),
                    )?;
                    if !buf.ends_with(b"\n") {
                        skip_rest_of_line(&mut reader)?;
                    }
                    record.clear();
                    quotes = 0;
                    continue;
                }
                if quotes % 2 == 1 {
                    continue; // a quoted field goes on on the next line
                }
                let fields = csv_fields(&record);
                record.clear();
                quotes = 0;
                let fields = match fields {
                    Ok(v) => v,
                    Err(e) => {
                        f(record_line, Err(e))?;
                        continue;
                    }
                };
                let Some(names) = &headers else {
                    if !fields.iter().any(|h| h.trim() == "op") {
                        return Err(Error::invalid("csv header", "", "needs an `op` column"));
                    }
                    let names: Vec<String> = fields.iter().map(|h| h.trim().to_string()).collect();
                    // A misspelt column would otherwise drop its values silently (`hodl`: a
                    // held payment captured at once), so the whole import stops here.
                    for name in names.iter().filter(|n| !FIELDS.contains(&n.as_str())) {
                        f(
                            record_line,
                            Err(format!(
                                "unknown column {:?} (columns are the fields of the ops: {})",
                                echoed(name),
                                FIELDS.join(", ")
                            )),
                        )?;
                    }
                    headers = Some(names);
                    continue;
                };
                if fields.len() != names.len() {
                    f(
                        record_line,
                        Err(format!(
                            "row has {} fields, the header {}",
                            fields.len(),
                            names.len()
                        )),
                    )?;
                    continue;
                }
                let mut map = Map::new();
                for (h, v) in names.iter().zip(fields) {
                    if !v.is_empty() && FIELDS.contains(&h.as_str()) {
                        map.insert(h.clone(), Value::String(v));
                    }
                }
                if !map.is_empty() {
                    f(record_line, Ok(map))?;
                }
            }
            if !record.is_empty() {
                f(record_line, Err("unterminated quoted field".to_string()))?;
            }
        }
    }
    Ok(())
}

/// The fields of one CSV record (its text, line endings included).
fn csv_fields(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => Ok(record.iter().map(str::to_string).collect()),
        Ok(false) => Ok(Vec::new()),
        Err(e) => Err(format!("invalid CSV: {e}")),
    }
}

fn read_line_limited(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> Result<usize> {
    let io = |e: std::io::Error| Error::internal(format!("reading input: {e}"));
    let mut total = 0;
    loop {
        let chunk = reader.fill_buf().map_err(io)?;
        if chunk.is_empty() {
            return Ok(total);
        }
        let room = limit.saturating_sub(buf.len());
        let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) if i < room => (i + 1, true),
            _ => (chunk.len().min(room), chunk.len() >= room),
        };
        buf.extend_from_slice(&chunk[..take]);
        reader.consume(take);
        total += take;
        if done || take == 0 {
            return Ok(total);
        }
    }
}

fn skip_rest_of_line(reader: &mut impl BufRead) -> Result<()> {
    loop {
        let chunk = reader
            .fill_buf()
            .map_err(|e| Error::internal(format!("reading input: {e}")))?;
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
}

/// Every field name of SPEC §7's table, `op`, `key` and `at` included: the columns a CSV header
/// may have.
pub const FIELDS: &[&str] = &[
    "op",
    "key",
    "at",
    "name",
    "email",
    "address",
    "corporate",
    "member",
    "bank",
    "account",
    "balance",
    "closed",
    "amount",
    "from",
    "to",
    "to_bank",
    "to_account",
    "auto_recharge",
    "code",
    "fee_rate",
    "merchant",
    "ref",
    "hold",
    "payment",
    "cutoff",
];

/// Field access with the import's typing rules (JSON types, or CSV text). A field the op does
/// not take is malformed (a typo must not pass silently); in CSV, where columns are shared by
/// every op, that means a non-empty cell in another op's column.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    used: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn opt_str(&mut self, name: &'static str) -> std::result::Result<Option<String>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => Err(format!(
                "field {name} is longer than {MAX_FIELD_CHARS} characters"
            )),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("field {name} must be a string, got {other}")),
        }
    }

    fn str(&mut self, name: &'static str) -> std::result::Result<String, String> {
        self.opt_str(name)?
            .ok_or_else(|| format!("missing field {name}"))
    }

    fn opt_bool(&mut self, name: &'static str) -> std::result::Result<Option<bool>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            // CSV cells are text.
            Some(Value::String(s)) if ["true", "1", "yes"].contains(&s.to_lowercase().as_str()) => {
                Ok(Some(true))
            }
            Some(Value::String(s)) if ["false", "0", "no"].contains(&s.to_lowercase().as_str()) => {
                Ok(Some(false))
            }
            Some(other) => Err(format!("field {name} must be true or false, got {other}")),
        }
    }

    /// Amounts: a string in the amount grammar, or a non-negative JSON integer.
    fn opt_amount(&mut self, name: &'static str) -> std::result::Result<Option<Decimal>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => money::parse_decimal(s)
                .map(Some)
                .map_err(|e| format!("field {name}: {e}")),
            // A JSON number is read as written (its shortest form: `2.35` stays 2.35, never a
            // binary fraction); negative and exponent forms fail the amount grammar.
            Some(Value::Number(n)) => money::parse_decimal(&n.to_string())
                .map(Some)
                .map_err(|e| format!("field {name}: {e}")),
            Some(other) => Err(format!("field {name} must be an amount, got {other}")),
        }
    }

    fn amount(&mut self, name: &'static str) -> std::result::Result<Decimal, String> {
        self.opt_amount(name)?
            .ok_or_else(|| format!("missing field {name}"))
    }

    fn opt_time(&mut self, name: &'static str) -> std::result::Result<Option<Timestamp>, String> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(t) => clock::parse(&t)
                .map(Some)
                .ok_or_else(|| format!("field {name}: {:?} is not an RFC 3339 time", echoed(&t))),
        }
    }

    /// Every field present must be one the op knows.
    fn no_unknown(&self, op: &str) -> std::result::Result<(), String> {
        for k in self.map.keys() {
            if k != "op" && k != "key" && k != "at" && !self.used.contains(&k.as_str()) {
                return Err(format!("unknown field {:?} for op {op}", echoed(k)));
            }
        }
        Ok(())
    }
}

/// Parses one record into an operation (SPEC §7 field table).
pub fn parse_record(line: u64, map: &Map<String, Value>) -> std::result::Result<Operation, String> {
    let mut f = Fields {
        map,
        used: Vec::new(),
    };
    let op = f.str("op")?;
    let key = f.opt_str("key")?;
    if let Some(k) = &key {
        if k.is_empty() || k.chars().count() > MAX_KEY_LEN {
            return Err(format!("key must be 1 to {MAX_KEY_LEN} characters"));
        }
    }
    let at = f.opt_time("at")?;
    let command = match op.as_str() {
        "member.register" => Command::RegisterMember {
            name: f.str("name")?,
            email: f.str("email")?,
            address: f.opt_str("address")?,
            corporate: f.opt_bool("corporate")?.unwrap_or(false),
        },
        "member.update" => Command::UpdateMember {
            member: f.str("member")?,
            name: f.opt_str("name")?,
            address: f.opt_str("address")?,
        },
        "member.deactivate" => {
            // SPEC §7 lists update and deactivate in one row: name/address are accepted, unused.
            let member = f.str("member")?;
            f.opt_str("name")?;
            f.opt_str("address")?;
            Command::DeactivateMember { member }
        }
        "member.reactivate" => Command::ReactivateMember {
            member: f.str("member")?,
        },
        "bank.link" => Command::LinkBank {
            member: f.str("member")?,
            bank: f.str("bank")?,
            account: f.str("account")?,
        },
        "bank.unlink" => Command::UnlinkBank {
            link: LinkRef::Account {
                member: f.str("member")?,
                bank: f.str("bank")?,
                account: f.str("account")?,
            },
        },
        "bank.sim" => Command::SimSet {
            bank: f.str("bank")?,
            account: f.str("account")?,
            balance: f.opt_amount("balance")?,
            closed: f.opt_bool("closed")?,
        },
        "money.recharge" => Command::Recharge {
            member: f.str("member")?,
            amount: f.amount("amount")?,
            link: None,
        },
        "money.withdraw" => Command::Withdraw {
            member: f.str("member")?,
            amount: f.amount("amount")?,
            link: None,
        },
        "remit" => {
            let from = f.str("from")?;
            let amount = f.amount("amount")?;
            let to = match (
                f.opt_str("to")?,
                f.opt_str("to_bank")?,
                f.opt_str("to_account")?,
            ) {
                (Some(m), None, None) => RemitTo::Member(m),
                (None, Some(bank), Some(account)) => RemitTo::Bank { bank, account },
                _ => return Err("remit needs `to`, or `to_bank` and `to_account`".to_string()),
            };
            Command::Remit {
                from,
                amount,
                to,
                auto_recharge: f.opt_bool("auto_recharge")?.unwrap_or(true),
            }
        }
        "merchant.register" => Command::RegisterMerchant {
            name: f.str("name")?,
            code: f.str("code")?,
            fee_rate: f.amount("fee_rate")?,
            bank: f.str("bank")?,
            account: f.str("account")?,
        },
        "merchant.update" => Command::UpdateMerchant {
            merchant: f.str("merchant")?,
            fee_rate: f.opt_amount("fee_rate")?,
            bank: f.opt_str("bank")?,
            account: f.opt_str("account")?,
        },
        "pay" => Command::Pay {
            member: f.str("member")?,
            merchant: f.str("merchant")?,
            amount: f.amount("amount")?,
            reference: f.opt_str("ref")?,
            hold: f.opt_bool("hold")?.unwrap_or(false),
            auto_recharge: f.opt_bool("auto_recharge")?.unwrap_or(true),
        },
        "capture" => Command::Capture {
            payment: f.str("payment")?,
            amount: f.opt_amount("amount")?,
        },
        "void" => Command::Void {
            payment: f.str("payment")?,
        },
        "refund" => Command::Refund {
            payment: f.str("payment")?,
            amount: f.opt_amount("amount")?,
        },
        "settle" => Command::Settle {
            merchant: f.opt_str("merchant")?,
            cutoff: f.opt_time("cutoff")?,
        },
        other => return Err(format!("unknown op {:?}", echoed(other))),
    };
    f.no_unknown(&op)?;
    Ok(Operation {
        line,
        command,
        key,
        at,
    })
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
