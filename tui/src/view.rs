//! Drawing: `render(&App, frame)` draws the frame around the screens (tabs, status line, the help
//! overlay) and has the screen on view and the open form draw themselves. Reads the state only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Tabs, Wrap};

use crate::app::App;
use crate::form;
use crate::keymap::{self, Mode};
use crate::screens::{self, Screen};
use crate::style::{ACCENT, block, centered, dim};
use crate::text::{clean, fit, width_of, wrap};

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
        Screen::Dashboard => screens::dashboard::render(app, frame, chunks[1]),
        Screen::Members => screens::members::render(app, frame, chunks[1]),
        Screen::Merchants => screens::merchants::render(app, frame, chunks[1]),
        Screen::Payments => screens::payments::render(app, frame, chunks[1]),
        Screen::Settlements => screens::settlements::render(app, frame, chunks[1]),
        Screen::Events => screens::events::render(app, frame, chunks[1]),
    }
    frame.render_widget(Paragraph::new(status), chunks[2]);
    if app.help {
        help(app, frame, area);
    }
    if let Some(f) = &app.form {
        form::render(f, frame, area);
    }
}

fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let titles: Vec<Line> = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| Line::from(format!("{} {}", i + 1, s.title())))
        .collect();
    let tabs = Tabs::new(titles)
        .select(app.screen.index())
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
    let hint = format!("   {}", keymap::hint(Mode::Search));
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
    if 2 + width_of(&shown) + width_of(&hint) <= width {
        spans.push(Span::raw(hint));
    }
    Line::from(spans)
}

/// The `?` overlay: every key of the screen on view, from the keymap.
fn help(app: &App, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = keymap::help(app.screen)
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(
                    format!("{:<16}", b.keys),
                    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
                ),
                Span::raw(b.help),
            ])
        })
        .collect();
    let rect = centered(area, 56, u16::try_from(lines.len() + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    let close = format!(" {} ", keymap::hint(Mode::Help));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            block(&format!("Keys: {}", app.screen.title()), rect.width).title_bottom(Line::from(
                fit(&close, usize::from(rect.width.saturating_sub(2))),
            )),
        ),
        rect,
    );
}
