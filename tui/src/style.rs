//! The console's look: its colours, the bordered block every panel is drawn in, and where an
//! overlay goes.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders};

use crate::text::fit;

pub const ACCENT: Color = Color::Cyan;

pub fn header_style() -> Style {
    Style::default().add_modifier(Modifier::BOLD).fg(ACCENT)
}

pub fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

/// A bordered block whose title is cut with an ellipsis when the block is `width` columns wide.
pub fn block(title: &str, width: u16) -> Block<'static> {
    let room = usize::from(width).saturating_sub(4);
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", fit(title, room)))
}

/// A `width` × `height` overlay centred in `area` (smaller when `area` is).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
