//! Events: the log, newest first (filtered by stream or kind), following new events as they come
//! unless scrolled away; an event's pane shows its envelope and payload.

use payctl_core::queries::{EventQuery, EventRow};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::list::{self, ListView, Paged};
use super::pane::{self, kv};
use super::{Browse, Detail, Pane};
use crate::app::App;
use crate::columns::Column;
use crate::effect::Load;
use crate::text::clean;

/// Events kept on screen at most (older ones are paged in again on demand).
const MAX_EVENTS: usize = 2_000;

#[derive(Debug, Clone)]
pub struct Events {
    pub list: Paged<EventRow>,
    pub filter: String,
    /// The newest event stays selected as new ones come.
    pub follow: bool,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            list: Paged::default(),
            filter: String::new(),
            follow: true,
        }
    }
}

impl Events {
    /// The newest events (`before` = None), or those older than `before`; then the row to select.
    fn load(&self, before: Option<i64>, select: Option<i64>) -> Load {
        let f = self.filter.trim();
        let query = if f.is_empty() {
            EventQuery::default()
        } else if f.contains('-') {
            // `member-mem_1`-style text is a stream, anything else a kind.
            EventQuery {
                stream: Some(f.to_string()),
                ..EventQuery::default()
            }
        } else {
            EventQuery {
                kind: Some(f.to_string()),
                ..EventQuery::default()
            }
        };
        Load::Events {
            query,
            before,
            select,
        }
    }

    /// Following on or off; turned on, the newest events are read.
    pub fn toggle_follow(&mut self) -> Option<Load> {
        self.follow = !self.follow;
        self.follow.then(|| self.load(None, None))
    }

    /// Events read from the newest (`before` = None), or older ones appended; then the row at
    /// `select` selected.
    pub fn fill(&mut self, before: Option<i64>, select: Option<i64>, rows: Vec<EventRow>) {
        let l = &mut self.list;
        // Rows dropped from the top: `select` counted them.
        let mut cut = 0;
        if before.is_none() {
            let keep = l.current().map(|e| e.seq);
            l.rows = rows;
            l.offset = 0;
            if self.follow {
                l.selected = 0;
            } else if let Some(seq) = keep {
                l.selected = l.rows.iter().position(|e| e.seq == seq).unwrap_or(0);
            }
        } else {
            l.rows.extend(rows);
            if l.rows.len() > MAX_EVENTS {
                cut = l.rows.len() - MAX_EVENTS;
                l.rows.drain(..cut);
                l.selected = l.selected.saturating_sub(cut);
            }
        }
        if let Some(target) = select {
            self.select(target - cut as i64);
        }
        self.list.clamp();
    }

    /// Selects the row at `target` (clamped to the rows); scrolling away from the newest stops
    /// following.
    fn select(&mut self, target: i64) {
        let len = self.list.rows.len() as i64;
        self.list.selected = usize::try_from(target.clamp(0, (len - 1).max(0))).unwrap_or(0);
        self.follow = self.list.selected == 0 && self.follow;
    }
}

impl Browse for Events {
    fn refresh(&self, _version: Option<i64>) -> Option<Load> {
        Some(self.load(None, None))
    }

    fn reset(&mut self) {
        self.list = Paged::default();
    }

    /// Pages in only towards older events (the newest come with a refresh).
    fn move_by(&mut self, delta: i64) -> Option<Load> {
        let target = self.list.selected as i64 + delta;
        match self.list.rows.last() {
            Some(last) if target >= self.list.rows.len() as i64 => {
                Some(self.load(Some(last.seq), Some(target)))
            }
            _ => {
                self.select(target);
                None
            }
        }
    }

    fn pane(&self) -> Option<Pane> {
        let e = self.list.current()?;
        Some(Pane::Shown(Detail::Event(Box::new(e.clone()))))
    }

    fn filter(&self) -> Option<&String> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }
}

/// The columns of an event list (here and on the dashboard).
pub const EVENTS: [Column; 5] = [
    Column::number("SEQ", 0),
    Column::label("AT", 3),
    Column::text("STREAM", 8, 2),
    Column::label("KIND", 1),
    Column::text("ACTOR", 5, 4),
];

/// An event as the cells of `EVENTS`.
pub fn event_cells(e: &EventRow) -> Vec<String> {
    vec![
        e.seq.to_string(),
        e.effective_at.clone(),
        clean(&e.stream),
        e.kind.clone(),
        clean(&e.actor),
    ]
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let s = &app.events;
    let rows = s.list.rows.iter().map(event_cells).collect();
    let follow = if s.follow {
        " · following (f)"
    } else {
        " · paused (f)"
    };
    let selected = s.list.selected;
    let view = ListView {
        title: list::title("Events, newest first", &s.filter, 0, selected, follow),
        columns: &EVENTS,
        rows,
        selected,
        empty: list::empty(false, &s.filter, "no events yet"),
        pane: app.detail.is_some(),
    };
    if let (Some(area), Some(Detail::Event(e))) = (list::draw(frame, area, view), &app.detail) {
        draw_detail(e, frame, area);
    }
}

fn draw_detail(e: &EventRow, frame: &mut Frame, area: Rect) {
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
    pane::draw(frame, area, &format!("Event {}", e.seq), l);
}
