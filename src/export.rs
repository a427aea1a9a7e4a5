//! Export (SPEC §8): the ledger as an hledger/ledger-cli journal, the event log as JSON Lines,
//! the postings as CSV. Streams rows straight from the store to the writer.

use std::io::Write;

use rust_decimal::Decimal;

use crate::clock;
use crate::engine::Engine;
use crate::error::{Error, Result};

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
    pub fn export(&mut self, format: ExportFormat, out: &mut dyn Write) -> Result<u64> {
        // One read transaction: a consistent snapshot while others write.
        self.store_mut().begin_read()?;
        let result = match format {
            ExportFormat::Ledger => self.export_ledger(out),
            ExportFormat::Jsonl => self.export_events(out),
            ExportFormat::Csv => self.export_postings(out),
        };
        self.store_mut().end_read();
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
        let mut current = None;
        let mut count = 0;
        self.store().scan_ledger(&mut |line| {
            if current != Some(line.seq) {
                if current.is_some() {
                    writeln!(out).map_err(io)?;
                }
                let date = line.at.get(..10).unwrap_or(line.at);
                writeln!(out, "{date} ({}) {}", line.seq, line.description).map_err(io)?;
                current = Some(line.seq);
                count += 1;
            }
            let amount = Decimal::new(line.amount_minor, c.minor_units());
            writeln!(out, "    {:<40}  {amount:>20} {c}", line.account).map_err(io)
        })?;
        if current.is_some() {
            writeln!(out).map_err(io)?;
        }
        Ok(count)
    }

    fn export_events(&self, out: &mut dyn Write) -> Result<u64> {
        let mut count = 0;
        self.store().scan_events(0, &mut |e| {
            let payload: serde_json::Value = serde_json::from_str(e.payload)?;
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
            Ok(true)
        })?;
        Ok(count)
    }

    fn export_postings(&self, out: &mut dyn Write) -> Result<u64> {
        let c = self.settings_or_default()?.currency;
        writeln!(out, "seq,date,at,description,account,amount,commodity").map_err(io)?;
        let mut count = 0;
        self.store().scan_ledger(&mut |line| {
            let shown = clock::from_storage(line.at)
                .map(clock::to_display)
                .unwrap_or_else(|| line.at.to_string());
            let date = shown.get(..10).unwrap_or(&shown).to_string();
            let amount = Decimal::new(line.amount_minor, c.minor_units());
            writeln!(
                out,
                "{},{date},{shown},{},{},{amount},{c}",
                line.seq,
                csv_field(line.description),
                csv_field(line.account)
            )
            .map_err(io)?;
            count += 1;
            Ok(())
        })?;
        Ok(count)
    }

    /// A consistent online copy of the store into a new SQLite file, created 0600, or into a
    /// new PostgreSQL store. Refuses to overwrite an existing file.
    pub fn backup(&mut self, target: &std::path::Path) -> Result<()> {
        let is_file =
            crate::store::postgres::PgLocation::recognise(&target.to_string_lossy())?.is_none();
        if is_file && target.exists() {
            return Err(Error::invalid(
                "path",
                &target.display().to_string(),
                "already exists; choose a new file",
            ));
        }
        if is_file {
            crate::files::create_private_file(target)?;
            match self.store().backup_to(target) {
                Ok(true) => return Ok(()),
                Ok(false) => std::fs::remove_file(target)
                    .map_err(|e| Error::internal(format!("removing {}: {e}", target.display())))?,
                Err(e) => {
                    let _ = std::fs::remove_file(target);
                    return Err(e);
                }
            }
        }
        // No copy of the store's own: through the ports.
        self.copy_to(target, crate::store::BUSY_TIMEOUT).map(|_| ())
    }
}
