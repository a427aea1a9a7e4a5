//! The dashboard: platform totals, what merchants are owed, payments per day, and the latest
//! events filling the rest of the screen. Panels are as wide as their figures need.

use payctl_core::queries::{Dashboard as Figures, EventRow};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline, Table, Wrap};

use super::Browse;
use super::events::{EVENTS, event_cells};
use super::list::{PAGE, empty_note};
use crate::app::App;
use crate::columns::{self, Column};
use crate::effect::Load;
use crate::style::{ACCENT, block, header_style};
use crate::text::{amount, clean, money, width_of};

/// Terminal rows assumed until the loop reports the real size.
const DEFAULT_HEIGHT: u16 = 50;

/// Narrower than this, the charts give their room to the figures.
const CHART_MIN: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub figures: Figures,
    /// The latest events, newest first.
    pub recent: Vec<EventRow>,
    /// Terminal rows, once known: how many latest events to read.
    pub height: Option<u16>,
    /// The change signal the figures were read at (None: read them on the next refresh).
    loaded_at: Option<i64>,
}

impl Dashboard {
    /// A store with nothing in it but its settings.
    pub fn is_empty_store(&self) -> bool {
        self.figures.events <= 1
    }

    /// As many latest events as the screen has rows: the panel shows fewer, never an empty row.
    fn recent_wanted(&self) -> i64 {
        i64::from(self.height.unwrap_or(DEFAULT_HEIGHT)).clamp(1, PAGE)
    }

    /// The figures and latest events read at the change signal `version`.
    pub fn fill(&mut self, figures: Figures, recent: Vec<EventRow>, version: Option<i64>) {
        self.figures = figures;
        self.recent = recent;
        self.loaded_at = version;
    }

    /// This console wrote: the figures are read again on the next refresh.
    pub fn forget(&mut self) {
        self.loaded_at = None;
    }

    /// The terminal is `rows` tall now; true when that wants more latest events than were read
    /// (the figures are then read again on the next refresh).
    pub fn resize(&mut self, rows: u16) -> bool {
        let before = self.recent_wanted();
        self.height = Some(rows);
        let taller = self.recent_wanted() > before;
        if taller {
            self.forget();
        }
        taller
    }
}

impl Browse for Dashboard {
    /// The aggregates scan recent history: read again only when the store changed since (another
    /// process's commit moves the change signal; this console's own writes `forget` them).
    fn refresh(&self, version: Option<i64>) -> Option<Load> {
        (self.loaded_at.is_none() || self.loaded_at != version).then(|| Load::Dashboard {
            days: 14,
            recent: self.recent_wanted(),
        })
    }
}

const PLATFORM: [Column; 2] = [Column::label("", 1), Column::number("", 0)];

const UNSETTLED: [Column; 3] = [
    Column::label("MERCHANT", 0),
    Column::text("CODE", 4, 2),
    Column::number("UNSETTLED", 1),
];

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let d = &app.dashboard.figures;
    let c = app.currency;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(12), Constraint::Min(4)])
        .split(area);
    let platform: Vec<Vec<String>> = [
        (
            "Members",
            format!("{} ({} active)", d.members, d.active_members),
        ),
        ("Merchants", d.merchants.to_string()),
        ("Wallet float", amount(d.float, c)),
        ("House bank", amount(d.house, c)),
        ("Fees earned", amount(d.fees, c)),
        ("Events", d.events.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_string(), v])
    .collect();
    let unsettled: Vec<Vec<String>> = d
        .unsettled
        .iter()
        .map(|(id, code, v)| vec![id.clone(), clean(code), amount(*v, c)])
        .collect();
    // Each panel at least its share of the row, more when its figures need it; the charts take
    // what is left, or give it up when too narrow.
    let width = usize::from(rows[0].width);
    let platform_w = (width * 34 / 100)
        .max(columns::natural_width(&PLATFORM, &platform) + 2)
        .min(width);
    let wanted = (width * 33 / 100).max(columns::natural_width(&UNSETTLED, &unsettled) + 2);
    let (unsettled_w, chart_w) = if platform_w + wanted + CHART_MIN <= width {
        (wanted, width - platform_w - wanted)
    } else {
        (width - platform_w, 0)
    };
    let len = |w: usize| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX));
    let top = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([len(platform_w), len(unsettled_w), len(chart_w)])
        .split(rows[0]);

    let plan = columns::plan(&PLATFORM, &platform, platform_w.saturating_sub(2));
    let mut lines: Vec<Line> = platform.iter().map(|r| Line::from(plan.line(r))).collect();
    if app.dashboard.is_empty_store() {
        lines.push(Line::from(Span::styled(
            "Empty: press d for demo data",
            Style::default().fg(Color::Yellow),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(&format!("Platform · {c}"), top[0].width)),
        top[0],
    );

    let plan = columns::plan(&UNSETTLED, &unsettled, unsettled_w.saturating_sub(2));
    let table_rows: Vec<_> = unsettled.iter().map(|r| plan.row(r)).collect();
    frame.render_widget(
        Table::new(table_rows, plan.constraints())
            .header(plan.header(header_style()))
            .block(block("Unsettled", top[1].width)),
        top[1],
    );
    if unsettled.is_empty() {
        empty_note(frame, top[1], "nothing unsettled");
    }
    if chart_w > 0 {
        charts(app, frame, top[2]);
    }

    let events: Vec<Vec<String>> = app.dashboard.recent.iter().map(event_cells).collect();
    let plan = columns::plan(
        &EVENTS,
        &events,
        usize::from(rows[1].width.saturating_sub(2)),
    );
    let table_rows: Vec<_> = events.iter().map(|r| plan.row(r)).collect();
    frame.render_widget(
        Table::new(table_rows, plan.constraints())
            .header(plan.header(header_style()))
            .block(block("Latest events (live)", rows[1].width)),
        rows[1],
    );
    if events.is_empty() {
        empty_note(frame, rows[1], "no events yet");
    }
}

/// Payments per day as bars, volume per day as a sparkline.
fn charts(app: &App, frame: &mut Frame, area: Rect) {
    let d = &app.dashboard.figures;
    let bars: Vec<Bar> = d
        .daily
        .iter()
        .map(|(day, count, _)| {
            Bar::default()
                .value(u64::try_from(*count).unwrap_or(0))
                .label(Line::from(day.get(8..10).unwrap_or(day).to_string()))
        })
        .collect();
    let chart = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(4), Constraint::Length(3)])
        .split(area);
    frame.render_widget(
        BarChart::default()
            .block(block("Payments per day", chart[0].width))
            .data(BarGroup::default().bars(&bars))
            .bar_width(3)
            .bar_gap(1)
            .bar_style(Style::default().fg(ACCENT)),
        chart[0],
    );
    // Volume per day, same days; the title carries the latest day's figure when it fits whole.
    let volumes: Vec<u64> = d
        .daily
        .iter()
        .map(|(_, _, v)| u64::try_from(v.trunc().mantissa()).unwrap_or(0))
        .collect();
    let mut title = "Volume".to_string();
    if let Some((_, _, v)) = d.daily.last() {
        let full = format!("Volume · last day {}", money(*v, app.currency));
        if width_of(&full) + 4 <= usize::from(chart[1].width) {
            title = full;
        }
    }
    frame.render_widget(
        Sparkline::default()
            .block(block(&title, chart[1].width))
            .data(&volumes)
            .style(Style::default().fg(Color::Green)),
        chart[1],
    );
}
