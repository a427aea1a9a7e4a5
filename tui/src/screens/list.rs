//! A long list on screen: the page of it that is loaded and the selection in it, and the table
//! that draws it (sized to the values it holds), with room for the detail pane beside it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Table, TableState};

use crate::columns::{self, Column};
use crate::effect::At;
use crate::style::{block, dim, header_style};
use crate::text::{clean, fit};

/// Rows fetched per page of a list.
pub const PAGE: i64 = 200;

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

    pub fn clamp(&mut self) {
        if self.selected >= self.rows.len() {
            self.selected = self.rows.len().saturating_sub(1);
        }
    }

    /// The page as it is: same offset, same selection.
    pub fn here(&self) -> At {
        At {
            offset: self.offset,
            select: None,
        }
    }

    /// Moves the selection by `delta` within the rows loaded; past either end of them, leaves it
    /// and returns the page to load instead (half a page on, the row to land on selected).
    pub fn move_by(&mut self, delta: i64) -> Option<At> {
        let len = self.rows.len() as i64;
        let target = self.selected as i64 + delta;
        if target >= len && len == PAGE {
            Some(At {
                offset: self.offset + len / 2,
                select: Some(self.offset + target.min(len + PAGE / 2 - 1)),
            })
        } else if target < 0 && self.offset > 0 {
            Some(At {
                offset: (self.offset - PAGE / 2).max(0),
                select: Some((self.offset + target).max(0)),
            })
        } else {
            self.selected = usize::try_from(target.clamp(0, (len - 1).max(0))).unwrap_or(0);
            None
        }
    }

    /// The page `rows` read at `at`.
    pub fn fill(&mut self, at: At, rows: Vec<T>) {
        self.rows = rows;
        self.offset = at.offset;
        if let Some(row) = at.select {
            self.selected = usize::try_from(row - at.offset).unwrap_or(0);
        }
        self.clamp();
    }
}

/// What a list screen draws: its title, columns, rows (cells as text) and the selected row.
pub struct ListView<'a> {
    pub title: String,
    pub columns: &'a [Column],
    pub rows: Vec<Vec<String>>,
    pub selected: usize,
    /// What an empty list says.
    pub empty: String,
    /// A detail pane is open beside the list.
    pub pane: bool,
}

/// A list's title: which row is selected, and the filter typed with `/` if any.
pub fn title(base: &str, filter: &str, offset: i64, selected: usize, extra: &str) -> String {
    let mut t = format!("{base} · #{}", offset + selected as i64 + 1);
    let f = filter.trim();
    if !f.is_empty() {
        t.push_str(&format!(" · filter {:?}", clean(f)));
    }
    t.push_str(extra);
    t
}

/// What an empty list says: "no matches" under a filter, else that there is nothing yet.
pub fn empty(filtered: bool, filter: &str, nothing_yet: &str) -> String {
    if filtered || !filter.trim().is_empty() {
        "no matches (Esc clears the filter)".to_string()
    } else {
        nothing_yet.to_string()
    }
}

/// Draws the table (selection highlighted); returns the room for the detail pane when one is
/// open.
pub fn draw(frame: &mut Frame, area: Rect, view: ListView<'_>) -> Option<Rect> {
    let (list, pane) = if view.pane {
        let parts = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(45), Constraint::Percentage(55)])
            .split(area);
        (parts[0], Some(parts[1]))
    } else {
        (area, None)
    };
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
    if view.rows.is_empty() {
        empty_note(frame, list, &view.empty);
    }
    pane
}

/// A dim note on the first row under a table's header.
pub fn empty_note(frame: &mut Frame, area: Rect, note: &str) {
    if area.height > 3 {
        let line = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        let text = fit(note, usize::from(line.width));
        frame.render_widget(Paragraph::new(Span::styled(text, dim())), line);
    }
}
