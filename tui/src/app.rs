//! The console's state and its `update`: a pure state transition that returns the effects (reads
//! and writes of the store) for the loop to run. Each screen's own state and behaviour are in
//! `screens`; here is what they share: which screen is on view, the detail pane, the overlays
//! (help, search, form), the status line, and the change signal. Nothing here draws.

use payctl_core::money::Currency;
use payctl_core::{Error, ErrorCode, Outcome, Result};

use crate::effect::{Demo, Effect, Load, Loaded};
use crate::form::{Action, Form};
use crate::keymap::{self, Intent, Mode};
use crate::keys::Input;
use crate::screens::dashboard::Dashboard;
use crate::screens::events::Events;
use crate::screens::members::Members;
use crate::screens::merchants::Merchants;
use crate::screens::payments::Payments;
use crate::screens::settlements::Settlements;
use crate::screens::{Browse, Detail, Pane, Screen};

/// Characters a search holds at most.
const SEARCH_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

#[derive(Debug)]
pub enum Msg {
    Key(Input),
    /// Time passed: poll for other processes' writes.
    Tick,
    /// The terminal's size (columns, rows): at start and whenever it changes.
    Resize(u16, u16),
    /// The store's change signal as read now: it moves when another process commits.
    Version(i64),
    /// A read came back.
    Loaded(Loaded),
    /// A read failed: what was asked, and why.
    LoadFailed(Load, Error),
    /// A confirmed action ran: what it was to do, and the engine's answer.
    Executed {
        summary: String,
        outcome: Result<Outcome>,
    },
    /// The demo data set was imported (or not).
    DemoLoaded(Result<Demo>),
    /// Another effect failed.
    Failed(Error),
}

#[derive(Debug)]
pub struct App {
    pub currency: Currency,
    pub screen: Screen,
    pub help: bool,
    /// Text being typed after `/`.
    pub search_input: Option<String>,
    pub dashboard: Dashboard,
    pub members: Members,
    pub merchants: Merchants,
    pub payments: Payments,
    pub settlements: Settlements,
    pub events: Events,
    /// The selection's detail beside the list, when open.
    pub detail: Option<Detail>,
    pub form: Option<Form>,
    pub status: Option<Status>,
    pub quit: bool,
    /// The store's change signal as last read (None: read it, then reload what is on screen).
    data_version: Option<i64>,
}

impl App {
    /// A console on the dashboard with nothing loaded yet, and the effects that load it.
    pub fn init() -> (App, Vec<Effect>) {
        let app = App {
            currency: payctl_core::InitOptions::default().currency,
            screen: Screen::Dashboard,
            help: false,
            search_input: None,
            dashboard: Dashboard::default(),
            members: Members::default(),
            merchants: Merchants::default(),
            payments: Payments::default(),
            settlements: Settlements::default(),
            events: Events::default(),
            detail: None,
            form: None,
            status: None,
            quit: false,
            data_version: None,
        };
        // The first reading of the change signal differs from none: it loads the screen.
        (app, vec![Effect::ReadVersion])
    }

    pub fn is_empty_store(&self) -> bool {
        self.dashboard.is_empty_store()
    }

    /// The screen on view, as `App` drives any screen.
    fn current(&self) -> &dyn Browse {
        match self.screen {
            Screen::Dashboard => &self.dashboard,
            Screen::Members => &self.members,
            Screen::Merchants => &self.merchants,
            Screen::Payments => &self.payments,
            Screen::Settlements => &self.settlements,
            Screen::Events => &self.events,
        }
    }

    fn current_mut(&mut self) -> &mut dyn Browse {
        match self.screen {
            Screen::Dashboard => &mut self.dashboard,
            Screen::Members => &mut self.members,
            Screen::Merchants => &mut self.merchants,
            Screen::Payments => &mut self.payments,
            Screen::Settlements => &mut self.settlements,
            Screen::Events => &mut self.events,
        }
    }

    /// Handles one message: changes the state, and returns what the loop must read or write next.
    /// Engine failures end up in the status line, never as a panic.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(input) => self.key(input),
            Msg::Tick => vec![Effect::ReadVersion],
            Msg::Resize(_, rows) if self.dashboard.resize(rows) => {
                // A taller screen than the latest events were read for reads them again.
                if self.screen == Screen::Dashboard {
                    self.refresh()
                } else {
                    Vec::new()
                }
            }
            Msg::Resize(..) => Vec::new(),
            // Another process wrote (or this console forgot the signal)? Reload what is on view.
            Msg::Version(v) if self.data_version != Some(v) => {
                self.data_version = Some(v);
                self.refresh()
            }
            Msg::Version(_) => Vec::new(),
            Msg::Loaded(loaded) => self.loaded(loaded),
            Msg::LoadFailed(load, e) => self.load_failed(load, e),
            Msg::Executed { summary, outcome } => self.executed(&summary, outcome),
            Msg::DemoLoaded(demo) => self.demo_loaded(demo),
            Msg::Failed(e) => {
                self.set_failure(&e);
                Vec::new()
            }
        }
    }

    /// Reloads what the screen on view shows (and the store's currency).
    fn refresh(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::Load(Load::Currency)];
        effects.extend(self.current().refresh(self.data_version).map(Effect::Load));
        effects
    }

    /// This console wrote: forget the change signal, so that reading it reloads everything
    /// (its own commits do not move the signal).
    fn changed(&mut self) -> Vec<Effect> {
        self.data_version = None;
        self.dashboard.forget();
        vec![Effect::ReadVersion]
    }

    fn loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        let screen = match loaded {
            Loaded::Currency(c) => {
                self.currency = c;
                return Vec::new();
            }
            Loaded::Dashboard(figures, recent) => {
                self.dashboard.fill(*figures, recent, self.data_version);
                return Vec::new();
            }
            Loaded::Detail(d) => {
                self.detail = Some(d);
                return Vec::new();
            }
            Loaded::Members(at, rows) => {
                self.members.list.fill(at, rows);
                Screen::Members
            }
            Loaded::Merchants(at, rows) => {
                self.merchants.list.fill(at, rows);
                Screen::Merchants
            }
            Loaded::Payments(at, rows) => {
                self.payments.list.fill(at, rows);
                Screen::Payments
            }
            Loaded::Settlements(at, rows) => {
                self.settlements.list.fill(at, rows);
                Screen::Settlements
            }
            Loaded::Events {
                before,
                select,
                rows,
            } => {
                self.events.fill(before, select, rows);
                Screen::Events
            }
        };
        self.rows_changed(screen)
    }

    /// New rows on `screen`: an open detail pane never shows a stale figure as current.
    fn rows_changed(&mut self, screen: Screen) -> Vec<Effect> {
        if screen == self.screen {
            self.reopen_detail()
        } else {
            Vec::new()
        }
    }

    fn load_failed(&mut self, load: Load, e: Error) -> Vec<Effect> {
        // A filter naming no member or merchant shows an empty list and says why.
        let screen = match load {
            Load::Payments { at, .. } if e.code == ErrorCode::NotFound => {
                self.payments.list.fill(at, Vec::new());
                Screen::Payments
            }
            Load::Settlements { at, .. } if e.code == ErrorCode::NotFound => {
                self.settlements.list.fill(at, Vec::new());
                Screen::Settlements
            }
            _ => {
                self.set_failure(&e);
                return Vec::new();
            }
        };
        self.set_error(&format!("filter: {}", e.message));
        self.rows_changed(screen)
    }

    fn executed(&mut self, summary: &str, outcome: Result<Outcome>) -> Vec<Effect> {
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                self.set_failure(&e);
                return Vec::new();
            }
        };
        match outcome.result {
            Ok(applied) => {
                let mut ids: Vec<String> = applied.id.iter().map(ToString::to_string).collect();
                ids.extend(applied.settled.iter().map(ToString::to_string));
                let what = if ids.is_empty() {
                    "nothing to settle".to_string()
                } else {
                    ids.join(", ")
                };
                self.set_info(&format!("Done: {summary} → {what}"));
            }
            Err(e) => self.set_error(&format!("Refused ({}): {}", e.code, e.message)),
        }
        self.changed()
    }

    fn demo_loaded(&mut self, demo: Result<Demo>) -> Vec<Effect> {
        match demo {
            Ok(Demo::Loaded(s)) => self.set_info(&format!(
                "Demo data set loaded: {} operations ({} applied, {} refused on purpose)",
                s.operations, s.applied, s.rejected
            )),
            Ok(Demo::Malformed(n)) => {
                self.set_error(&format!("demo data set: {n} malformed lines"));
            }
            Err(e) => {
                self.set_failure(&e);
                return Vec::new();
            }
        }
        self.changed()
    }

    /// Opens the detail of the selection: shown at once, or read first.
    fn open_detail(&mut self) -> Vec<Effect> {
        match self.current().pane() {
            Some(Pane::Load(load)) => vec![Effect::Load(load)],
            Some(Pane::Shown(detail)) => {
                self.detail = Some(detail);
                Vec::new()
            }
            None => {
                self.detail = None;
                Vec::new()
            }
        }
    }

    /// The detail pane, when open, follows the selection.
    fn reopen_detail(&mut self) -> Vec<Effect> {
        if self.detail.is_some() {
            self.open_detail()
        } else {
            Vec::new()
        }
    }

    fn set_error(&mut self, text: &str) {
        self.status = Some(Status {
            text: text.to_string(),
            error: true,
        });
    }

    fn set_info(&mut self, text: &str) {
        self.status = Some(Status {
            text: text.to_string(),
            error: false,
        });
    }

    /// An engine failure, with its code.
    fn set_failure(&mut self, e: &Error) {
        self.set_error(&format!("{}: {}", e.code, e.message));
    }

    /// Where the console is, as far as keys go: the innermost thing open.
    pub fn mode(&self) -> Mode {
        match &self.form {
            Some(f) if f.confirming.is_some() => Mode::Confirm,
            Some(_) => Mode::Form,
            None if self.search_input.is_some() => Mode::Search,
            None if self.help => Mode::Help,
            None => Mode::Browse(self.screen),
        }
    }

    /// A key does what the keymap says it does where the console is; a key it does not name
    /// types into the search or the form, or does nothing.
    fn key(&mut self, input: Input) -> Vec<Effect> {
        let mode = self.mode();
        match keymap::lookup(mode, input) {
            Some(intent) => self.act(intent),
            None => {
                self.type_in(mode, input);
                Vec::new()
            }
        }
    }

    fn type_in(&mut self, mode: Mode, input: Input) {
        match (mode, input, &mut self.search_input, &mut self.form) {
            (Mode::Search, Input::Backspace, Some(text), _) => {
                text.pop();
            }
            (Mode::Search, Input::Char(c), Some(text), _) if text.chars().count() < SEARCH_MAX => {
                text.push(c);
            }
            (Mode::Form, Input::Backspace, _, Some(form)) => form.erase(),
            (Mode::Form, Input::Char(c), _, Some(form)) => form.type_char(c),
            _ => {}
        }
    }

    fn act(&mut self, intent: Intent) -> Vec<Effect> {
        match intent {
            Intent::Quit => self.quit = true,
            Intent::NextScreen => return self.goto(self.screen.step(1)),
            Intent::PreviousScreen => return self.goto(self.screen.step(-1)),
            Intent::GoTo(screen) => return self.goto(screen),
            Intent::Move(delta) => return self.move_by(delta),
            Intent::Top => return self.reset(),
            Intent::Bottom => return self.move_by(i64::from(u16::MAX)),
            Intent::Details if self.detail.is_some() => self.detail = None,
            Intent::Details => return self.open_detail(),
            Intent::OpenHelp => self.help = true,
            Intent::Back | Intent::CloseOrQuit => return self.back(intent == Intent::Back),
            Intent::Search => self.search_input = self.current().filter().cloned(),
            Intent::Open(action) => self.open_form(action),
            Intent::CycleStatus => {
                self.payments.cycle_status();
                return self.reset();
            }
            Intent::Follow => {
                return self
                    .events
                    .toggle_follow()
                    .map(Effect::Load)
                    .into_iter()
                    .collect();
            }
            Intent::LoadDemo if self.is_empty_store() => return vec![Effect::LoadDemo],
            Intent::LoadDemo => {}
            Intent::CloseHelp => self.help = false,
            Intent::ApplySearch => {
                let typed = self.search_input.take().unwrap_or_default();
                if let Some(filter) = self.current_mut().filter_mut() {
                    *filter = typed;
                }
                return self.reset();
            }
            Intent::CancelSearch => self.search_input = None,
            Intent::CancelForm => self.form = None,
            Intent::NextField => self.in_form(Form::next_field),
            Intent::PreviousField => self.in_form(Form::previous_field),
            Intent::Review => {
                let currency = self.currency;
                self.in_form(|f| f.review(currency));
            }
            Intent::Edit => self.in_form(Form::edit),
            Intent::Confirm => {
                let run = self
                    .form
                    .take()
                    .and_then(|f| f.validate(self.currency).ok());
                return run
                    .map(|(command, summary)| Effect::Execute { command, summary })
                    .into_iter()
                    .collect();
            }
        }
        Vec::new()
    }

    fn in_form(&mut self, change: impl FnOnce(&mut Form)) {
        if let Some(form) = &mut self.form {
            change(form);
        }
    }

    /// Esc and q: close the pane, else clear the filter; then Esc goes to the dashboard and quits
    /// from there, q quits.
    fn back(&mut self, esc: bool) -> Vec<Effect> {
        let filtered = self.current().filter().is_some_and(|f| !f.is_empty());
        if self.detail.is_some() {
            self.detail = None;
        } else if filtered {
            if let Some(filter) = self.current_mut().filter_mut() {
                filter.clear();
            }
            return self.reset();
        } else if !esc || self.screen == Screen::Dashboard {
            self.quit = true;
        } else {
            return self.goto(Screen::Dashboard);
        }
        Vec::new()
    }

    fn goto(&mut self, screen: Screen) -> Vec<Effect> {
        self.screen = screen;
        self.detail = None;
        self.refresh()
    }

    /// Back to the top of the list on view, its pane closed, and read again.
    fn reset(&mut self) -> Vec<Effect> {
        self.current_mut().reset();
        self.detail = None;
        self.refresh()
    }

    /// Moves the selection, paging in rows past either end of what is loaded.
    fn move_by(&mut self, delta: i64) -> Vec<Effect> {
        match self.current_mut().move_by(delta) {
            Some(load) => vec![Effect::Load(load)],
            None => self.reopen_detail(),
        }
    }

    /// A form for `action`, filled in from the selection (the member on view in a member pane).
    fn open_form(&mut self, action: Action) {
        let mut pre = self.current().prefill();
        if let Some(Detail::Member(d)) = &self.detail {
            pre.member = Some(d.member.id.clone());
        }
        self.form = Some(Form::new(action, &pre));
    }
}
