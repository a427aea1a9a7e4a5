//! Settlements: the list (filtered by merchant) and a settlement's pane: its figures and the
//! payments it paid out.

use payctl_core::money::Currency;
use payctl_core::queries::Settlement;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::list::{self, ListView, Paged};
use super::pane::{self, heading, kv};
use super::{Browse, Detail, Pane, active};
use crate::app::App;
use crate::columns::Column;
use crate::effect::{At, Load};
use crate::text::{amount, money};

/// Payments of a settlement listed in its pane (the rest: `payctl settlement show`).
const INCLUDED_SHOWN: usize = 30;

#[derive(Debug, Clone, Default)]
pub struct Settlements {
    pub list: Paged<Settlement>,
    pub filter: String,
}

impl Settlements {
    fn load(&self, at: At) -> Load {
        // The filter text names a merchant (id or code).
        Load::Settlements {
            merchant: active(&self.filter),
            at,
        }
    }
}

impl Browse for Settlements {
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
        let s = self.list.current()?;
        Some(Pane::Load(Load::Settlement(s.id.clone())))
    }

    fn filter(&self) -> Option<&String> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }
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

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let s = &app.settlements;
    let rows = s
        .list
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
    let view = ListView {
        title: list::title("Settlements", &s.filter, s.list.offset, s.list.selected, ""),
        columns: &SETTLEMENTS,
        rows,
        selected: s.list.selected,
        empty: list::empty(
            false,
            &s.filter,
            "no settlements yet (s: settle every merchant)",
        ),
        pane: app.detail.is_some(),
    };
    if let (Some(area), Some(Detail::Settlement(s))) = (list::draw(frame, area, view), &app.detail)
    {
        draw_detail(s, c, frame, area);
    }
}

const INCLUDED: [Column; 5] = [
    Column::label("PAYMENT", 0),
    Column::number("CAPTURED", 3),
    Column::number("REFUNDED", 4),
    Column::number("NET", 1),
    Column::number("FEE", 2),
];

fn draw_detail(s: &Settlement, c: Currency, frame: &mut Frame, area: Rect) {
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
    ];
    if let Some(reason) = &s.reason {
        l.push(kv("reason", reason.clone()));
    }
    l.push(Line::from(""));
    l.push(heading(&match s.payments.len() {
        n if n > INCLUDED_SHOWN => format!("Payments included (first {INCLUDED_SHOWN} of {n})"),
        n => format!("Payments included ({n})"),
    }));
    let included: Vec<Vec<String>> = s
        .payments
        .iter()
        .take(INCLUDED_SHOWN)
        .map(|p| {
            vec![
                p.payment.clone(),
                amount(p.captured, c),
                amount(p.refunded, c),
                amount(p.net, c),
                amount(p.fee, c),
            ]
        })
        .collect();
    l.extend(pane::table(
        &INCLUDED,
        &included,
        area.width,
        included.len(),
    ));
    pane::draw(frame, area, &format!("Settlement {}", s.id), l);
}
