//! The console's state and its `update`: a pure state transition that returns the effects (reads
//! and writes of the store) for the loop to run. Nothing here draws; `view` renders `&App`.

use payctl_core::money::Currency;
use payctl_core::queries::{
    Dashboard, EventQuery, EventRow, Link, Member, Merchant, Payment, PaymentQuery, Settlement,
    WalletEntry,
};
use payctl_core::{Error, ErrorCode, Outcome, Result};

use crate::effect::{At, Demo, Effect, Load, Loaded};
use crate::form::{Action, Form, Prefill};
use crate::keys::Input;

/// Rows fetched per page of a list.
pub const PAGE: i64 = 200;
/// Events kept on screen at most (older ones are paged in again on demand).
const MAX_EVENTS: usize = 2_000;
/// Terminal rows assumed until the loop reports the real size.
const DEFAULT_HEIGHT: u16 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Members,
    Merchants,
    Payments,
    Settlements,
    Events,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Screen::Dashboard,
        Screen::Members,
        Screen::Merchants,
        Screen::Payments,
        Screen::Settlements,
        Screen::Events,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => "Dashboard",
            Screen::Members => "Members",
            Screen::Merchants => "Merchants",
            Screen::Payments => "Payments",
            Screen::Settlements => "Settlements",
            Screen::Events => "Events",
        }
    }

    fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// A page of a long list and the selection in it.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    /// Index of `rows[0]` in the whole list.
    pub offset: i64,
    pub selected: usize,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            rows: Vec::new(),
            offset: 0,
            selected: 0,
        }
    }
}

impl<T> Paged<T> {
    pub fn current(&self) -> Option<&T> {
        self.rows.get(self.selected)
    }

    fn clamp(&mut self) {
        if self.selected >= self.rows.len() {
            self.selected = self.rows.len().saturating_sub(1);
        }
    }

    /// Where moving the selection by `delta` lands: on a row already loaded, or past either end
    /// of them, on a page to load first.
    fn step(&self, delta: i64) -> Step {
        let len = self.rows.len() as i64;
        let target = self.selected as i64 + delta;
        if target >= len && len == PAGE {
            Step::Load(At {
                offset: self.offset + len / 2,
                select: Some(self.offset + target.min(len + PAGE / 2 - 1)),
            })
        } else if target < 0 && self.offset > 0 {
            Step::Load(At {
                offset: (self.offset - PAGE / 2).max(0),
                select: Some((self.offset + target).max(0)),
            })
        } else {
            Step::Within(usize::try_from(target.clamp(0, (len - 1).max(0))).unwrap_or(0))
        }
    }

    /// The page `rows` read at `at`.
    fn fill(&mut self, at: At, rows: Vec<T>) {
        self.rows = rows;
        self.offset = at.offset;
        if let Some(row) = at.select {
            self.selected = usize::try_from(row - at.offset).unwrap_or(0);
        }
        self.clamp();
    }
}

/// The read of one page of a list screen, at an offset, selecting a row.
type PageLoad = fn(&App, i64, Option<i64>) -> Load;

/// Where a move lands (see `Paged::step`).
enum Step {
    Within(usize),
    Load(At),
}

/// What the member detail pane shows.
#[derive(Debug, Clone)]
pub struct MemberDetail {
    pub member: Member,
    pub links: Vec<Link>,
    pub history: Vec<WalletEntry>,
    pub payments: Vec<Payment>,
}

#[derive(Debug, Clone)]
pub enum Detail {
    Member(Box<MemberDetail>),
    Merchant(Box<Merchant>),
    Payment(Box<Payment>),
    Settlement(Box<Settlement>),
    Event(Box<EventRow>),
}

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

/// Statuses the payment filter cycles through.
pub const PAYMENT_FILTERS: [Option<&str>; 6] = [
    None,
    Some("authorized"),
    Some("captured"),
    Some("unsettled"),
    Some("voided"),
    Some("expired"),
];

#[derive(Debug)]
pub struct App {
    pub currency: Currency,
    pub screen: Screen,
    pub help: bool,
    /// Text being typed after `/`.
    pub search_input: Option<String>,
    /// The active filter of each screen (index = screen).
    pub filters: [String; 6],
    pub payment_status: usize,
    pub follow: bool,
    pub dashboard: Dashboard,
    pub recent_events: Vec<EventRow>,
    pub members: Paged<Member>,
    pub merchants: Paged<Merchant>,
    pub payments: Paged<Payment>,
    pub settlements: Paged<Settlement>,
    pub events: Paged<EventRow>,
    pub detail: Option<Detail>,
    pub form: Option<Form>,
    pub status: Option<Status>,
    pub quit: bool,
    /// Terminal rows, once known: how many latest events the dashboard loads.
    pub height: Option<u16>,
    /// The store's change signal as last read (None: read it, then reload what is on screen).
    data_version: Option<i64>,
    /// The `data_version` the dashboard was loaded at (None: load it on the next refresh).
    dashboard_of: Option<i64>,
}

impl App {
    /// A console on the dashboard with nothing loaded yet, and the effects that load it.
    pub fn init() -> (App, Vec<Effect>) {
        let app = App {
            currency: payctl_core::InitOptions::default().currency,
            screen: Screen::Dashboard,
            help: false,
            search_input: None,
            filters: Default::default(),
            payment_status: 0,
            follow: true,
            dashboard: Dashboard::default(),
            recent_events: Vec::new(),
            members: Paged::default(),
            merchants: Paged::default(),
            payments: Paged::default(),
            settlements: Paged::default(),
            events: Paged::default(),
            detail: None,
            form: None,
            status: None,
            quit: false,
            height: None,
            data_version: None,
            dashboard_of: None,
        };
        // The first reading of the change signal differs from none: it loads the screen.
        (app, vec![Effect::ReadVersion])
    }

    pub fn is_empty_store(&self) -> bool {
        self.dashboard.events <= 1
    }

    /// Handles one message: changes the state, and returns what the loop must read or write next.
    /// Engine failures end up in the status line, never as a panic.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(input) => self.key(input),
            Msg::Tick => vec![Effect::ReadVersion],
            Msg::Resize(_, rows) => self.resize(rows),
            // Another process wrote (or this console forgot the version)? Reload what is on screen.
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

    /// This console wrote: forget the change signal so that reading it reloads everything.
    fn changed(&mut self) -> Vec<Effect> {
        self.data_version = None;
        self.dashboard_of = None;
        vec![Effect::ReadVersion]
    }

    /// Reloads what the current screen shows (and the dashboard's figures).
    fn refresh(&mut self) -> Vec<Effect> {
        let mut effects = vec![Effect::Load(Load::Currency)];
        let load = match self.screen {
            // The dashboard's aggregates scan recent history: loaded again only when the store
            // changed since (another process's commit moves `data_version`; this console's own
            // writes clear `dashboard_of`).
            Screen::Dashboard
                if self.dashboard_of.is_none() || self.dashboard_of != self.data_version =>
            {
                // As many as the screen has rows: the panel shows fewer, never an empty row.
                Some(Load::Dashboard {
                    days: 14,
                    recent: self.recent_wanted(),
                })
            }
            Screen::Dashboard => None,
            Screen::Members => Some(self.members_load(self.members.offset, None)),
            Screen::Merchants => Some(self.merchants_load(self.merchants.offset, None)),
            Screen::Payments => Some(self.payments_load(self.payments.offset, None)),
            Screen::Settlements => Some(self.settlements_load(self.settlements.offset, None)),
            Screen::Events => Some(self.events_load(None, None)),
        };
        effects.extend(load.map(Effect::Load));
        effects
    }

    fn recent_wanted(&self) -> i64 {
        i64::from(self.height.unwrap_or(DEFAULT_HEIGHT)).clamp(1, PAGE)
    }

    fn filter(&self) -> Option<&str> {
        let f = self.filters[self.screen.index()].trim();
        (!f.is_empty()).then_some(f)
    }

    fn members_load(&self, offset: i64, select: Option<i64>) -> Load {
        Load::Members {
            search: self.filter().map(str::to_string),
            at: At { offset, select },
        }
    }

    fn merchants_load(&self, offset: i64, select: Option<i64>) -> Load {
        Load::Merchants {
            at: At { offset, select },
        }
    }

    fn payments_load(&self, offset: i64, select: Option<i64>) -> Load {
        // The filter text names a member (id or email) or a merchant (id or code).
        let f = self.filter().map(str::to_string);
        let (member, merchant) = match f {
            Some(t) if t.starts_with("mer_") || (!t.contains('@') && !t.starts_with("mem_")) => {
                (None, Some(t))
            }
            Some(t) => (Some(t), None),
            None => (None, None),
        };
        Load::Payments {
            query: PaymentQuery {
                member,
                merchant,
                status: PAYMENT_FILTERS[self.payment_status].map(str::to_string),
            },
            at: At { offset, select },
        }
    }

    fn settlements_load(&self, offset: i64, select: Option<i64>) -> Load {
        // The filter text names a merchant (id or code).
        Load::Settlements {
            merchant: self.filter().map(str::to_string),
            at: At { offset, select },
        }
    }

    /// The newest events (`before` = None), or older ones to append.
    fn events_load(&self, before: Option<i64>, select: Option<i64>) -> Load {
        let query = match self.filter() {
            // `member-mem_1`-style text is a stream, anything else a kind.
            Some(f) if f.contains('-') => EventQuery {
                stream: Some(f.to_string()),
                ..EventQuery::default()
            },
            Some(f) => EventQuery {
                kind: Some(f.to_string()),
                ..EventQuery::default()
            },
            None => EventQuery::default(),
        };
        Load::Events {
            query,
            before,
            select,
        }
    }

    fn loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        let screen = match loaded {
            Loaded::Currency(c) => {
                self.currency = c;
                return Vec::new();
            }
            Loaded::Dashboard(figures, recent) => {
                self.dashboard = *figures;
                self.recent_events = recent;
                self.dashboard_of = self.data_version;
                return Vec::new();
            }
            Loaded::Detail(d) => {
                self.detail = Some(d);
                return Vec::new();
            }
            Loaded::Members(at, rows) => {
                self.members.fill(at, rows);
                Screen::Members
            }
            Loaded::Merchants(at, rows) => {
                self.merchants.fill(at, rows);
                Screen::Merchants
            }
            Loaded::Payments(at, rows) => {
                self.payments.fill(at, rows);
                Screen::Payments
            }
            Loaded::Settlements(at, rows) => {
                self.settlements.fill(at, rows);
                Screen::Settlements
            }
            Loaded::Events {
                before,
                select,
                rows,
            } => {
                self.events_in(before, select, rows);
                Screen::Events
            }
        };
        // A detail pane never shows a stale figure as current.
        if screen == self.screen && self.detail.is_some() {
            self.open_detail()
        } else {
            Vec::new()
        }
    }

    /// Events read from the newest (`before` = None), or older ones appended.
    fn events_in(&mut self, before: Option<i64>, select: Option<i64>, rows: Vec<EventRow>) {
        if before.is_none() {
            let keep = self.events.current().map(|e| e.seq);
            self.events.rows = rows;
            self.events.offset = 0;
            if self.follow {
                self.events.selected = 0;
            } else if let Some(seq) = keep {
                self.events.selected = self
                    .events
                    .rows
                    .iter()
                    .position(|e| e.seq == seq)
                    .unwrap_or(0);
            }
        } else {
            self.events.rows.extend(rows);
            if self.events.rows.len() > MAX_EVENTS {
                let cut = self.events.rows.len() - MAX_EVENTS;
                self.events.rows.drain(..cut);
                self.events.selected = self.events.selected.saturating_sub(cut);
            }
        }
        if let Some(target) = select {
            self.select_event(target);
        }
        self.events.clamp();
    }

    /// Selects the event at `target` (clamped to the rows); scrolling away from the newest stops
    /// following.
    fn select_event(&mut self, target: i64) {
        let len = self.events.rows.len() as i64;
        self.events.selected = usize::try_from(target.clamp(0, (len - 1).max(0))).unwrap_or(0);
        self.follow = self.events.selected == 0 && self.follow;
    }

    fn load_failed(&mut self, load: Load, e: Error) -> Vec<Effect> {
        // A filter naming no member or merchant shows an empty list and says why.
        let screen = match load {
            Load::Payments { at, .. } if e.code == ErrorCode::NotFound => {
                self.payments.fill(at, Vec::new());
                Screen::Payments
            }
            Load::Settlements { at, .. } if e.code == ErrorCode::NotFound => {
                self.settlements.fill(at, Vec::new());
                Screen::Settlements
            }
            _ => {
                self.set_failure(&e);
                return Vec::new();
            }
        };
        self.set_error(&format!("filter: {}", e.message));
        if screen == self.screen && self.detail.is_some() {
            self.open_detail()
        } else {
            Vec::new()
        }
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
                self.set_error(&format!("demo data set: {n} malformed lines"))
            }
            Err(e) => {
                self.set_failure(&e);
                return Vec::new();
            }
        }
        self.changed()
    }

    /// Effects that load the detail of the selection (the event pane needs none).
    fn open_detail(&mut self) -> Vec<Effect> {
        let load = match self.screen {
            Screen::Members => self.members.current().map(|m| Load::Member(m.id.clone())),
            Screen::Merchants => self
                .merchants
                .current()
                .map(|m| Load::Merchant(m.id.clone())),
            Screen::Payments => self.payments.current().map(|p| Load::Payment(p.id.clone())),
            Screen::Settlements => self
                .settlements
                .current()
                .map(|s| Load::Settlement(s.id.clone())),
            Screen::Events => {
                self.detail = self
                    .events
                    .current()
                    .cloned()
                    .map(|e| Detail::Event(Box::new(e)));
                return Vec::new();
            }
            Screen::Dashboard => None,
        };
        match load {
            Some(load) => vec![Effect::Load(load)],
            None => {
                self.detail = None;
                Vec::new()
            }
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

    /// A taller screen than the latest events were loaded for loads them again.
    fn resize(&mut self, rows: u16) -> Vec<Effect> {
        let before = self.recent_wanted();
        self.height = Some(rows);
        if self.recent_wanted() > before {
            self.dashboard_of = None;
            if self.screen == Screen::Dashboard {
                return self.refresh();
            }
        }
        Vec::new()
    }

    fn key(&mut self, input: Input) -> Vec<Effect> {
        if input == Input::Interrupt {
            self.quit = true;
            return Vec::new();
        }
        if self.form.is_some() {
            return self.form_key(input);
        }
        if let Some(text) = &mut self.search_input {
            match input {
                Input::Enter => {
                    let f = std::mem::take(text);
                    self.search_input = None;
                    self.filters[self.screen.index()] = f;
                    self.reset_list();
                    return self.refresh();
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
                if self.detail.is_some() {
                    self.detail = None;
                } else if !self.filters[self.screen.index()].is_empty() {
                    self.filters[self.screen.index()].clear();
                    self.reset_list();
                    return self.refresh();
                } else if input == Input::Char('q') || self.screen == Screen::Dashboard {
                    self.quit = true;
                } else {
                    return self.goto(Screen::Dashboard);
                }
            }
            Input::Tab => return self.goto(Screen::ALL[(self.screen.index() + 1) % 6]),
            Input::BackTab => return self.goto(Screen::ALL[(self.screen.index() + 5) % 6]),
            Input::Char(c @ '1'..='6') => {
                let i = (c as usize) - ('1' as usize);
                return self.goto(Screen::ALL[i]);
            }
            // Merchants are few and not searchable: a filter there would filter nothing.
            Input::Char('/') if !matches!(self.screen, Screen::Dashboard | Screen::Merchants) => {
                self.search_input = Some(self.filters[self.screen.index()].clone());
            }
            Input::Up | Input::Char('k') => return self.move_by(-1),
            Input::Down | Input::Char('j') => return self.move_by(1),
            Input::PageUp => return self.move_by(-20),
            Input::PageDown => return self.move_by(20),
            Input::Home | Input::Char('g') => {
                self.reset_list();
                return self.refresh();
            }
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

    fn reset_list(&mut self) {
        match self.screen {
            Screen::Members => self.members = Paged::default(),
            Screen::Merchants => self.merchants = Paged::default(),
            Screen::Payments => self.payments = Paged::default(),
            Screen::Settlements => self.settlements = Paged::default(),
            Screen::Events => self.events = Paged::default(),
            Screen::Dashboard => {}
        }
        self.detail = None;
    }

    /// Moves the selection, paging in rows past either end of what is loaded.
    fn move_by(&mut self, delta: i64) -> Vec<Effect> {
        let (step, load): (Step, PageLoad) = match self.screen {
            Screen::Dashboard => return Vec::new(),
            Screen::Members => (self.members.step(delta), App::members_load),
            Screen::Merchants => (self.merchants.step(delta), App::merchants_load),
            Screen::Payments => (self.payments.step(delta), App::payments_load),
            Screen::Settlements => (self.settlements.step(delta), App::settlements_load),
            Screen::Events => return self.move_event(delta),
        };
        match step {
            Step::Within(row) => {
                match self.screen {
                    Screen::Members => self.members.selected = row,
                    Screen::Merchants => self.merchants.selected = row,
                    Screen::Payments => self.payments.selected = row,
                    Screen::Settlements => self.settlements.selected = row,
                    Screen::Dashboard | Screen::Events => {}
                }
                self.reopen_detail()
            }
            Step::Load(at) => vec![Effect::Load(load(self, at.offset, at.select))],
        }
    }

    /// Events page in only towards older ones (the newest come with a refresh).
    fn move_event(&mut self, delta: i64) -> Vec<Effect> {
        let target = self.events.selected as i64 + delta;
        match self.events.rows.last() {
            Some(last) if target >= self.events.rows.len() as i64 => {
                vec![Effect::Load(self.events_load(Some(last.seq), Some(target)))]
            }
            _ => {
                self.select_event(target);
                self.reopen_detail()
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

    fn prefill(&self) -> Prefill {
        let detail_member = match &self.detail {
            Some(Detail::Member(d)) => Some(d.member.id.clone()),
            _ => None,
        };
        Prefill {
            member: detail_member.or_else(|| match self.screen {
                Screen::Members => self.members.current().map(|m| m.id.clone()),
                Screen::Payments => self.payments.current().map(|p| p.member.clone()),
                _ => None,
            }),
            merchant: match self.screen {
                Screen::Merchants => self.merchants.current().map(|m| m.code.clone()),
                Screen::Payments => self.payments.current().map(|p| p.merchant.clone()),
                _ => None,
            },
            payment: match self.screen {
                Screen::Payments => self.payments.current().map(|p| p.id.clone()),
                _ => None,
            },
        }
    }

    fn screen_key(&mut self, c: char) -> Vec<Effect> {
        let action = match (self.screen, c) {
            (Screen::Members, 'n') | (Screen::Dashboard, 'n') => Some(Action::RegisterMember),
            (Screen::Members, 'l') => Some(Action::LinkBank),
            (Screen::Members, 'c') => Some(Action::Recharge),
            (Screen::Members, 'w') => Some(Action::Withdraw),
            (Screen::Members, 't') => Some(Action::Remit),
            (Screen::Members | Screen::Payments, 'p') => Some(Action::Pay),
            (Screen::Members | Screen::Payments, 'h') => Some(Action::Hold),
            (Screen::Merchants, 'n') => Some(Action::RegisterMerchant),
            (Screen::Merchants, 's') | (Screen::Settlements, 's') => Some(Action::Settle),
            (Screen::Payments, 'c') => Some(Action::Capture),
            (Screen::Payments, 'v') => Some(Action::Void),
            (Screen::Payments, 'r') => Some(Action::Refund),
            (Screen::Payments, 'f') => {
                self.payment_status = (self.payment_status + 1) % PAYMENT_FILTERS.len();
                self.reset_list();
                return self.refresh();
            }
            (Screen::Events, 'f') => {
                self.follow = !self.follow;
                return if self.follow {
                    vec![Effect::Load(self.events_load(None, None))]
                } else {
                    Vec::new()
                };
            }
            (Screen::Dashboard, 'd') if self.is_empty_store() => return vec![Effect::LoadDemo],
            _ => None,
        };
        if let Some(a) = action {
            let pre = if self.screen == Screen::Settlements {
                Prefill::default()
            } else {
                self.prefill()
            };
            self.form = Some(Form::new(a, &pre));
        }
        Vec::new()
    }

    fn form_key(&mut self, input: Input) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            return Vec::new();
        };
        if form.confirming.is_some() {
            match input {
                Input::Char('y') | Input::Char('Y') => {
                    let valid = form.validate(self.currency);
                    self.form = None;
                    if let Ok((command, summary)) = valid {
                        return vec![Effect::Execute { command, summary }];
                    }
                }
                Input::Char('n') | Input::Char('N') | Input::Esc => form.confirming = None,
                _ => {}
            }
            return Vec::new();
        }
        let n = form.fields.len();
        match input {
            Input::Esc => self.form = None,
            Input::Tab | Input::Down => form.focus = (form.focus + 1) % n,
            Input::BackTab | Input::Up => form.focus = (form.focus + n - 1) % n,
            Input::Backspace => {
                if let Some(f) = form.fields.get_mut(form.focus) {
                    f.value.pop();
                }
                form.error = None;
            }
            Input::Char(c) => {
                if let Some(f) = form.fields.get_mut(form.focus) {
                    if f.value.chars().count() < 200 {
                        f.value.push(c);
                    }
                }
                form.error = None;
            }
            Input::Enter => match form.validate(self.currency) {
                Ok((_, summary)) => {
                    form.error = None;
                    form.confirming = Some(summary);
                }
                Err((field, message)) => {
                    form.focus = field;
                    form.error = Some((field, message));
                }
            },
            _ => {}
        }
        Vec::new()
    }
}
