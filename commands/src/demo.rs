//! `payctl demo`: the seeded demo workload, printed or loaded.

use std::io::{BufWriter, Write};

use clap::Args;
use color_eyre::eyre::WrapErr;
use payctl_core::demo::{DemoOptions, generate};
use payctl_core::{Error, ErrorCode};

use crate::App;
use crate::exit::{CmdResult, Failure};

/// Generate a realistic, seeded workload in the import format (every operation kind, business
/// hours, a few refusals on purpose): print it, or `--load` it into the store.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl demo --members 40 --merchants 8 --days 10 > demo.jsonl\n  payctl demo --load\n  payctl demo --ops 100000 --seed 7 | payctl import -"
)]
pub struct DemoArgs {
    /// Members to register.
    #[arg(long, default_value_t = 40)]
    members: u32,
    /// Merchants to register.
    #[arg(long, default_value_t = 8)]
    merchants: u32,
    /// Business days to simulate, from 2026-03-02.
    #[arg(long, default_value_t = 10)]
    days: u32,
    /// Random seed: the same seed and sizes give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Total operations wanted (default: about 5 per member per day).
    #[arg(long, value_name = "N")]
    ops: Option<u64>,
    /// Import it straight into the store instead of printing it.
    #[arg(long)]
    load: bool,
}

pub fn run(a: DemoArgs, app: &App) -> CmdResult {
    let options = DemoOptions {
        members: a.members,
        merchants: a.merchants,
        days: a.days,
        seed: a.seed,
        operations: a.ops,
    };
    if !a.load {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        match generate(&options, &mut w).and_then(|_| w.flush()) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(color_eyre::eyre::eyre!("writing the demo: {e}").into()),
        }
    }
    refuse_a_used_store(app)?;
    let mut spool = tempfile::NamedTempFile::new().wrap_err("creating a spool file")?;
    {
        let mut w = BufWriter::new(spool.as_file_mut());
        generate(&options, &mut w).wrap_err("writing the demo")?;
        w.flush().wrap_err("writing the demo")?;
    }
    crate::import::import_path(
        app,
        spool.path(),
        payctl_core::import::Format::Jsonl,
        false,
        None,
        false,
        None,
    )
}

/// The demo's operations are dated in the past (from 2026-03-02) and effective time never goes
/// backwards, so on a store with history of its own they would all be refused: load it only
/// into a fresh store (missing, or holding nothing but its creation).
fn refuse_a_used_store(app: &App) -> CmdResult {
    let engine = match crate::write::open_read(app) {
        Ok(engine) => engine,
        Err(Failure::Core { error, .. }) if error.code == ErrorCode::StoreMissing => return Ok(()),
        Err(e) => return Err(e),
    };
    let (events, _) = engine.log_head()?;
    if events <= 1 {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::InvalidState,
        format!(
            "the store {} already holds {events} events: the demo data set is dated in the past \
             and wants a fresh store: name a new one, e.g. `payctl --db NEW.db demo --load`",
            app.db_shown()
        ),
    )
    .into())
}
