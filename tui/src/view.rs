//! Drawing: `render(&App, frame)`, the frame around the screens (tabs, status line, overlays).
//! Each screen draws in its own module. Reads the app state only.

mod dashboard;
mod detail;
mod lists;

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Tabs, Wrap};

use crate::app::{App, Screen};
use crate::keys;
use crate::text::{clean, fit, width_of, wrap};

const ACCENT: Color = Color::Cyan;

fn header_style() -> Style {
    Style::default().add_modifier(Modifier::BOLD).fg(ACCENT)
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// A bordered block whose title is cut with an ellipsis when the block is `width` columns wide.
fn block(title: &str, width: u16) -> Block<'static> {
    let room = usize::from(width).saturating_sub(4);
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", fit(title, room)))
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let status = status_lines(app, area);
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(u16::try_from(status.len()).unwrap_or(1)),
        ])
        .split(area);
    render_tabs(app, frame, chunks[0]);
    match app.screen {
        Screen::Dashboard => dashboard::render(app, frame, chunks[1]),
        Screen::Members => lists::members(app, frame, chunks[1]),
        Screen::Merchants => lists::merchants(app, frame, chunks[1]),
        Screen::Payments => lists::payments(app, frame, chunks[1]),
        Screen::Settlements => lists::settlements(app, frame, chunks[1]),
        Screen::Events => lists::events(app, frame, chunks[1]),
    }
    frame.render_widget(Paragraph::new(status), chunks[2]);
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

/// The status line: one line, or as many as a long message needs wrapped (at most a third of
/// the screen; past that the last line ends with an ellipsis).
fn status_lines(app: &App, area: Rect) -> Vec<Line<'static>> {
    let width = usize::from(area.width);
    if let Some(input) = &app.search_input {
        return vec![search_line(&clean(input), width)];
    }
    let Some(s) = &app.status else {
        return vec![Line::from(Span::styled(
            fit(
                &format!("payctl · {} · ? help · q quit", app.currency),
                width,
            ),
            dim(),
        ))];
    };
    let style = if s.error {
        Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(Color::Green)
    };
    let most = usize::from(area.height / 3).max(1);
    let mut lines = wrap(&clean(&s.text), width);
    if lines.len() > most {
        lines.truncate(most);
        if let Some(last) = lines.last_mut() {
            *last = fit(&format!("{last} …"), width);
        }
    }
    lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// The search being typed, its end always in view (the start gives way to an ellipsis).
fn search_line(input: &str, width: usize) -> Line<'static> {
    const HINT: &str = "   Enter: apply  Esc: cancel";
    let room = width.saturating_sub(2);
    let shown = if width_of(input) <= room {
        input.to_string()
    } else {
        let tail: String = input.chars().rev().collect();
        fit(&tail, room).chars().rev().collect()
    };
    let mut spans = vec![
        Span::styled("/", Style::default().fg(ACCENT)),
        Span::raw(shown.clone()),
        Span::styled("█", Style::default().fg(ACCENT)),
    ];
    if 2 + width_of(&shown) + width_of(HINT) <= width {
        spans.push(Span::raw(HINT));
    }
    Line::from(spans)
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
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(&format!("Keys: {}", app.screen.title()), rect.width)),
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
            lines.push(Line::from(Span::styled(clean(summary), bold())));
            lines.push(Line::from(Span::styled(
                "Confirm? y: yes  n: edit  Esc: cancel",
                Style::default().fg(Color::Yellow),
            )));
        }
        None => lines.push(Line::from(Span::styled(
            "Enter: review  Tab: next field  Esc: cancel",
            dim(),
        ))),
    }
    // As tall as the lines once wrapped: the confirmation prompt must never fall off the bottom.
    let inner = usize::from(72.min(area.width).saturating_sub(2));
    let height: usize = lines
        .iter()
        .map(|l| wrap(&l.to_string(), inner).len())
        .sum();
    let rect = centered(area, 72, u16::try_from(height + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(f.action.title(), rect.width)),
        rect,
    );
}
