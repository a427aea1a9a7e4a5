//! The detail pane beside a list, the parts every screen's pane is made of: fields as
//! label and value, headings, and small tables laid out like the lists (figures whole, text cut
//! with an ellipsis).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::columns::{self, Column};
use crate::style::{ACCENT, block, bold, dim, header_style};
use crate::text::{clean, wrap};

/// Columns a sub-table is indented by.
const INDENT: usize = 2;

pub fn kv(k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<13}"), Style::default().fg(ACCENT)),
        Span::raw(clean(&v)),
    ])
}

pub fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), bold()))
}

/// A small table inside the pane: a header line and one line per row (at most `most`), in
/// `width` columns; an empty table says "none", one with no room "…".
pub fn table(
    columns: &[Column],
    rows: &[Vec<String>],
    width: u16,
    most: usize,
) -> Vec<Line<'static>> {
    let indent = " ".repeat(INDENT);
    if rows.is_empty() {
        return vec![Line::from(Span::styled(format!("{indent}none"), dim()))];
    }
    if most == 0 {
        return vec![Line::from(Span::styled(format!("{indent}…"), dim()))];
    }
    let room = usize::from(width.saturating_sub(2)).saturating_sub(INDENT);
    let plan = columns::plan(columns, rows, room);
    let mut lines = vec![Line::from(Span::styled(
        format!("{indent}{}", plan.header_line()),
        header_style(),
    ))];
    lines.extend(
        rows.iter()
            .take(most)
            .map(|r| Line::from(format!("{indent}{}", plan.line(r)))),
    );
    lines
}

/// Rows the pane's `lines` take once wrapped to `width` columns.
pub fn height_of(lines: &[Line], width: u16) -> usize {
    let inner = usize::from(width.saturating_sub(2));
    lines
        .iter()
        .map(|l| wrap(&l.to_string(), inner).len())
        .sum()
}

/// `room` rows shared by two lists of `a` and `b` rows: half each (the odd row to `a`), and
/// what one leaves to the other.
pub fn share(room: usize, a: usize, b: usize) -> (usize, usize) {
    let b = b.min(room - a.min(room.div_ceil(2)));
    (a.min(room - b), b)
}

/// The pane: `lines` under `title`, wrapped to its width.
pub fn draw(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, area.width)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn two_lists_share_the_rows_left_and_give_away_what_they_do_not_need() {
        assert_eq!(share(10, 30, 15), (5, 5));
        assert_eq!(share(10, 30, 2), (8, 2));
        assert_eq!(share(10, 3, 15), (3, 7));
        assert_eq!(share(1, 30, 15), (1, 0));
        assert_eq!(share(0, 30, 15), (0, 0));
        assert_eq!(share(40, 30, 15), (25, 15));
    }
}
