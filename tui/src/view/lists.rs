//! The list screens (members, merchants, payments, settlements, events): a table sized to the
//! values it holds, and the selection's detail beside it when open.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Table, TableState};

use super::{block, detail, dim, header_style};
use crate::app::{App, PAYMENT_FILTERS, Screen};
use crate::columns::{self, Column};
use crate::text::{amount, clean};

/// A list on the left, its detail on the right when open.
fn split_detail(app: &App, area: Rect) -> (Rect, Option<Rect>) {
    if app.detail.is_some() {
        let parts = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
            .split(area);
        (parts[0], Some(parts[1]))
    } else {
        (area, None)
    }
}

/// The filter typed with `/` on the current screen, if any.
fn filter(app: &App) -> &str {
    let i = Screen::ALL
        .iter()
        .position(|s| *s == app.screen)
        .unwrap_or(0);
    app.filters[i].trim()
}

fn list_title(base: &str, app: &App, offset: i64, selected: usize, extra: &str) -> String {
    let mut t = format!("{base} · #{}", offset + selected as i64 + 1);
    let f = filter(app);
    if !f.is_empty() {
        t.push_str(&format!(" · filter {:?}", clean(f)));
    }
    t.push_str(extra);
    t
}

/// What a list screen shows: its title, columns, rows (cells as text) and the selected row.
struct ListView<'a> {
    title: String,
    columns: &'a [Column],
    rows: Vec<Vec<String>>,
    selected: usize,
    /// What an empty list says.
    empty: String,
}

/// What an empty list says: "no matches" under a filter, else that there is nothing yet.
fn empty(app: &App, filtered: bool, nothing_yet: &str) -> String {
    if filtered || !filter(app).is_empty() {
        "no matches (Esc clears the filter)".to_string()
    } else {
        nothing_yet.to_string()
    }
}

/// A list screen: the table (selection highlighted) and, when open, the detail pane beside it.
fn list_screen(app: &App, frame: &mut Frame, area: Rect, view: ListView<'_>) {
    let (list, detail) = split_detail(app, area);
    let room = usize::from(list.width.saturating_sub(2));
    let plan = columns::plan(view.columns, &view.rows, room);
    let rows: Vec<_> = view.rows.iter().map(|r| plan.row(r)).collect();
    let highlight = Style::default()
        .bg(Color::DarkGray)
        .add_modifier(Modifier::BOLD);
    let table = Table::new(rows, plan.constraints())
        .header(plan.header(header_style()))
        .row_highlight_style(highlight)
        .block(block(&view.title, list.width));
    let mut state = TableState::default().with_selected(Some(view.selected));
    frame.render_stateful_widget(table, list, &mut state);
    if view.rows.is_empty() && list.height > 3 {
        let line = Rect {
            x: list.x + 1,
            y: list.y + 2,
            width: list.width.saturating_sub(2),
            height: 1,
        };
        let text = crate::text::fit(&view.empty, usize::from(line.width));
        frame.render_widget(Paragraph::new(Span::styled(text, dim())), line);
    }
    if let (Some(area), Some(d)) = (detail, &app.detail) {
        detail::render(app, d, frame, area);
    }
}

const MEMBERS: [Column; 6] = [
    Column::label("ID", 0),
    Column::text("NAME", 6, 2),
    Column::text("EMAIL", 8, 5),
    Column::number("BALANCE", 1),
    Column::number("AVAILABLE", 3),
    Column::label("STATUS", 4),
];

pub(super) fn members(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows = app
        .members
        .rows
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                clean(&m.name),
                clean(&m.email),
                amount(m.balance, c),
                amount(m.available, c),
                m.status.clone(),
            ]
        })
        .collect();
    let (offset, selected) = (app.members.offset, app.members.selected);
    let view = ListView {
        title: list_title("Members", app, offset, selected, ""),
        columns: &MEMBERS,
        rows,
        selected,
        empty: empty(app, false, "no members yet (n: register one)"),
    };
    list_screen(app, frame, area, view);
}

const MERCHANTS: [Column; 7] = [
    Column::label("ID", 0),
    Column::text("CODE", 6, 2),
    Column::text("NAME", 6, 6),
    Column::label("FEE", 5),
    Column::number("UNSETTLED", 1),
    Column::number("DEFICIT", 3),
    Column::label("LAST STL", 4),
];

pub(super) fn merchants(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows = app
        .merchants
        .rows
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                clean(&m.code),
                clean(&m.name),
                format!("{}%", m.fee_rate),
                amount(m.unsettled, c),
                amount(m.deficit, c),
                m.last_settlement.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let (offset, selected) = (app.merchants.offset, app.merchants.selected);
    let view = ListView {
        title: list_title("Merchants", app, offset, selected, ""),
        columns: &MERCHANTS,
        rows,
        selected,
        empty: empty(app, false, "no merchants yet (n: register one)"),
    };
    list_screen(app, frame, area, view);
}

const PAYMENTS: [Column; 8] = [
    Column::label("ID", 0),
    Column::text("REF", 6, 6),
    Column::label("MEMBER", 3),
    Column::label("MERCHANT", 4),
    Column::label("STATUS", 2),
    Column::number("AMOUNT", 1),
    Column::number("REFUNDED", 5),
    Column::label("STL", 7),
];

pub(super) fn payments(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows = app
        .payments
        .rows
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                clean(p.reference.as_deref().unwrap_or("")),
                p.member.clone(),
                p.merchant.clone(),
                p.status.clone(),
                amount(p.amount, c),
                amount(p.refunded, c),
                p.settlement.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let status = PAYMENT_FILTERS[app.payment_status].unwrap_or("all");
    let (offset, selected) = (app.payments.offset, app.payments.selected);
    let view = ListView {
        title: list_title(
            "Payments",
            app,
            offset,
            selected,
            &format!(" · status {status} (f)"),
        ),
        columns: &PAYMENTS,
        rows,
        selected,
        empty: empty(app, app.payment_status != 0, "no payments yet"),
    };
    list_screen(app, frame, area, view);
}

const SETTLEMENTS: [Column; 9] = [
    Column::label("ID", 0),
    Column::label("MERCHANT", 2),
    Column::label("STATUS", 4),
    Column::number("GROSS", 3),
    Column::number("REFUNDS", 6),
    Column::number("FEE", 5),
    Column::number("DEFICIT", 7),
    Column::number("PAYOUT", 1),
    Column::label("CUTOFF", 8),
];

pub(super) fn settlements(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows = app
        .settlements
        .rows
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.merchant.clone(),
                s.status.clone(),
                amount(s.gross, c),
                amount(s.refunds, c),
                amount(s.fee, c),
                amount(s.deficit, c),
                amount(s.payout, c),
                s.cutoff.get(..10).unwrap_or(&s.cutoff).to_string(),
            ]
        })
        .collect();
    let (offset, selected) = (app.settlements.offset, app.settlements.selected);
    let view = ListView {
        title: list_title("Settlements", app, offset, selected, ""),
        columns: &SETTLEMENTS,
        rows,
        selected,
        empty: empty(app, false, "no settlements yet (s: settle every merchant)"),
    };
    list_screen(app, frame, area, view);
}

/// The columns of an event list (here and on the dashboard).
pub(super) const EVENTS: [Column; 5] = [
    Column::number("SEQ", 0),
    Column::label("AT", 3),
    Column::text("STREAM", 8, 2),
    Column::label("KIND", 1),
    Column::text("ACTOR", 5, 4),
];

/// An event as the cells of `EVENTS`.
pub(super) fn event_cells(e: &payctl_core::queries::EventRow) -> Vec<String> {
    vec![
        e.seq.to_string(),
        e.effective_at.clone(),
        clean(&e.stream),
        e.kind.clone(),
        clean(&e.actor),
    ]
}

pub(super) fn events(app: &App, frame: &mut Frame, area: Rect) {
    let rows = app.events.rows.iter().map(event_cells).collect();
    let follow = if app.follow {
        " · following (f)"
    } else {
        " · paused (f)"
    };
    let selected = app.events.selected;
    let view = ListView {
        title: list_title("Events, newest first", app, 0, selected, follow),
        columns: &EVENTS,
        rows,
        selected,
        empty: empty(app, false, "no events yet"),
    };
    list_screen(app, frame, area, view);
}
