//! The one place the console touches the store: it carries out the `Effect`s `App::update`
//! returns and feeds each answer back as a `Msg`. The terminal loop and the tests both use it.

use std::collections::VecDeque;
use std::time::{SystemTime, UNIX_EPOCH};

use payctl_core::clock::Timestamp;
use payctl_core::queries::{EventQuery, Page, PaymentQuery};
use payctl_core::{Context, Engine, Error, Result};

use crate::app::{App, Msg};
use crate::effect::{At, Demo, Effect, Load, Loaded};
use crate::screens::Detail;
use crate::screens::list::PAGE;
use crate::screens::members::MemberDetail;

/// Effects one message may lead to at most: a message asks for a few reads, each answer for a
/// detail pane at most, so a longer chain is a bug and is cut.
const MOST_EFFECTS: usize = 64;

pub struct Runner {
    engine: Engine,
    actor: String,
    /// "now" for reads: the wall clock in real use, fixed in tests.
    clock: Box<dyn Fn() -> Timestamp>,
    actions_run: u64,
}

fn page(limit: i64, offset: i64) -> Page {
    Page {
        limit,
        offset,
        past: None,
    }
}

impl Runner {
    /// Runs effects against `engine`, writing as `actor`.
    pub fn new(engine: Engine, actor: &str, clock: Box<dyn Fn() -> Timestamp>) -> Runner {
        Runner {
            engine,
            actor: actor.to_string(),
            clock,
            actions_run: 0,
        }
    }

    /// A console over the store, its first screen loaded; the first failed read is the error.
    pub fn start(&mut self) -> Result<App> {
        let (mut app, effects) = App::init();
        drain(&mut app, self, effects, true)?;
        Ok(app)
    }

    /// `msg` to `app`, then every effect it leads to, until none is left.
    pub fn send(&mut self, app: &mut App, msg: Msg) {
        let effects = app.update(msg);
        run_effects(app, self, effects);
    }

    /// Carries out one effect; the answer is for `App::update`.
    pub fn run(&mut self, effect: Effect) -> Msg {
        match effect {
            Effect::ReadVersion => match self.engine.data_version() {
                Ok(v) => Msg::Version(v),
                Err(e) => Msg::Failed(e),
            },
            Effect::Load(load) => match self.load(&load) {
                Ok(loaded) => Msg::Loaded(loaded),
                Err(e) => Msg::LoadFailed(load, e),
            },
            Effect::Execute { command, summary } => {
                let ctx = self.context();
                let outcome = self.engine.execute(&command, &ctx);
                Msg::Executed { summary, outcome }
            }
            Effect::LoadDemo => Msg::DemoLoaded(self.load_demo()),
        }
    }

    /// A context like a CLI command's with its own idempotency key.
    fn context(&mut self) -> Context {
        self.actions_run += 1;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        Context {
            at: None,
            actor: self.actor.clone(),
            idempotency_key: Some(format!(
                "tui-{}-{nanos}-{}",
                std::process::id(),
                self.actions_run
            )),
        }
    }

    fn load(&self, load: &Load) -> Result<Loaded> {
        let now = (self.clock)();
        let e = &self.engine;
        let rows = |at: &At| page(PAGE, at.offset);
        Ok(match load {
            Load::Currency => Loaded::Currency(e.settings_or_default()?.currency),
            Load::Dashboard { days, recent } => {
                let figures = e.dashboard(*days)?;
                let events = e.events_newest(&EventQuery::default(), None, *recent)?;
                Loaded::Dashboard(Box::new(figures), events)
            }
            Load::Members { search, at } => {
                Loaded::Members(*at, e.members(search.as_deref(), rows(at), now)?)
            }
            Load::Merchants { at } => Loaded::Merchants(*at, e.merchants(rows(at))?),
            Load::Payments { query, at } => {
                Loaded::Payments(*at, e.payments(query, rows(at), now)?)
            }
            Load::Settlements { merchant, at } => {
                Loaded::Settlements(*at, e.settlements(merchant.as_deref(), rows(at))?)
            }
            Load::Events {
                query,
                before,
                select,
            } => Loaded::Events {
                before: *before,
                select: *select,
                rows: e.events_newest(query, *before, PAGE)?,
            },
            Load::Member(id) => {
                let mine = PaymentQuery {
                    member: Some(id.clone()),
                    ..PaymentQuery::default()
                };
                Loaded::Detail(Detail::Member(Box::new(MemberDetail {
                    member: e.member(id, now)?,
                    links: e.links(Some(id), page(20, 0))?,
                    history: e.history(id, page(30, 0))?,
                    payments: e.payments(&mine, page(15, 0), now)?,
                })))
            }
            Load::Merchant(id) => Loaded::Detail(Detail::Merchant(Box::new(e.merchant(id)?))),
            Load::Payment(id) => Loaded::Detail(Detail::Payment(Box::new(e.payment(id, now)?))),
            Load::Settlement(id) => Loaded::Detail(Detail::Settlement(Box::new(e.settlement(id)?))),
        })
    }

    /// Imports the demo data set (`payctl demo`'s default) through the import path.
    fn load_demo(&mut self) -> Result<Demo> {
        struct Quiet;
        impl payctl_core::import::ImportObserver for Quiet {}
        let io = |e: std::io::Error| Error::internal(format!("demo data set: {e}"));
        let mut file = tempfile::NamedTempFile::new().map_err(io)?;
        payctl_core::demo::generate(
            &payctl_core::demo::DemoOptions::default(),
            file.as_file_mut(),
        )
        .map_err(io)?;
        let options = payctl_core::import::ImportOptions {
            dry_run: false,
            require_keys: false,
            actor: self.actor.clone(),
            batch_lines: None,
        };
        let format = payctl_core::import::Format::Jsonl;
        Ok(
            match self
                .engine
                .import(file.path(), format, &options, &mut Quiet)?
            {
                Ok(summary) => Demo::Loaded(summary),
                Err((n, _)) => Demo::Malformed(n),
            },
        )
    }
}

/// Runs `effects` against the runner's store, feeding each answer to `app`, and the effects those
/// lead to, depth first (an answer's follow-ups run before the next effect asked for), until none
/// is left.
pub fn run_effects(app: &mut App, runner: &mut Runner, effects: Vec<Effect>) {
    // Failures are in the status line by now: nothing to stop for.
    let _ = drain(app, runner, effects, false);
}

fn drain(
    app: &mut App,
    runner: &mut Runner,
    effects: Vec<Effect>,
    stop_at_failure: bool,
) -> Result<()> {
    let mut queue: VecDeque<Effect> = effects.into();
    let mut run = 0;
    while let Some(effect) = queue.pop_front() {
        run += 1;
        if run > MOST_EFFECTS {
            break;
        }
        let msg = runner.run(effect);
        if stop_at_failure {
            if let Msg::Failed(e) | Msg::LoadFailed(_, e) = &msg {
                return Err(e.clone());
            }
        }
        for next in app.update(msg).into_iter().rev() {
            queue.push_front(next);
        }
    }
    Ok(())
}
