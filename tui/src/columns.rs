//! Column layout for the console's tables, from the values actually shown: a number column gets
//! exactly its widest value and is never cut; text columns share the room left and are cut with
//! an ellipsis by display width. When even that does not fit, the least important columns are
//! hidden whole rather than shown in part.

use ratatui::layout::{Alignment, Constraint};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use crate::text::{fit, width_of};

/// Blank columns between two table columns (ratatui's default spacing).
pub const SPACING: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A figure: right-aligned, always whole.
    Number,
    /// A short word (id, status, date, kind): left-aligned, always whole.
    Label,
    /// Free text: takes what is left, cut with `…`; hidden when fewer than `min` columns are left.
    Text { min: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub title: &'static str,
    pub kind: Kind,
    /// Importance, 0 first: when the columns do not fit, the highest rank is hidden first.
    pub rank: u8,
}

impl Column {
    pub const fn number(title: &'static str, rank: u8) -> Column {
        Column {
            title,
            kind: Kind::Number,
            rank,
        }
    }

    pub const fn label(title: &'static str, rank: u8) -> Column {
        Column {
            title,
            kind: Kind::Label,
            rank,
        }
    }

    pub const fn text(title: &'static str, min: usize, rank: u8) -> Column {
        Column {
            title,
            kind: Kind::Text { min },
            rank,
        }
    }
}

/// The widths chosen for some rows in some room: `None` for a hidden column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    columns: Vec<Column>,
    widths: Vec<Option<usize>>,
    /// Some columns are hidden: the header ends with `MORE` to say so.
    more: bool,
}

/// Ends the header when columns are hidden: a table is never cut without an ellipsis.
pub const MORE: &str = "…";

/// The columns kept in `room`: most important first, each kept if it still fits at its least
/// width (a column too wide for what is left is skipped; less important narrower ones may still
/// come in). Returns which are visible and the room they take.
fn choose(columns: &[Column], least: &[usize], room: usize) -> (Vec<bool>, usize) {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|i| (columns[*i].rank, *i));
    let mut visible = vec![false; columns.len()];
    let (mut taken, mut count) = (0, 0);
    for i in order {
        let add = least[i] + if count > 0 { SPACING } else { 0 };
        if taken + add <= room {
            visible[i] = true;
            taken += add;
            count += 1;
        }
    }
    (visible, taken)
}

/// Widths for `columns` holding `rows` (cells in column order) in `room` terminal columns.
pub fn plan(columns: &[Column], rows: &[Vec<String>], room: usize) -> Plan {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| width_of(s))
                .fold(width_of(c.title), usize::max)
        })
        .collect();
    // The least a visible column can have: whole for figures and labels.
    let least: Vec<usize> = columns
        .iter()
        .zip(&natural)
        .map(|(c, n)| match c.kind {
            Kind::Text { min } => min.min(*n),
            Kind::Number | Kind::Label => *n,
        })
        .collect();
    let (visible, taken) = choose(columns, &least, room);
    // The mark takes room left over, never a column's: a figure is worth more than the mark.
    let mark = width_of(MORE) + SPACING;
    let more = visible.contains(&false) && taken + mark <= room;
    let mut widths: Vec<Option<usize>> = (0..columns.len())
        .map(|i| visible[i].then_some(least[i]))
        .collect();
    // Text columns grow from their least width towards their widest value, fairly: the
    // narrowest wants are met first and what they leave goes to the others.
    let mut spare = room - taken - if more { mark } else { 0 };
    let mut texts: Vec<usize> = (0..columns.len())
        .filter(|i| visible[*i] && matches!(columns[*i].kind, Kind::Text { .. }))
        .collect();
    texts.sort_by_key(|i| natural[*i] - least[*i]);
    let mut left = texts.len();
    for i in texts {
        let grow = (natural[i] - least[i]).min(spare / left.max(1));
        widths[i] = Some(least[i] + grow);
        spare -= grow;
        left -= 1;
    }
    Plan {
        columns: columns.to_vec(),
        widths,
        more,
    }
}

fn cell(text: String, number: bool) -> Cell<'static> {
    let line = Line::from(text);
    Cell::from(if number {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

/// Columns a table of `rows` takes with nothing cut or hidden.
pub fn natural_width(columns: &[Column], rows: &[Vec<String>]) -> usize {
    plan(columns, rows, usize::MAX).width()
}

impl Plan {
    /// Columns taken by the visible columns, the spaces between them and the `MORE` mark.
    pub fn width(&self) -> usize {
        let shown: Vec<usize> = self.widths.iter().flatten().copied().collect();
        let mark = if self.more {
            width_of(MORE) + SPACING
        } else {
            0
        };
        shown.iter().sum::<usize>() + SPACING * shown.len().saturating_sub(1) + mark
    }

    fn shown(&self) -> impl Iterator<Item = (usize, &Column, usize)> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.widths[i].map(|w| (i, c, w)))
    }

    /// Width of each visible column (and of the `MORE` mark), for `Table::new`.
    pub fn constraints(&self) -> Vec<Constraint> {
        let mut widths: Vec<Constraint> = self
            .shown()
            .map(|(_, _, w)| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX)))
            .collect();
        if self.more {
            widths.push(Constraint::Length(1));
        }
        widths
    }

    /// How many columns did not fit.
    pub fn hidden(&self) -> usize {
        self.widths.iter().filter(|w| w.is_none()).count()
    }

    /// The cells of one row as shown: hidden columns left out, text cut to its width.
    fn cells<'a>(&'a self, row: &'a [String]) -> impl Iterator<Item = (String, bool, usize)> + 'a {
        self.shown().map(move |(i, c, w)| {
            let text = row.get(i).map(String::as_str).unwrap_or("");
            (fit(text, w), c.kind == Kind::Number, w)
        })
    }

    /// A table row of `row`'s cells; figures right-aligned.
    pub fn row(&self, row: &[String]) -> Row<'static> {
        Row::new(self.cells(row).map(|(text, number, _)| cell(text, number)))
    }

    fn titles(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.title.to_string()).collect()
    }

    /// The header row: the titles, over figures right-aligned, then `MORE` if columns are hidden.
    pub fn header(&self, style: Style) -> Row<'static> {
        let titles = self.titles();
        let mut cells: Vec<Cell<'static>> = self
            .cells(&titles)
            .map(|(text, number, _)| cell(text, number))
            .collect();
        if self.more {
            cells.push(Cell::from(MORE));
        }
        Row::new(cells).style(style)
    }

    /// `row` as one line of text padded to the columns, for tables drawn inside a paragraph.
    pub fn line(&self, row: &[String]) -> String {
        let mut out = String::new();
        let mut pending = 0;
        for (n, (text, number, w)) in self.cells(row).enumerate() {
            if n > 0 {
                pending += SPACING;
            }
            let pad = w.saturating_sub(width_of(&text));
            if number {
                pending += pad;
            }
            out.extend(std::iter::repeat_n(' ', pending));
            out.push_str(&text);
            pending = if number { 0 } else { pad };
        }
        out
    }

    /// The header as one line of text (see `line`), `MORE` at its end if columns are hidden.
    pub fn header_line(&self) -> String {
        let mut line = self.line(&self.titles());
        if self.more {
            let end = self.width() - width_of(MORE);
            line.extend(std::iter::repeat_n(
                ' ',
                end.saturating_sub(width_of(&line)),
            ));
            line.push_str(MORE);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::amount;
    use payctl_core::money::Currency;
    use rust_decimal::Decimal;

    const COLUMNS: [Column; 4] = [
        Column::label("ID", 0),
        Column::text("NAME", 4, 2),
        Column::number("AMOUNT", 1),
        Column::label("STATUS", 3),
    ];

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_number_column_is_exactly_its_widest_value() {
        let rows = vec![
            row(&["pay_1", "Kim Minji", "1,234,567,890", "captured"]),
            row(&["pay_2", "Lee", "5", "voided"]),
        ];
        let p = plan(&COLUMNS, &rows, 100);
        assert_eq!(p.widths, vec![Some(5), Some(9), Some(13), Some(8)]);
        assert_eq!(p.line(&rows[1]), "pay_2 Lee                   5 voided");
    }

    #[test]
    fn text_is_cut_with_an_ellipsis_before_any_number_is_touched() {
        let rows = vec![row(&["pay_1", "Kim Minji", "1,234,567,890", "captured"])];
        // 5 + 1 + 6 + 1 + 13 + 1 + 8 = 35: the name gets 6 of its 9.
        let p = plan(&COLUMNS, &rows, 35);
        assert_eq!(p.line(&rows[0]), "pay_1 Kim M… 1,234,567,890 captured");
    }

    #[test]
    fn columns_that_cannot_fit_are_hidden_least_important_first_never_cut() {
        let rows = vec![row(&["pay_1", "Kim Minji", "1,234,567,890", "captured"])];
        // The header ends with an ellipsis when a column is hidden (two columns for it).
        let p = plan(&COLUMNS, &rows, 26);
        assert_eq!(p.line(&rows[0]), "pay_1 Kim… 1,234,567,890");
        assert_eq!(p.header_line(), "ID    NAME        AMOUNT …");
        assert_eq!(p.hidden(), 1);
        let p = plan(&COLUMNS, &rows, 21);
        assert_eq!(p.line(&rows[0]), "pay_1 1,234,567,890");
        assert_eq!(p.header_line(), "ID           AMOUNT …");
        // No room left for the mark: the figure stays, the mark goes.
        let p = plan(&COLUMNS, &rows, 19);
        assert_eq!(p.header_line(), "ID           AMOUNT");
        // Too narrow for the amount: the narrower, less important name comes in instead.
        let p = plan(&COLUMNS, &rows, 18);
        assert_eq!(p.line(&rows[0]), "pay_1 Kim Minji");
        assert_eq!(p.header_line(), "ID    NAME      …");
        let p = plan(&COLUMNS, &rows, 3);
        assert_eq!(p.line(&rows[0]), "");
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let rows = vec![row(&["mem_1", "김민지 회원님", "0", "active"])];
        let p = plan(&COLUMNS, &rows, 5 + 1 + 7 + 1 + 6 + 1 + 6);
        let line = p.line(&rows[0]);
        assert_eq!(line, "mem_1 김민지…      0 active");
        assert_eq!(width_of(&line), 5 + 1 + 7 + 1 + 6 + 1 + 6);
    }

    #[test]
    fn text_columns_share_the_room_fairly() {
        let columns = [
            Column::text("A", 3, 0),
            Column::text("B", 3, 0),
            Column::text("C", 3, 0),
        ];
        let rows = vec![row(&[
            "xx",
            "y".repeat(40).as_str(),
            "z".repeat(40).as_str(),
        ])];
        let p = plan(&columns, &rows, 2 + 20 + 20 + 2);
        assert_eq!(p.widths, vec![Some(2), Some(20), Some(20)]);
    }

    /// The widest figures a store can hold (an i64 of minor units, either sign) in every
    /// currency fit a column sized to them.
    #[test]
    fn the_widest_figure_of_every_currency_is_kept_whole() {
        for currency in Currency::ALL {
            let scale = currency.minor_units();
            for minor in [i64::MAX, i64::MIN] {
                let text = amount(
                    Decimal::from_i128_with_scale(i128::from(minor), scale),
                    currency,
                );
                let rows = vec![row(&["stl_1", "a merchant", &text, "completed"])];
                let p = plan(&COLUMNS, &rows, 40);
                assert!(p.line(&rows[0]).contains(&text), "{currency}: {text}");
                assert!(text.len() >= 25, "{text}");
            }
        }
    }
}
