//! `payctl init|config|verify|rebuild`

use clap::Args;
use payctl_core::event::BankAccount;
use payctl_core::money::Currency;
use payctl_core::store::Backend;
use payctl_core::verify::require_ok;
use payctl_core::{Context, InitOptions};
use rust_decimal::Decimal;

use crate::App;
use crate::exit::{CmdResult, Failure, invalid};
use crate::output::money;
use crate::write::{WriteArgs, open_read, open_snapshot, open_write_with, parse_amount};

/// Create the store with its settings (a write command on a missing store creates one with defaults).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl init\n  payctl --db ./usd.db init --currency USD --auto-recharge-unit 100 --hold-expiry 3d"
)]
pub struct InitArgs {
    /// Store currency: KRW (default), JPY, USD, EUR, GBP, CNY. Fixed for the store's life.
    #[arg(long, default_value = "KRW")]
    currency: String,
    /// Auto-recharge unit (default 10,000 of the currency).
    #[arg(long, value_parser = parse_amount, allow_negative_numbers = true)]
    auto_recharge_unit: Option<Decimal>,
    /// How long a hold lives: 7d (default), 36h, 90m, 600s.
    #[arg(long, default_value = "7d")]
    hold_expiry: String,
    /// The house bank account (firm banking's side of every transfer).
    #[arg(long, default_value = "PAYCTL")]
    house_bank: String,
    /// The house account number at --house-bank.
    #[arg(long, default_value = "000-000-000000")]
    house_account: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Show the store's settings and where it lives.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  payctl config --json")]
pub struct ConfigArgs {}

/// Check the store: hash chain and seqs, projections = a fresh replay, ledger invariants.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl verify && echo intact\n  payctl verify --digest --json"
)]
pub struct VerifyArgs {
    /// Also print a digest of every projection row (equal digests: equal state, across stores).
    #[arg(long)]
    digest: bool,
}

/// Make every projection again from the log (then `verify` to check).
///
/// The log is replayed through the same fold live commands run, into memory, and the rows are
/// loaded into the emptied projections, in one write transaction: other writers wait until it
/// ends. Prints the event count and the projection digest (as `verify --digest`). If anything
/// fails, the projections are left as they were.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  payctl rebuild && payctl verify")]
pub struct RebuildArgs {}

pub(crate) fn parse_duration_secs(text: &str) -> Option<i64> {
    let (num, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(factor).filter(|s| *s > 0)
}

/// A duration in the largest unit that divides it, as `init --hold-expiry` takes them:
/// 604800 → `7 days`, 129600 → `36 hours`, 5400 → `90 minutes`, 45 → `45 seconds`.
fn duration_text(secs: i64) -> String {
    let (n, unit) = [(86_400, "day"), (3600, "hour"), (60, "minute")]
        .iter()
        .find(|(size, _)| secs != 0 && secs % size == 0)
        .map_or((secs, "second"), |(size, unit)| (secs / size, *unit));
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

pub fn run_init(a: InitArgs, app: &App) -> CmdResult {
    let currency: Currency = a.currency.parse().map_err(|_| {
        invalid(
            "currency",
            &a.currency,
            "use KRW, JPY, USD, EUR, GBP or CNY",
        )
    })?;
    let hold_expiry_secs = parse_duration_secs(&a.hold_expiry).ok_or_else(|| {
        invalid(
            "hold-expiry",
            &a.hold_expiry,
            "use a duration like 7d, 36h, 90m or 600s",
        )
    })?;
    let options = InitOptions {
        currency,
        auto_recharge_unit: a.auto_recharge_unit,
        hold_expiry_secs,
        house: BankAccount {
            bank: a.house_bank,
            account: a.house_account,
        },
    };
    let mut engine = open_write_with(app, &options, a.write.at)?;
    let ctx = Context {
        at: a.write.at,
        actor: app.actor.clone(),
        idempotency_key: None,
    };
    let (settings, created) = if engine.created() {
        (engine.require_settings()?, true)
    } else {
        engine.init(&options, &ctx)?
    };
    let config_file = crate::settings::config_path().map(|p| p.display().to_string());
    if app.out.json {
        app.out.json_value(&serde_json::json!({
            "config_file": config_file,
            "db": app.db_shown(),
            "created": created,
            "settings": settings,
        }));
    } else if created {
        app.out.line(&format!(
            "Initialized {} ({})",
            app.db_shown(),
            settings.currency
        ));
    } else {
        app.out.line(&format!(
            "Already initialized: {} ({})",
            app.db_shown(),
            settings.currency
        ));
    }
    Ok(())
}

pub fn run_config(_a: ConfigArgs, app: &App) -> CmdResult {
    let engine = open_snapshot(app)?;
    let s = engine.settings_or_default()?;
    let (events, head) = engine.log_head()?;
    let config_file = crate::settings::config_path().map(|p| p.display().to_string());
    if app.out.json {
        app.out.json_value(&serde_json::json!({
            "config_file": config_file,
            "db": app.db_shown(),
            "backend": Backend::of(&app.db).name(),
            "currency": s.currency,
            "auto_recharge_unit": s.auto_recharge_unit.to_string(),
            "hold_expiry_secs": s.hold_expiry_secs,
            "hold_expiry": duration_text(s.hold_expiry_secs),
            "house_bank": s.house.bank,
            "house_account": s.house.account,
            "store_id": s.store_id,
            "events": events,
            "head_hash": head,
        }));
        return Ok(());
    }
    app.out.fields(&[
        ("config file", config_file.unwrap_or_else(|| "-".into())),
        ("db", app.db_shown()),
        ("backend", Backend::of(&app.db).name().to_string()),
        ("currency", s.currency.to_string()),
        (
            "auto-recharge unit",
            money(s.auto_recharge_unit.decimal(), s.currency),
        ),
        ("hold expiry", duration_text(s.hold_expiry_secs)),
        ("house account", s.house.to_string()),
        ("store id", s.store_id.clone()),
        ("events", events.to_string()),
        ("head hash", head),
    ]);
    Ok(())
}

pub fn run_verify(a: VerifyArgs, app: &App) -> CmdResult {
    let mut engine = open_read(app)?;
    let report = engine.verify()?;
    if let Err(error) = require_ok(&report) {
        return Err(Failure::Core {
            error,
            extra: Some(("problems", serde_json::json!(report.problems))),
        });
    }
    let digest = if a.digest {
        Some(engine.projection_digest()?)
    } else {
        None
    };
    if app.out.json {
        let mut v = serde_json::json!({"ok": true, "events": report.events, "head_hash": report.head_hash, "tables_compared": report.tables_compared});
        if let Some(d) = &digest {
            v["projection_digest"] = serde_json::json!(d);
        }
        app.out.json_value(&v);
    } else {
        app.out.line(&format!(
            "OK: {} events, hash chain intact, {} projections equal a full replay, invariants hold",
            report.events, report.tables_compared
        ));
        if let Some(d) = &digest {
            app.out.line(&format!("projection digest: {d}"));
        }
    }
    Ok(())
}

pub fn run_rebuild(_a: RebuildArgs, app: &App) -> CmdResult {
    let mut engine = open_read(app)?;
    let rebuilt = engine.rebuild()?;
    let (count, digest) = (rebuilt.events, rebuilt.projection_digest);
    if app.out.json {
        app.out.json_value(
            &serde_json::json!({"ok": true, "events": count, "projection_digest": digest}),
        );
    } else {
        app.out.line(&format!(
            "Rebuilt projections from {count} events (digest {digest})"
        ));
    }
    Ok(())
}
