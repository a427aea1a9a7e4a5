//! The whole-store operations: import a JSON Lines body (answering the per-line report), export
//! in any of the CLI's formats, verify. Each runs on an engine of its own, off the async threads.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use payctl_core::export::ExportFormat;
use payctl_core::import::{Format, ImportObserver, ImportOptions, LineReport, malformed_error};
use payctl_core::{Engine, Error, OpenMode};
use serde_json::json;

use crate::Shared;
use crate::auth::Actor;
use crate::problem::Problem;

/// Largest import body.
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

/// Runs `work` on a new engine of the store off the async threads.
async fn on_engine<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&mut Engine) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let db = shared.db.clone();
    let busy = shared.busy_timeout;
    tokio::task::spawn_blocking(move || {
        let mut engine = Engine::open_with_timeout(&db, OpenMode::MustExist, busy)?;
        work(&mut engine)
    })
    .await
    .map_err(|_| Error::internal("the operation stopped"))?
}

/// Collects every line's outcome as its batch commits.
#[derive(Default)]
struct Report(Vec<LineReport>);

impl ImportObserver for Report {
    fn committed(&mut self, lines: &[LineReport]) -> payctl_core::Result<()> {
        self.0.extend_from_slice(lines);
        Ok(())
    }
}

/// `POST /v1/import[?dry_run=true&require_keys=true]`: the body is JSON Lines in the import
/// format; the answer is the CLI's `import --json` summary and every line's report. A malformed
/// body is 400 with nothing applied.
pub async fn import(
    State(shared): State<Arc<Shared>>,
    axum::Extension(actor): axum::Extension<Actor>,
    Query(params): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let flags = flag(&params, "dry_run").and_then(|d| Ok((d, flag(&params, "require_keys")?)));
    let (dry_run, require_keys) = match flags {
        Ok(f) => f,
        Err(e) => return Problem::from(e).into_response(),
    };
    let done = on_engine(&shared, move |engine| {
        let mut spool = tempfile::NamedTempFile::new()
            .map_err(|e| Error::internal(format!("spooling the import: {e}")))?;
        spool
            .write_all(&body)
            .and_then(|()| spool.flush())
            .map_err(|e| Error::internal(format!("spooling the import: {e}")))?;
        let options = ImportOptions {
            dry_run,
            require_keys,
            actor: actor.0,
            batch_lines: None,
        };
        let mut report = Report::default();
        match engine.import(spool.path(), Format::Jsonl, &options, &mut report)? {
            Ok(summary) => {
                let mut v = json!(summary);
                v["lines"] = json!(report.0);
                Ok(v)
            }
            Err((count, malformed)) => Err(malformed_error(count, &malformed)),
        }
    })
    .await;
    match done {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// `GET /v1/export?format=ledger|jsonl|csv`: the CLI's `export` (one consistent snapshot).
pub async fn export(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let given = params.get("format").map_or("ledger", String::as_str);
    let (format, content_type) = match given {
        "ledger" => (ExportFormat::Ledger, "text/plain; charset=utf-8"),
        "jsonl" => (ExportFormat::Jsonl, "application/x-ndjson"),
        "csv" => (ExportFormat::Csv, "text/csv; charset=utf-8"),
        other => {
            return Problem::from(Error::invalid("format", other, "use ledger, jsonl or csv"))
                .into_response();
        }
    };
    let written = on_engine(&shared, move |engine| {
        let mut out = Vec::new();
        engine.export(format, &mut out)?;
        Ok(out)
    })
    .await;
    match written {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(e) => Problem::from(e).into_response(),
    }
}

/// `POST /v1/verify`: the CLI's `verify --json` (chain, replay through the fold, invariants);
/// a failed check is 500 `verify_failed` naming the problems.
pub async fn verify(State(shared): State<Arc<Shared>>) -> Response {
    let report = on_engine(&shared, |engine| engine.verify()).await;
    match report {
        Ok(r) if r.ok() => axum::Json(json!({
            "ok": true,
            "events": r.events,
            "head_hash": r.head_hash,
            "tables_compared": r.tables_compared,
        }))
        .into_response(),
        Ok(r) => Problem::from(Error::new(
            payctl_core::ErrorCode::VerifyFailed,
            r.problems.join("; "),
        ))
        .into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

fn flag(params: &HashMap<String, String>, name: &str) -> Result<bool, Error> {
    match params.get(name).map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Error::invalid(name, other, "must be true or false")),
    }
}
