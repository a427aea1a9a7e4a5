//! Export (SPEC §8): the ledger as an hledger/ledger-cli journal, the event log as JSON Lines,
//! the postings as CSV. Streams rows straight from SQLite to the writer.

use std::io::Write;

use rust_decimal::Decimal;

use crate::clock;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Ledger,
    Jsonl,
    Csv,
}

fn io(e: std::io::Error) -> Error {
    Error::internal(format!("writing the export: {e}"))
}

/// `"a,b"` → `"\"a,b\""`: CSV quoting when needed.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

impl Engine {
    /// Writes the export; returns how many records (transactions, events or postings) it wrote.
    pub fn export(&self, format: ExportFormat, out: &mut dyn Write) -> Result<u64> {
        // One read transaction: a consistent snapshot while others write.
        self.conn.execute_batch("BEGIN")?;
        let result = match format {
            ExportFormat::Ledger => self.export_ledger(out),
            ExportFormat::Jsonl => self.export_events(out),
            ExportFormat::Csv => self.export_postings(out),
        };
        let _ = self.conn.execute_batch("COMMIT");
        out.flush().map_err(io)?;
        result
    }

    fn export_ledger(&self, out: &mut dyn Write) -> Result<u64> {
        let settings = self.settings_or_default()?;
        let c = settings.currency;
        writeln!(
            out,
            "; payctl ledger export — store {} — commodity {c}\n; accounts and signs as in SPEC §4; \
             one transaction per money-moving event (code = event seq)\n",
            settings.store_id
        )
        .map_err(io)?;
        let mut stmt = self.conn.prepare(
            "SELECT t.seq, t.at, t.description, p.account, p.amount_minor
             FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
             ORDER BY t.seq, p.idx",
        )?;
        let mut rows = stmt.query([])?;
        let mut current = None;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            if current != Some(seq) {
                if current.is_some() {
                    writeln!(out).map_err(io)?;
                }
                let at: String = r.get(1)?;
                let date = at.get(..10).unwrap_or(&at);
                let description: String = r.get(2)?;
                writeln!(out, "{date} ({seq}) {description}").map_err(io)?;
                current = Some(seq);
                count += 1;
            }
            let account: String = r.get(3)?;
            let amount = Decimal::new(r.get(4)?, c.minor_units());
            writeln!(out, "    {account:<40}  {amount:>20} {c}").map_err(io)?;
        }
        if current.is_some() {
            writeln!(out).map_err(io)?;
        }
        Ok(count)
    }

    fn export_events(&self, out: &mut dyn Write) -> Result<u64> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM events ORDER BY seq",
            store::ENVELOPE_COLUMNS
        ))?;
        let mut rows = stmt.query([])?;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            let e = store::envelope_from_row(r)?;
            let payload: serde_json::Value = serde_json::from_str(&e.payload)?;
            let obj = serde_json::json!({
                "seq": e.seq,
                "stream": e.stream,
                "version": e.version,
                "kind": e.kind,
                "schema": e.schema,
                "payload": payload,
                "recorded_at": e.recorded_at,
                "effective_at": e.effective_at,
                "actor": e.actor,
                "idempotency_key": e.idempotency_key,
                "hash": e.hash,
            });
            writeln!(out, "{obj}").map_err(io)?;
            count += 1;
        }
        Ok(count)
    }

    fn export_postings(&self, out: &mut dyn Write) -> Result<u64> {
        let c = self.settings_or_default()?.currency;
        writeln!(out, "seq,date,at,description,account,amount,commodity").map_err(io)?;
        let mut stmt = self.conn.prepare(
            "SELECT t.seq, t.at, t.description, p.account, p.amount_minor
             FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
             ORDER BY t.seq, p.idx",
        )?;
        let mut rows = stmt.query([])?;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let shown = clock::from_storage(&at)
                .map(clock::to_display)
                .unwrap_or(at);
            let date = shown.get(..10).unwrap_or(&shown).to_string();
            let description: String = r.get(2)?;
            let account: String = r.get(3)?;
            let amount = Decimal::new(r.get(4)?, c.minor_units());
            writeln!(
                out,
                "{seq},{date},{shown},{},{},{amount},{c}",
                csv_field(&description),
                csv_field(&account)
            )
            .map_err(io)?;
            count += 1;
        }
        Ok(count)
    }

    /// A consistent online copy of the store (SQLite's backup API, one step under a read lock),
    /// created 0600. Refuses to overwrite an existing file.
    pub fn backup(&self, target: &std::path::Path) -> Result<()> {
        if target.exists() {
            return Err(Error::invalid(
                "path",
                &target.display().to_string(),
                "already exists; choose a new file",
            ));
        }
        store::create_private_file(target)?;
        let copy = || -> Result<()> {
            let mut dst = rusqlite::Connection::open(target)?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst)?;
                // -1: all pages in one step, so the copy is one snapshot even while others write.
                backup.step(-1)?;
            }
            let _mode: String = dst.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            Ok(())
        };
        copy().inspect_err(|_| {
            let _ = std::fs::remove_file(target);
        })
    }
}
