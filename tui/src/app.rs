//! The console's state and its `update`: a pure state transition that returns the effects (reads
//! and writes of the store) for the loop to run. Each screen's own state and behaviour are in
//! `screens`; here is what they share: which screen is on view, the detail pane, the overlays
//! (help, search, form), the status line, and the change signal. Nothing here draws.

use payctl_core::money::Currency;
use payctl_core::{Error, ErrorCode, Outcome, Result};

use crate::effect::{Demo, Effect, Load, Loaded};
use crate::form::{self, Action, Form};
use crate::keys::Input;
use crate::screens::dashboard::Dashboard;
use crate::screens::events::Events;
use crate::screens::members::Members;
use crate::screens::merchants::Merchants;
use crate::screens::payments::Payments;
use crate::screens::settlements::Settlements;
use crate::screens::{Browse, Detail, Pane, Screen};

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

    fn key(&mut self, input: Input) -> Vec<Effect> {
        if input == Input::Interrupt {
            self.quit = true;
            return Vec::new();
        }
        if let Some(form) = &mut self.form {
            return match form.key(input, self.currency) {
                form::Reply::Open => Vec::new(),
                form::Reply::Closed(run) => {
                    self.form = None;
                    run.map(|(command, summary)| Effect::Execute { command, summary })
                        .into_iter()
                        .collect()
                }
            };
        }
        if let Some(text) = &mut self.search_input {
            match input {
                Input::Enter => {
                    let typed = std::mem::take(text);
                    self.search_input = None;
                    if let Some(filter) = self.current_mut().filter_mut() {
                        *filter = typed;
                    }
                    return self.reset();
                }
                Input::Esc => self.search_input = None,
                Input::Backspace => {
                    text.pop();
                }
                Input::Char(c) if text.chars().count() < 100 => text.push(c),
                _ => {}
            }
            return Vec::new();
        }
        if self.help {
            if matches!(
                input,
                Input::Esc | Input::Char('q') | Input::Char('?') | Input::Enter
            ) {
                self.help = false;
            }
            return Vec::new();
        }
        match input {
            Input::Char('?') => self.help = true,
            Input::Esc | Input::Char('q') => {
                let filtered = self.current().filter().is_some_and(|f| !f.is_empty());
                if self.detail.is_some() {
                    self.detail = None;
                } else if filtered {
                    if let Some(filter) = self.current_mut().filter_mut() {
                        filter.clear();
                    }
                    return self.reset();
                } else if input == Input::Char('q') || self.screen == Screen::Dashboard {
                    self.quit = true;
                } else {
                    return self.goto(Screen::Dashboard);
                }
            }
            Input::Tab => return self.goto(self.screen.step(1)),
            Input::BackTab => return self.goto(self.screen.step(-1)),
            Input::Char(c @ '1'..='6') => {
                let i = (c as usize) - ('1' as usize);
                return self.goto(Screen::ALL[i]);
            }
            // Only the screens that filter have a filter to edit.
            Input::Char('/') => {
                self.search_input = self.current().filter().cloned();
            }
            Input::Up | Input::Char('k') => return self.move_by(-1),
            Input::Down | Input::Char('j') => return self.move_by(1),
            Input::PageUp => return self.move_by(-20),
            Input::PageDown => return self.move_by(20),
            Input::Home | Input::Char('g') => return self.reset(),
            Input::End | Input::Char('G') => return self.move_by(i64::from(u16::MAX)),
            Input::Enter => {
                if self.detail.is_some() {
                    self.detail = None;
                } else {
                    return self.open_detail();
                }
            }
            Input::Char(c) => return self.screen_key(c),
            _ => {}
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

    fn screen_key(&mut self, c: char) -> Vec<Effect> {
        let action = match (self.screen, c) {
            (Screen::Members, 'n') | (Screen::Dashboard, 'n') => Action::RegisterMember,
            (Screen::Members, 'l') => Action::LinkBank,
            (Screen::Members, 'c') => Action::Recharge,
            (Screen::Members, 'w') => Action::Withdraw,
            (Screen::Members, 't') => Action::Remit,
            (Screen::Members | Screen::Payments, 'p') => Action::Pay,
            (Screen::Members | Screen::Payments, 'h') => Action::Hold,
            (Screen::Merchants, 'n') => Action::RegisterMerchant,
            (Screen::Merchants, 's') | (Screen::Settlements, 's') => Action::Settle,
            (Screen::Payments, 'c') => Action::Capture,
            (Screen::Payments, 'v') => Action::Void,
            (Screen::Payments, 'r') => Action::Refund,
            (Screen::Payments, 'f') => {
                self.payments.cycle_status();
                return self.reset();
            }
            (Screen::Events, 'f') => {
                return self
                    .events
                    .toggle_follow()
                    .map(Effect::Load)
                    .into_iter()
                    .collect();
            }
            (Screen::Dashboard, 'd') if self.is_empty_store() => return vec![Effect::LoadDemo],
            _ => return Vec::new(),
        };
        self.open_form(action);
        Vec::new()
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
