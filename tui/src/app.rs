//! The console's state and its `update`. Nothing here draws; `view` renders `&App`.

use std::time::{SystemTime, UNIX_EPOCH};

use payctl_core::clock::{self, Timestamp};
use payctl_core::domain::Command;
use payctl_core::money::Currency;
use payctl_core::queries::{
    Dashboard, EventQuery, EventRow, Link, Member, Merchant, Page, Payment, PaymentQuery,
    Settlement, WalletEntry,
};
use payctl_core::{Context, Engine, Result};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Key(Input),
    /// Time passed: poll for other processes' writes.
    Tick,
    /// The terminal's size (columns, rows): at start and whenever it changes.
    Resize(u16, u16),
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

pub struct App {
    engine: Engine,
    actor: String,
    clock: Box<dyn Fn() -> Timestamp>,
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
    data_version: i64,
    /// The `data_version` the dashboard was loaded at (None: load it on the next refresh).
    dashboard_of: Option<i64>,
    actions_run: u64,
}

impl App {
    /// A console over `engine`; `clock` gives "now" for reads (the wall clock in real use, fixed
    /// in tests).
    pub fn new(engine: Engine, actor: &str, clock: Box<dyn Fn() -> Timestamp>) -> Result<App> {
        let currency = engine.settings_or_default()?.currency;
        let data_version = engine.data_version()?;
        let mut app = App {
            engine,
            actor: actor.to_string(),
            clock,
            currency,
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
            data_version,
            dashboard_of: None,
            actions_run: 0,
        };
        app.refresh()?;
        Ok(app)
    }

    pub fn is_empty_store(&self) -> bool {
        self.dashboard.events <= 1
    }

    fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Reloads what the current screen shows (and the dashboard's figures).
    pub fn refresh(&mut self) -> Result<()> {
        self.currency = self.engine.settings_or_default()?.currency;
        match self.screen {
            // The dashboard's aggregates scan recent history (about 15 ms at 1.5M events):
            // loaded again only when the store changed since (another process's commit moves
            // `data_version`; this console's own writes clear `dashboard_of`).
            Screen::Dashboard if self.dashboard_of != Some(self.data_version) => {
                self.dashboard = self.engine.dashboard(14)?;
                // As many as the screen has rows: the panel shows fewer, never an empty row.
                self.recent_events = self.engine.events_newest(
                    &EventQuery::default(),
                    None,
                    self.recent_wanted(),
                )?;
                self.dashboard_of = Some(self.data_version);
            }
            Screen::Dashboard => {}
            Screen::Members => self.load_members(self.members.offset)?,
            Screen::Merchants => self.load_merchants(self.merchants.offset)?,
            Screen::Payments => self.load_payments(self.payments.offset)?,
            Screen::Settlements => self.load_settlements(self.settlements.offset)?,
            Screen::Events => self.load_events(None)?,
        }
        // A detail pane never shows a stale figure as current.
        if self.detail.is_some() {
            self.open_detail()?;
        }
        Ok(())
    }

    fn recent_wanted(&self) -> i64 {
        i64::from(self.height.unwrap_or(DEFAULT_HEIGHT)).clamp(1, PAGE)
    }

    fn filter(&self) -> Option<&str> {
        let f = self.filters[self.screen.index()].trim();
        (!f.is_empty()).then_some(f)
    }

    fn load_members(&mut self, offset: i64) -> Result<()> {
        let search = self.filter().map(str::to_string);
        self.members.rows = self.engine.members(
            search.as_deref(),
            Page {
                limit: PAGE,
                offset,
            },
            self.now(),
        )?;
        self.members.offset = offset;
        self.members.clamp();
        Ok(())
    }

    fn load_merchants(&mut self, offset: i64) -> Result<()> {
        self.merchants.rows = self.engine.merchants(Page {
            limit: PAGE,
            offset,
        })?;
        self.merchants.offset = offset;
        self.merchants.clamp();
        Ok(())
    }

    fn payment_query(&self) -> PaymentQuery {
        // The filter text names a member (id or email) or a merchant (id or code).
        let f = self.filter().map(str::to_string);
        let (member, merchant) = match f {
            Some(t) if t.starts_with("mer_") || (!t.contains('@') && !t.starts_with("mem_")) => {
                (None, Some(t))
            }
            Some(t) => (Some(t), None),
            None => (None, None),
        };
        PaymentQuery {
            member,
            merchant,
            status: PAYMENT_FILTERS[self.payment_status].map(str::to_string),
        }
    }

    fn load_payments(&mut self, offset: i64) -> Result<()> {
        let q = self.payment_query();
        self.payments.rows = match self.engine.payments(
            &q,
            Page {
                limit: PAGE,
                offset,
            },
            self.now(),
        ) {
            Ok(rows) => rows,
            Err(e) if e.code == payctl_core::ErrorCode::NotFound => {
                self.set_error(&format!("filter: {}", e.message));
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        self.payments.offset = offset;
        self.payments.clamp();
        Ok(())
    }

    fn load_settlements(&mut self, offset: i64) -> Result<()> {
        // The filter text names a merchant (id or code).
        let merchant = self.filter().map(str::to_string);
        let page = Page {
            limit: PAGE,
            offset,
        };
        self.settlements.rows = match self.engine.settlements(merchant.as_deref(), page) {
            Ok(rows) => rows,
            Err(e) if e.code == payctl_core::ErrorCode::NotFound => {
                self.set_error(&format!("filter: {}", e.message));
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        self.settlements.offset = offset;
        self.settlements.clamp();
        Ok(())
    }

    fn event_query(&self) -> EventQuery {
        match self.filter() {
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
        }
    }

    /// From the newest (`before` = None), or appending older ones.
    fn load_events(&mut self, before: Option<i64>) -> Result<()> {
        let q = self.event_query();
        let rows = self.engine.events_newest(&q, before, PAGE)?;
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
        self.events.clamp();
        Ok(())
    }

    fn open_detail(&mut self) -> Result<()> {
        let now = self.now();
        self.detail = match self.screen {
            Screen::Members => match self.members.current() {
                Some(m) => {
                    let id = m.id.clone();
                    let member = self.engine.member(&id, now)?;
                    let links = self.engine.links(
                        Some(&id),
                        Page {
                            limit: 20,
                            offset: 0,
                        },
                    )?;
                    let history = self.engine.history(
                        &id,
                        Page {
                            limit: 30,
                            offset: 0,
                        },
                    )?;
                    let q = PaymentQuery {
                        member: Some(id.clone()),
                        ..PaymentQuery::default()
                    };
                    let payments = self.engine.payments(
                        &q,
                        Page {
                            limit: 15,
                            offset: 0,
                        },
                        now,
                    )?;
                    Some(Detail::Member(Box::new(MemberDetail {
                        member,
                        links,
                        history,
                        payments,
                    })))
                }
                None => None,
            },
            Screen::Merchants => match self.merchants.current() {
                Some(m) => Some(Detail::Merchant(Box::new(self.engine.merchant(&m.id)?))),
                None => None,
            },
            Screen::Payments => match self.payments.current() {
                Some(p) => Some(Detail::Payment(Box::new(self.engine.payment(&p.id, now)?))),
                None => None,
            },
            Screen::Settlements => match self.settlements.current() {
                Some(s) => Some(Detail::Settlement(Box::new(self.engine.settlement(&s.id)?))),
                None => None,
            },
            Screen::Events => self
                .events
                .current()
                .cloned()
                .map(|e| Detail::Event(Box::new(e))),
            Screen::Dashboard => None,
        };
        Ok(())
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

    /// Handles one message. Engine failures end up in the status line, never as a panic.
    pub fn update(&mut self, msg: Msg) {
        let result = match msg {
            Msg::Tick => self.poll(),
            Msg::Key(input) => self.key(input),
            Msg::Resize(_, rows) => self.resize(rows),
        };
        if let Err(e) = result {
            self.set_error(&format!("{}: {}", e.code, e.message));
        }
    }

    /// A taller screen than the latest events were loaded for loads them again.
    fn resize(&mut self, rows: u16) -> Result<()> {
        let before = self.recent_wanted();
        self.height = Some(rows);
        if self.recent_wanted() > before {
            self.dashboard_of = None;
            if self.screen == Screen::Dashboard {
                self.refresh()?;
            }
        }
        Ok(())
    }

    /// Another process wrote? Then reload what is on screen.
    fn poll(&mut self) -> Result<()> {
        let v = self.engine.data_version()?;
        if v != self.data_version {
            self.data_version = v;
            self.refresh()?;
        }
        Ok(())
    }

    fn key(&mut self, input: Input) -> Result<()> {
        if input == Input::Interrupt {
            self.quit = true;
            return Ok(());
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
                    self.refresh()?;
                }
                Input::Esc => self.search_input = None,
                Input::Backspace => {
                    text.pop();
                }
                Input::Char(c) if text.chars().count() < 100 => text.push(c),
                _ => {}
            }
            return Ok(());
        }
        if self.help {
            if matches!(
                input,
                Input::Esc | Input::Char('q') | Input::Char('?') | Input::Enter
            ) {
                self.help = false;
            }
            return Ok(());
        }
        match input {
            Input::Char('?') => self.help = true,
            Input::Esc | Input::Char('q') => {
                if self.detail.is_some() {
                    self.detail = None;
                } else if !self.filters[self.screen.index()].is_empty() {
                    self.filters[self.screen.index()].clear();
                    self.reset_list();
                    self.refresh()?;
                } else if input == Input::Char('q') || self.screen == Screen::Dashboard {
                    self.quit = true;
                } else {
                    self.goto(Screen::Dashboard)?;
                }
            }
            Input::Tab => self.goto(Screen::ALL[(self.screen.index() + 1) % 6])?,
            Input::BackTab => self.goto(Screen::ALL[(self.screen.index() + 5) % 6])?,
            Input::Char(c @ '1'..='6') => {
                let i = (c as usize) - ('1' as usize);
                self.goto(Screen::ALL[i])?;
            }
            // Merchants are few and not searchable: a filter there would filter nothing.
            Input::Char('/') if !matches!(self.screen, Screen::Dashboard | Screen::Merchants) => {
                self.search_input = Some(self.filters[self.screen.index()].clone());
            }
            Input::Up | Input::Char('k') => self.move_by(-1)?,
            Input::Down | Input::Char('j') => self.move_by(1)?,
            Input::PageUp => self.move_by(-20)?,
            Input::PageDown => self.move_by(20)?,
            Input::Home | Input::Char('g') => {
                self.reset_list();
                self.refresh()?;
            }
            Input::End | Input::Char('G') => self.move_by(i64::from(u16::MAX))?,
            Input::Enter => {
                if self.detail.is_some() {
                    self.detail = None;
                } else {
                    self.open_detail()?;
                }
            }
            Input::Char(c) => self.screen_key(c)?,
            _ => {}
        }
        Ok(())
    }

    fn goto(&mut self, screen: Screen) -> Result<()> {
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
    fn move_by(&mut self, delta: i64) -> Result<()> {
        macro_rules! paged {
            ($list:ident, $load:ident) => {{
                let len = self.$list.rows.len() as i64;
                let target = self.$list.selected as i64 + delta;
                if target >= len && len == PAGE {
                    let new_offset = self.$list.offset + len / 2;
                    let abs = self.$list.offset + target.min(len + PAGE / 2 - 1);
                    self.$load(new_offset)?;
                    self.$list.selected = (abs - new_offset).max(0) as usize;
                } else if target < 0 && self.$list.offset > 0 {
                    let new_offset = (self.$list.offset - PAGE / 2).max(0);
                    let abs = (self.$list.offset + target).max(0);
                    self.$load(new_offset)?;
                    self.$list.selected = (abs - new_offset).max(0) as usize;
                } else {
                    self.$list.selected = target.clamp(0, (len - 1).max(0)) as usize;
                }
                self.$list.clamp();
            }};
        }
        match self.screen {
            Screen::Dashboard => {}
            Screen::Members => paged!(members, load_members),
            Screen::Merchants => paged!(merchants, load_merchants),
            Screen::Payments => paged!(payments, load_payments),
            Screen::Settlements => paged!(settlements, load_settlements),
            Screen::Events => {
                let len = self.events.rows.len() as i64;
                let target = self.events.selected as i64 + delta;
                if target >= len {
                    if let Some(last) = self.events.rows.last().map(|e| e.seq) {
                        self.load_events(Some(last))?;
                    }
                }
                let len = self.events.rows.len() as i64;
                self.events.selected = target.clamp(0, (len - 1).max(0)) as usize;
                // Scrolling away from the newest stops following.
                self.follow = self.events.selected == 0 && self.follow;
            }
        }
        if self.detail.is_some() {
            self.open_detail()?;
        }
        Ok(())
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

    fn screen_key(&mut self, c: char) -> Result<()> {
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
                self.refresh()?;
                None
            }
            (Screen::Events, 'f') => {
                self.follow = !self.follow;
                if self.follow {
                    self.load_events(None)?;
                }
                None
            }
            (Screen::Dashboard, 'd') if self.is_empty_store() => {
                self.load_demo()?;
                None
            }
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
        Ok(())
    }

    fn form_key(&mut self, input: Input) -> Result<()> {
        let Some(form) = &mut self.form else {
            return Ok(());
        };
        if form.confirming.is_some() {
            match input {
                Input::Char('y') | Input::Char('Y') => {
                    let valid = form.validate(self.currency);
                    self.form = None;
                    if let Ok((command, summary)) = valid {
                        self.run_action(&command, &summary)?;
                    }
                }
                Input::Char('n') | Input::Char('N') | Input::Esc => form.confirming = None,
                _ => {}
            }
            return Ok(());
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
        Ok(())
    }

    /// Loads the demo data set (`payctl demo`'s default) through the import path.
    fn load_demo(&mut self) -> Result<()> {
        struct Quiet;
        impl payctl_core::import::ImportObserver for Quiet {}
        let io = |e: std::io::Error| payctl_core::Error::internal(format!("demo data set: {e}"));
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
        match self
            .engine
            .import(file.path(), format, &options, &mut Quiet)?
        {
            Ok(s) => self.set_info(&format!(
                "Demo data set loaded: {} operations ({} applied, {} refused on purpose)",
                s.operations, s.applied, s.rejected
            )),
            Err((n, _)) => self.set_error(&format!("demo data set: {n} malformed lines")),
        }
        self.data_version = self.engine.data_version()?;
        self.dashboard_of = None;
        self.refresh()
    }

    /// Runs a confirmed action through the engine, like a CLI command with its own key.
    fn run_action(&mut self, command: &Command, summary: &str) -> Result<()> {
        self.actions_run += 1;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let ctx = Context {
            at: None,
            actor: self.actor.clone(),
            idempotency_key: Some(format!(
                "tui-{}-{nanos}-{}",
                std::process::id(),
                self.actions_run
            )),
        };
        let outcome = self.engine.execute(command, &ctx)?;
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
        self.data_version = self.engine.data_version()?;
        self.dashboard_of = None;
        self.refresh()
    }

    /// "now" as the console shows it.
    pub fn now_text(&self) -> String {
        clock::to_display(self.now())
    }
}
