//! Drawing: `render(&App, frame)`, one function per screen. Reads the app state only.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Clear, Paragraph, Row, Sparkline, Table,
    TableState, Tabs, Wrap,
};

use crate::app::{App, Detail, Screen};
use crate::keys;
use crate::text::{amount, clean, fit, money};

const ACCENT: Color = Color::Cyan;

fn header(cells: &[&str]) -> Row<'static> {
    Row::new(cells.iter().map(|c| Cell::from(c.to_string())))
        .style(Style::default().add_modifier(Modifier::BOLD).fg(ACCENT))
}

fn block(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .split(area);
    render_tabs(app, frame, chunks[0]);
    match app.screen {
        Screen::Dashboard => dashboard(app, frame, chunks[1]),
        Screen::Members => members(app, frame, chunks[1]),
        Screen::Merchants => merchants(app, frame, chunks[1]),
        Screen::Payments => payments(app, frame, chunks[1]),
        Screen::Settlements => settlements(app, frame, chunks[1]),
        Screen::Events => events(app, frame, chunks[1]),
    }
    status_line(app, frame, chunks[2]);
    if app.help {
        help(app, frame, area);
    }
    if app.form.is_some() {
        form(app, frame, area);
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let titles: Vec<Line> = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| Line::from(format!("{} {}", i + 1, s.title())))
        .collect();
    let selected = Screen::ALL
        .iter()
        .position(|s| *s == app.screen)
        .unwrap_or(0);
    let tabs = Tabs::new(titles)
        .select(selected)
        .highlight_style(Style::default().fg(Color::Black).bg(ACCENT))
        .divider("│");
    frame.render_widget(tabs, area);
}

fn status_line(app: &App, frame: &mut Frame, area: Rect) {
    let line = if let Some(input) = &app.search_input {
        Line::from(vec![
            Span::styled("/", Style::default().fg(ACCENT)),
            Span::raw(clean(input)),
            Span::styled("█", Style::default().fg(ACCENT)),
            Span::raw("   Enter: apply  Esc: cancel"),
        ])
    } else if let Some(s) = &app.status {
        let style = if s.error {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Green)
        };
        Line::from(Span::styled(clean(&s.text), style))
    } else {
        Line::from(Span::styled(
            format!("payctl · {} · ? help · q quit", app.currency),
            Style::default().fg(Color::DarkGray),
        ))
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn dashboard(app: &App, frame: &mut Frame, area: Rect) {
    let d = &app.dashboard;
    let c = app.currency;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(12), Constraint::Min(4)])
        .split(area);
    let top = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([
            Constraint::Percentage(34),
            Constraint::Percentage(33),
            Constraint::Percentage(33),
        ])
        .split(rows[0]);
    let mut lines = vec![
        Line::from(format!(
            "Members      {} ({} active)",
            d.members, d.active_members
        )),
        Line::from(format!("Merchants    {}", d.merchants)),
        Line::from(format!("Wallet float {}", money(d.float, c))),
        Line::from(format!("House bank   {}", money(d.house, c))),
        Line::from(format!("Fees earned  {}", money(d.fees, c))),
        Line::from(format!("Events       {}", d.events)),
    ];
    if app.is_empty_store() {
        lines.push(Line::from(Span::styled(
            "Empty: press d for demo data",
            Style::default().fg(Color::Yellow),
        )));
    }
    frame.render_widget(Paragraph::new(lines).block(block("Platform")), top[0]);
    let unsettled: Vec<Row> = d
        .unsettled
        .iter()
        .map(|(id, code, v)| Row::new(vec![id.clone(), clean(code), amount(*v, c)]))
        .collect();
    frame.render_widget(
        Table::new(
            unsettled,
            [
                Constraint::Length(8),
                Constraint::Min(8),
                Constraint::Length(14),
            ],
        )
        .header(header(&["MERCHANT", "CODE", "UNSETTLED"]))
        .block(block("Unsettled")),
        top[1],
    );
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
        .split(top[2]);
    frame.render_widget(
        BarChart::default()
            .block(block("Payments per day"))
            .data(BarGroup::default().bars(&bars))
            .bar_width(3)
            .bar_gap(1)
            .bar_style(Style::default().fg(ACCENT)),
        chart[0],
    );
    // Volume per day, same days, as a sparkline; the title carries the latest day's figure.
    let volumes: Vec<u64> = d
        .daily
        .iter()
        .map(|(_, _, v)| u64::try_from(v.trunc().mantissa()).unwrap_or(0))
        .collect();
    let last = d
        .daily
        .last()
        .map(|(_, _, v)| money(*v, c))
        .unwrap_or_default();
    frame.render_widget(
        Sparkline::default()
            .block(block(&format!("Volume · last day {last}")))
            .data(&volumes)
            .style(Style::default().fg(Color::Green)),
        chart[1],
    );
    let ev: Vec<Row> = app
        .recent_events
        .iter()
        .map(|e| {
            Row::new(vec![
                e.seq.to_string(),
                e.effective_at.clone(),
                clean(&e.stream),
                e.kind.clone(),
                clean(&e.actor),
            ])
        })
        .collect();
    frame.render_widget(
        Table::new(
            ev,
            [
                Constraint::Length(8),
                Constraint::Length(21),
                Constraint::Length(24),
                Constraint::Length(22),
                Constraint::Min(6),
            ],
        )
        .header(header(&["SEQ", "AT", "STREAM", "KIND", "ACTOR"]))
        .block(block("Latest events (live)")),
        rows[1],
    );
}

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

fn list_title(base: &str, app: &App, offset: i64, selected: usize, extra: &str) -> String {
    let f = &app.filters[Screen::ALL
        .iter()
        .position(|s| *s == app.screen)
        .unwrap_or(0)];
    let mut t = format!("{base} · #{}", offset + selected as i64 + 1);
    if !f.is_empty() {
        t.push_str(&format!(" · filter {:?}", clean(f)));
    }
    t.push_str(extra);
    t
}

fn table_state(selected: usize) -> TableState {
    TableState::default().with_selected(Some(selected))
}

fn highlight() -> Style {
    Style::default()
        .bg(Color::DarkGray)
        .add_modifier(Modifier::BOLD)
}

/// What a list screen shows: its title, columns, rows and the selected row.
struct ListView<'a> {
    title: String,
    columns: &'a [&'a str],
    widths: &'a [Constraint],
    rows: Vec<Row<'a>>,
    selected: usize,
}

/// A list screen: the table (selection highlighted) and, when open, the detail pane beside it.
fn list_screen(app: &App, frame: &mut Frame, area: Rect, view: ListView<'_>) {
    let (list, detail) = split_detail(app, area);
    let table = Table::new(view.rows, view.widths.to_vec())
        .header(header(view.columns))
        .row_highlight_style(highlight())
        .block(block(&view.title));
    frame.render_stateful_widget(table, list, &mut table_state(view.selected));
    if let (Some(area), Some(d)) = (detail, &app.detail) {
        render_detail(app, d, frame, area);
    }
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

fn members(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows: Vec<Row> = app
        .members
        .rows
        .iter()
        .map(|m| {
            Row::new(vec![
                Cell::from(m.id.clone()),
                Cell::from(fit(&clean(&m.name), 20)),
                Cell::from(fit(&clean(&m.email), 26)),
                right(amount(m.balance, c)),
                right(amount(m.available, c)),
                Cell::from(m.status.clone()),
            ])
        })
        .collect();
    let (offset, selected) = (app.members.offset, app.members.selected);
    let view = ListView {
        title: list_title("Members", app, offset, selected, ""),
        columns: &["ID", "NAME", "EMAIL", "BALANCE", "AVAILABLE", "STATUS"],
        widths: &[
            Constraint::Length(9),
            Constraint::Length(20),
            Constraint::Length(26),
            Constraint::Length(13),
            Constraint::Length(13),
            Constraint::Length(8),
        ],
        rows,
        selected,
    };
    list_screen(app, frame, area, view);
}

fn merchants(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows: Vec<Row> = app
        .merchants
        .rows
        .iter()
        .map(|m| {
            Row::new(vec![
                Cell::from(m.id.clone()),
                Cell::from(fit(&clean(&m.code), 14)),
                Cell::from(fit(&clean(&m.name), 22)),
                Cell::from(format!("{}%", m.fee_rate)),
                right(amount(m.unsettled, c)),
                Cell::from(m.last_settlement.clone().unwrap_or_else(|| "-".into())),
            ])
        })
        .collect();
    let (offset, selected) = (app.merchants.offset, app.merchants.selected);
    let view = ListView {
        title: list_title("Merchants", app, offset, selected, ""),
        columns: &["ID", "CODE", "NAME", "FEE", "UNSETTLED", "LAST STL"],
        widths: &[
            Constraint::Length(8),
            Constraint::Length(14),
            Constraint::Length(22),
            Constraint::Length(7),
            Constraint::Length(13),
            Constraint::Length(10),
        ],
        rows,
        selected,
    };
    list_screen(app, frame, area, view);
}

fn payments(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows: Vec<Row> = app
        .payments
        .rows
        .iter()
        .map(|p| {
            Row::new(vec![
                Cell::from(p.id.clone()),
                Cell::from(fit(&clean(p.reference.as_deref().unwrap_or("")), 14)),
                Cell::from(p.member.clone()),
                Cell::from(p.merchant.clone()),
                Cell::from(p.status.clone()),
                right(amount(p.amount, c)),
                right(amount(p.refunded, c)),
                Cell::from(p.settlement.clone().unwrap_or_default()),
            ])
        })
        .collect();
    let status = [
        "all",
        "authorized",
        "captured",
        "unsettled",
        "voided",
        "expired",
    ][app.payment_status];
    let (offset, selected) = (app.payments.offset, app.payments.selected);
    let view = ListView {
        title: list_title(
            "Payments",
            app,
            offset,
            selected,
            &format!(" · status {status} (f)"),
        ),
        columns: &[
            "ID", "REF", "MEMBER", "MERCHANT", "STATUS", "AMOUNT", "REFUNDED", "STL",
        ],
        widths: &[
            Constraint::Length(10),
            Constraint::Length(14),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(8),
        ],
        rows,
        selected,
    };
    list_screen(app, frame, area, view);
}

fn settlements(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let rows: Vec<Row> = app
        .settlements
        .rows
        .iter()
        .map(|s| {
            Row::new(vec![
                Cell::from(s.id.clone()),
                Cell::from(s.merchant.clone()),
                Cell::from(s.status.clone()),
                right(amount(s.gross, c)),
                right(amount(s.fee, c)),
                right(amount(s.payout, c)),
                Cell::from(s.cutoff.get(..10).unwrap_or(&s.cutoff).to_string()),
            ])
        })
        .collect();
    let (offset, selected) = (app.settlements.offset, app.settlements.selected);
    let view = ListView {
        title: list_title("Settlements", app, offset, selected, ""),
        columns: &[
            "ID", "MERCHANT", "STATUS", "GROSS", "FEE", "PAYOUT", "CUTOFF",
        ],
        widths: &[
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(12),
            Constraint::Length(9),
            Constraint::Length(12),
            Constraint::Length(10),
        ],
        rows,
        selected,
    };
    list_screen(app, frame, area, view);
}

fn events(app: &App, frame: &mut Frame, area: Rect) {
    let rows: Vec<Row> = app
        .events
        .rows
        .iter()
        .map(|e| {
            Row::new(vec![
                e.seq.to_string(),
                e.effective_at.clone(),
                clean(&e.stream),
                e.kind.clone(),
                clean(&e.actor),
            ])
        })
        .collect();
    let follow = if app.follow {
        " · following (f)"
    } else {
        " · paused (f)"
    };
    let selected = app.events.selected;
    let view = ListView {
        title: list_title("Events, newest first", app, 0, selected, follow),
        columns: &["SEQ", "AT", "STREAM", "KIND", "ACTOR"],
        widths: &[
            Constraint::Length(8),
            Constraint::Length(21),
            Constraint::Length(22),
            Constraint::Length(22),
            Constraint::Min(6),
        ],
        rows,
        selected,
    };
    list_screen(app, frame, area, view);
}

fn kv(k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<13}"), Style::default().fg(ACCENT)),
        Span::raw(clean(&v)),
    ])
}

fn render_detail(app: &App, detail: &Detail, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let (title, lines): (String, Vec<Line>) = match detail {
        Detail::Member(d) => {
            let m = &d.member;
            let mut l = vec![
                kv("member", m.id.clone()),
                kv("name", m.name.clone()),
                kv("email", m.email.clone()),
                kv("address", m.address.clone().unwrap_or_default()),
                kv("status", m.status.clone()),
                kv("balance", money(m.balance, c)),
                kv("available", money(m.available, c)),
                Line::from(""),
                Line::from(Span::styled(
                    "Linked accounts",
                    Style::default().add_modifier(Modifier::BOLD),
                )),
            ];
            for k in &d.links {
                l.push(Line::from(format!(
                    "  {} {} {}{}",
                    k.id,
                    clean(&k.bank),
                    clean(&k.account),
                    if k.primary {
                        " (primary)"
                    } else if k.status != "active" {
                        " (unlinked)"
                    } else {
                        ""
                    }
                )));
            }
            l.push(Line::from(""));
            l.push(Line::from(Span::styled(
                "Wallet history",
                Style::default().add_modifier(Modifier::BOLD),
            )));
            for e in d.history.iter().take(12) {
                l.push(Line::from(format!(
                    " {} {:<11} {:<8}{:>10} →{:>10} {}",
                    e.at.get(5..16).unwrap_or(&e.at),
                    e.kind,
                    e.reference,
                    amount(e.amount, c),
                    amount(e.balance, c),
                    if e.status == "completed" {
                        ""
                    } else {
                        &e.status
                    }
                )));
            }
            l.push(Line::from(""));
            l.push(Line::from(Span::styled(
                "Payments",
                Style::default().add_modifier(Modifier::BOLD),
            )));
            for p in d.payments.iter().take(8) {
                l.push(Line::from(format!(
                    "  {} {} {:>11} {}",
                    p.id,
                    p.merchant,
                    amount(p.amount, c),
                    p.status
                )));
            }
            (format!("Member {}", m.id), l)
        }
        Detail::Merchant(m) => (
            format!("Merchant {}", m.id),
            vec![
                kv("code", m.code.clone()),
                kv("name", m.name.clone()),
                kv("fee rate", format!("{}%", m.fee_rate)),
                kv("account", format!("{} {}", m.bank, m.account)),
                kv("unsettled", money(m.unsettled, c)),
                kv("deficit", money(m.deficit, c)),
                kv(
                    "last stl",
                    m.last_settlement.clone().unwrap_or_else(|| "-".into()),
                ),
                Line::from(""),
                Line::from("s: settle this merchant now"),
            ],
        ),
        Detail::Payment(p) => {
            let mut l = vec![
                kv("ref", p.reference.clone().unwrap_or_default()),
                kv("member", p.member.clone()),
                kv("merchant", p.merchant.clone()),
                kv("status", p.status.clone()),
                kv("amount", money(p.amount, c)),
                kv("captured", money(p.captured, c)),
                kv("refunded", money(p.refunded, c)),
                kv("fee rate", format!("{}%", p.fee_rate)),
                kv("created", p.created_at.clone()),
                kv(
                    "expires",
                    p.expires_at.clone().unwrap_or_else(|| "-".into()),
                ),
                kv(
                    "settlement",
                    p.settlement.clone().unwrap_or_else(|| "-".into()),
                ),
            ];
            for r in &p.refunds {
                l.push(Line::from(format!(
                    "  {} {} {}",
                    r.id,
                    r.at,
                    money(r.amount, c)
                )));
            }
            (format!("Payment {}", p.id), l)
        }
        Detail::Settlement(s) => {
            let mut l = vec![
                kv("merchant", s.merchant.clone()),
                kv("status", s.status.clone()),
                kv("cutoff", s.cutoff.clone()),
                kv("gross", money(s.gross, c)),
                kv("refunds", money(s.refunds, c)),
                kv("fee", money(s.fee, c)),
                kv("deficit", money(s.deficit, c)),
                kv("payout", money(s.payout, c)),
                kv("carried", money(s.carried, c)),
                Line::from(""),
                Line::from(Span::styled(
                    "Payments included",
                    Style::default().add_modifier(Modifier::BOLD),
                )),
            ];
            for p in s.payments.iter().take(30) {
                l.push(Line::from(format!(
                    "  {:<10} net {:>11} fee {:>8}",
                    p.payment,
                    amount(p.net, c),
                    amount(p.fee, c)
                )));
            }
            (format!("Settlement {}", s.id), l)
        }
        Detail::Event(e) => {
            let payload = serde_json::to_string_pretty(&e.payload).unwrap_or_default();
            let mut l = vec![
                kv("seq", e.seq.to_string()),
                kv("stream", format!("{} v{}", e.stream, e.version)),
                kv("kind", e.kind.clone()),
                kv("effective", e.effective_at.clone()),
                kv("recorded", e.recorded_at.clone()),
                kv("actor", e.actor.clone()),
                kv("key", e.idempotency_key.clone().unwrap_or_default()),
                kv("hash", e.hash.clone()),
                Line::from(""),
            ];
            l.extend(payload.lines().map(|s| Line::from(clean(s))));
            (format!("Event {}", e.seq), l)
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(&title)),
        area,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let keys = keys::help(app.screen);
    let lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:<16}"),
                    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    let rect = centered(area, 56, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block(&format!("Keys: {}", app.screen.title()))),
        rect,
    );
}

fn form(app: &App, frame: &mut Frame, area: Rect) {
    let Some(f) = &app.form else { return };
    let mut lines = Vec::new();
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus && f.confirming.is_none();
        let label = Span::styled(
            format!("{:<22}", field.label),
            if focused {
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            },
        );
        let mut value = clean(&field.value);
        if focused {
            value.push('█');
        }
        lines.push(Line::from(vec![label, Span::raw(value)]));
        if let Some((at, msg)) = &f.error {
            if *at == i {
                lines.push(Line::from(Span::styled(
                    format!("  ✗ {}", clean(msg)),
                    Style::default().fg(Color::Red),
                )));
            }
        }
    }
    lines.push(Line::from(""));
    match &f.confirming {
        Some(summary) => {
            lines.push(Line::from(Span::styled(
                clean(summary),
                Style::default().add_modifier(Modifier::BOLD),
            )));
            lines.push(Line::from(Span::styled(
                "Confirm? y: yes  n: edit  Esc: cancel",
                Style::default().fg(Color::Yellow),
            )));
        }
        None => lines.push(Line::from(Span::styled(
            "Enter: review  Tab: next field  Esc: cancel",
            Style::default().fg(Color::DarkGray),
        ))),
    }
    let rect = centered(area, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(f.action.title())),
        rect,
    );
}
