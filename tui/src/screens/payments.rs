//! Payments: the list (filtered by member or merchant, and by status) and a payment's pane: its
//! amounts, dates, settlement and refunds.

use payctl_core::money::Currency;
use payctl_core::queries::{Payment, PaymentQuery};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::list::{self, ListView, Paged};
use super::pane::{self, heading, kv};
use super::{Browse, Detail, Pane, active};
use crate::app::App;
use crate::columns::Column;
use crate::effect::{At, Load};
use crate::form::Prefill;
use crate::text::{amount, clean, money};

/// Statuses the payment filter cycles through.
pub const STATUSES: [Option<&str>; 6] = [
    None,
    Some("authorized"),
    Some("captured"),
    Some("unsettled"),
    Some("voided"),
    Some("expired"),
];

#[derive(Debug, Clone, Default)]
pub struct Payments {
    pub list: Paged<Payment>,
    pub filter: String,
    /// Index in `STATUSES` of the status shown.
    pub status: usize,
}

impl Payments {
    fn load(&self, at: At) -> Load {
        // The filter text names a member (id or email) or a merchant (id or code).
        let (member, merchant) = match active(&self.filter) {
            Some(t) if t.starts_with("mer_") || (!t.contains('@') && !t.starts_with("mem_")) => {
                (None, Some(t))
            }
            Some(t) => (Some(t), None),
            None => (None, None),
        };
        Load::Payments {
            query: PaymentQuery {
                member,
                merchant,
                status: STATUSES[self.status].map(str::to_string),
            },
            at,
        }
    }

    /// Shows the next status (all, then each in turn).
    pub fn cycle_status(&mut self) {
        self.status = (self.status + 1) % STATUSES.len();
    }
}

impl Browse for Payments {
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
        let p = self.list.current()?;
        Some(Pane::Load(Load::Payment(p.id.clone())))
    }

    fn filter(&self) -> Option<&String> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }

    fn prefill(&self) -> Prefill {
        let p = self.list.current();
        Prefill {
            member: p.map(|p| p.member.clone()),
            merchant: p.map(|p| p.merchant.clone()),
            payment: p.map(|p| p.id.clone()),
        }
    }
}

const PAYMENTS: [Column; 8] = [
    Column::label("ID", 0),
    Column::text("REF", 6, 6),
    Column::label("MEMBER", 3),
    Column::label("MERCHANT", 4),
    Column::label("STATUS", 2),
    Column::number("AMOUNT", 1),
    Column::number("REFUNDED", 5),
    Column::label("STL", 7),
];

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let s = &app.payments;
    let rows = s
        .list
        .rows
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                clean(p.reference.as_deref().unwrap_or("")),
                p.member.clone(),
                p.merchant.clone(),
                p.status.clone(),
                amount(p.amount, c),
                amount(p.refunded, c),
                p.settlement.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let status = STATUSES[s.status].unwrap_or("all");
    let extra = format!(" · status {status} (f)");
    let view = ListView {
        title: list::title(
            "Payments",
            &s.filter,
            s.list.offset,
            s.list.selected,
            &extra,
        ),
        columns: &PAYMENTS,
        rows,
        selected: s.list.selected,
        empty: list::empty(s.status != 0, &s.filter, "no payments yet"),
        pane: app.detail.is_some(),
    };
    if let (Some(area), Some(Detail::Payment(p))) = (list::draw(frame, area, view), &app.detail) {
        draw_detail(p, c, frame, area);
    }
}

const REFUNDS: [Column; 4] = [
    Column::label("ID", 0),
    Column::label("AT", 2),
    Column::number("AMOUNT", 1),
    Column::label("NOTE", 3),
];

fn draw_detail(p: &Payment, c: Currency, frame: &mut Frame, area: Rect) {
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
    if !p.refunds.is_empty() {
        l.push(Line::from(""));
        l.push(heading("Refunds"));
        let refunds: Vec<Vec<String>> = p
            .refunds
            .iter()
            .map(|r| {
                vec![
                    r.id.clone(),
                    r.at.clone(),
                    amount(r.amount, c),
                    if r.after_settlement {
                        "after settlement".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect();
        l.extend(pane::table(&REFUNDS, &refunds, area.width, refunds.len()));
    }
    pane::draw(frame, area, &format!("Payment {}", p.id), l);
}
