//! The shared shape of every mutating command: `--idempotency-key`, `--at`, open (creating the
//! store if needed), execute through the engine, print the outcome.

use clap::Args;
use payctl_core::clock::{self, Timestamp};
use payctl_core::domain::{Applied, Command};
use payctl_core::store::Backend;
use payctl_core::{Context, Engine, Error, ErrorCode, Failpoints, InitOptions, OpenMode};
use serde_json::{Value, json};

use crate::App;
use crate::exit::Failure;

#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Makes the command safe to retry: the same key with the same request answers the first
    /// outcome again and changes nothing (≤ 255 characters).
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Effective (business) time (default: now): RFC 3339, such as 2026-03-02T09:00:00Z or
    /// 2026-03-02T18:00:00+09:00, or YYYY-MM-DD for midnight UTC. Never earlier than the last
    /// recorded effective time, nor later than the wall clock plus 5 minutes.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub at: Option<Timestamp>,
}

pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    clock::parse(text).ok_or_else(|| {
        format!(
            "invalid_input: time {:?} is not RFC 3339 (e.g. 2026-03-02T09:00:00Z) or YYYY-MM-DD",
            payctl_core::error::echoed(text)
        )
    })
}

/// clap value parser for the amount grammar (the currency's minor units are checked by the core).
pub fn parse_amount(text: &str) -> Result<rust_decimal::Decimal, String> {
    payctl_core::money::parse_decimal(text).map_err(|e| format!("invalid_input: {e}"))
}

/// `PAYCTL_BUSY_TIMEOUT_MS`: how long to wait for another writer (default 30 s).
pub fn busy_timeout() -> std::time::Duration {
    std::env::var("PAYCTL_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_millis)
        .unwrap_or(payctl_core::store::BUSY_TIMEOUT)
}

/// A store the user named (flag, `PAYCTL_DB`, config file) must lie in an existing directory:
/// a mistyped path is refused rather than created. Only the default data dir is ever made.
pub fn require_store_dir(app: &App) -> Result<(), Failure> {
    if app.db_is_default || Backend::of(&app.db) == Backend::Postgres {
        return Ok(());
    }
    let Some(dir) = app.db.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(()); // a bare file name: the current directory
    };
    let problem = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => "is not a directory".to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "does not exist".to_string(),
        Err(e) => format!("cannot be reached: {e}"),
    };
    Err(Error::new(
        ErrorCode::StoreMissing,
        format!(
            "no store at {}: the directory {} {problem} (payctl creates only its default data \
             directory; create this one first or fix the path)",
            app.db.display(),
            dir.display()
        ),
    )
    .into())
}

pub fn open_write(app: &App) -> Result<Engine, Failure> {
    open_write_with(app, &InitOptions::default(), None)
}

/// `open_write`; a store it creates gets `options`, initialized at `at` (default now).
pub fn open_write_with(
    app: &App,
    options: &InitOptions,
    at: Option<Timestamp>,
) -> Result<Engine, Failure> {
    let ctx = Context {
        at,
        actor: app.actor.clone(),
        idempotency_key: None,
    };
    require_store_dir(app)?;
    let mut engine = Engine::open_creating(
        &app.db,
        OpenMode::CreateIfMissing,
        busy_timeout(),
        options,
        &ctx,
    )?;
    if let Ok(name) = std::env::var("PAYCTL_FAILPOINT") {
        engine.set_failpoints(Failpoints { name: Some(name) });
    }
    Ok(engine)
}

/// `open_read` inside one read transaction: for commands that only read, so all they print comes
/// from one snapshot.
pub fn open_snapshot(app: &App) -> Result<Engine, Failure> {
    let mut engine = open_read(app)?;
    engine.begin_snapshot()?;
    Ok(engine)
}

pub fn open_read(app: &App) -> Result<Engine, Failure> {
    require_store_dir(app)?;
    Ok(Engine::open_with_timeout(
        &app.db,
        OpenMode::MustExist,
        busy_timeout(),
    )?)
}

pub fn context(app: &App, w: &WriteArgs) -> Context {
    Context {
        at: w.at,
        actor: app.actor.clone(),
        idempotency_key: w.idempotency_key.clone(),
    }
}

/// A successful (or replayed) command.
pub struct Done {
    pub applied: Applied,
    pub replayed: bool,
    pub engine: Engine,
    pub currency: payctl_core::money::Currency,
}

impl Done {
    /// The JSON object SPEC §6 describes: `id`, `replayed`, and the details.
    pub fn json(&self) -> Value {
        let mut obj = serde_json::Map::new();
        if let Some(id) = &self.applied.id {
            obj.insert("id".into(), json!(id.to_string()));
        }
        for (k, v) in &self.applied.details {
            obj.insert(k.clone(), v.clone());
        }
        obj.insert("replayed".into(), json!(self.replayed));
        Value::Object(obj)
    }

    pub fn id(&self) -> String {
        self.applied.id.map(|i| i.to_string()).unwrap_or_default()
    }

    pub fn detail(&self, key: &str) -> String {
        match self.applied.details.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    }

    /// An amount detail (`amount`, `released`) for people: `4,500 KRW`.
    pub fn money(&self, key: &str) -> String {
        crate::output::money(self.detail(key).parse().unwrap_or_default(), self.currency)
    }

    pub fn suffix(&self) -> &'static str {
        if self.replayed { " (replayed)" } else { "" }
    }
}

/// Executes a command; a refusal becomes the failure to report (with `replayed` in JSON).
pub fn execute(app: &App, command: &Command, w: &WriteArgs) -> Result<Done, Failure> {
    // A store this command creates starts at the command's own time.
    let mut engine = open_write_with(app, &InitOptions::default(), w.at)?;
    let outcome = engine.execute(command, &context(app, w))?;
    // Crash drill: the command is committed, the process dies before saying so. A retry with the
    // same key must answer the committed outcome.
    if std::env::var("PAYCTL_FAILPOINT").is_ok_and(|f| f == "after_commit") {
        std::process::exit(137); // as if killed: no output, no cleanup
    }
    match outcome.result {
        Ok(applied) => Ok(Done {
            applied,
            replayed: outcome.replayed,
            currency: engine.settings_or_default()?.currency,
            engine,
        }),
        Err(error) => Err(Failure::Core {
            error,
            extra: Some(("replayed", json!(outcome.replayed))),
        }),
    }
}

/// Prints a simple outcome: JSON, or one human line.
pub fn print(app: &App, done: &Done, human: String) {
    if app.out.json {
        app.out.json_value(&done.json());
    } else {
        app.out.line(&format!("{human}{}", done.suffix()));
    }
}
