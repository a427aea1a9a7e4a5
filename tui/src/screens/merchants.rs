//! Merchants: the list (few, so not searchable) and a merchant's pane: its terms, what it is owed
//! and what it carries.

use payctl_core::money::Currency;
use payctl_core::queries::Merchant;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::list::{self, ListView, Paged};
use super::pane::{self, kv};
use super::{Browse, Detail, Pane};
use crate::app::App;
use crate::columns::Column;
use crate::effect::{At, Load};
use crate::form::Prefill;
use crate::text::{amount, clean, money};

#[derive(Debug, Clone, Default)]
pub struct Merchants {
    pub list: Paged<Merchant>,
}

impl Merchants {
    fn load(&self, at: At) -> Load {
        Load::Merchants { at }
    }
}

impl Browse for Merchants {
    fn refresh(&self, _version: Option<i64>) -> Option<Load> {
        Some(self.load(self.list.here()))
    }

    fn reset(&mut self) {
        self.list = Paged::default();
    }

    fn move_by(&mut self, delta: i64) -> Option<Load> {
        self.list.move_by(delta).map(|at| self.load(at))
    }

    fn pane(&self) -> Option<Pane> {
        let m = self.list.current()?;
        Some(Pane::Load(Load::Merchant(m.id.clone())))
    }

    fn prefill(&self) -> Prefill {
        Prefill {
            merchant: self.list.current().map(|m| m.code.clone()),
            ..Prefill::default()
        }
    }
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

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let s = &app.merchants;
    let rows = s
        .list
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
    let view = ListView {
        title: list::title("Merchants", "", s.list.offset, s.list.selected, ""),
        columns: &MERCHANTS,
        rows,
        selected: s.list.selected,
        empty: list::empty(false, "", "no merchants yet (n: register one)"),
        pane: app.detail.is_some(),
    };
    if let (Some(area), Some(Detail::Merchant(m))) = (list::draw(frame, area, view), &app.detail) {
        draw_detail(m, c, frame, area);
    }
}

fn draw_detail(m: &Merchant, c: Currency, frame: &mut Frame, area: Rect) {
    let lines = vec![
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
    ];
    pane::draw(frame, area, &format!("Merchant {}", m.id), lines);
}
