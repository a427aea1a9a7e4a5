//! Reading an import's input: physical lines (JSON objects, or CSV rows under their header),
//! each with its 1-based line number, within the limits of a line and a field.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use super::{FIELDS, Format, MAX_LINE_BYTES};
use crate::error::{Error, Result, echoed};

/// Reads the input as (line number, record) pairs: JSON objects, or CSV rows as string fields.
pub(super) fn for_each_record(
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
