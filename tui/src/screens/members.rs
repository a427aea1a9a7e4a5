//! Members: the list (searchable by name or email) and a member's pane: its fields, linked
//! accounts, wallet history and payments.

use payctl_core::money::Currency;
use payctl_core::queries::{Link, Member, Payment, WalletEntry};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::list::{self, ListView, Paged};
use super::pane::{self, heading, kv};
use super::{Browse, Detail, Pane, active};
use crate::app::App;
use crate::columns::Column;
use crate::effect::{At, Load};
use crate::form::Prefill;
use crate::style::dim;
use crate::text::{amount, clean, money};

#[derive(Debug, Clone, Default)]
pub struct Members {
    pub list: Paged<Member>,
    pub filter: String,
}

/// What the member pane shows.
#[derive(Debug, Clone)]
pub struct MemberDetail {
    pub member: Member,
    pub links: Vec<Link>,
    pub history: Vec<WalletEntry>,
    pub payments: Vec<Payment>,
}

impl Members {
    fn load(&self, at: At) -> Load {
        Load::Members {
            search: active(&self.filter),
            at,
        }
    }
}

impl Browse for Members {
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
        Some(Pane::Load(Load::Member(m.id.clone())))
    }

    fn filter(&self) -> Option<&String> {
        Some(&self.filter)
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        Some(&mut self.filter)
    }

    fn prefill(&self) -> Prefill {
        Prefill {
            member: self.list.current().map(|m| m.id.clone()),
            ..Prefill::default()
        }
    }
}

const MEMBERS: [Column; 6] = [
    Column::label("ID", 0),
    Column::text("NAME", 6, 2),
    Column::text("EMAIL", 8, 5),
    Column::number("BALANCE", 1),
    Column::number("AVAILABLE", 3),
    Column::label("STATUS", 4),
];

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let s = &app.members;
    let rows = s
        .list
        .rows
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                clean(&m.name),
                clean(&m.email),
                amount(m.balance, c),
                amount(m.available, c),
                m.status.clone(),
            ]
        })
        .collect();
    let view = ListView {
        title: list::title("Members", &s.filter, s.list.offset, s.list.selected, ""),
        columns: &MEMBERS,
        rows,
        selected: s.list.selected,
        empty: list::empty(false, &s.filter, "no members yet (n: register one)"),
        pane: app.detail.is_some(),
    };
    if let (Some(area), Some(Detail::Member(d))) = (list::draw(frame, area, view), &app.detail) {
        draw_detail(d, c, frame, area);
    }
}

const HISTORY: [Column; 5] = [
    Column::label("AT", 3),
    Column::label("KIND", 1),
    Column::label("REF", 4),
    Column::number("AMOUNT", 0),
    Column::number("BALANCE", 2),
];

const MEMBER_PAYMENTS: [Column; 4] = [
    Column::label("ID", 0),
    Column::label("MERCHANT", 2),
    Column::number("AMOUNT", 1),
    Column::label("STATUS", 3),
];

fn draw_detail(d: &MemberDetail, c: Currency, frame: &mut Frame, area: Rect) {
    let w = area.width;
    let m = &d.member;
    let mut l = vec![
        kv("member", m.id.clone()),
        kv("name", m.name.clone()),
        kv("email", m.email.clone()),
        kv("address", m.address.clone().unwrap_or_default()),
        kv("status", m.status.clone()),
        kv("balance", money(m.balance, c)),
        kv("available", money(m.available, c)),
        Line::from(""),
        heading("Linked accounts"),
    ];
    if d.links.is_empty() {
        l.push(Line::from(Span::styled("  none", dim())));
    }
    for k in &d.links {
        l.push(Line::from(format!(
            "  {} {} {}{}",
            k.id,
            clean(&k.bank),
            clean(&k.account),
            if k.primary {
                " (primary)"
            } else if k.status != "active" {
                " (unlinked)"
            } else {
                ""
            }
        )));
    }
    // The history and the payments share the rows left below the rest (after two headings, two
    // column headers and two blank lines).
    let room =
        usize::from(area.height.saturating_sub(2)).saturating_sub(pane::height_of(&l, w) + 6);
    let (history_rows, payment_rows) = pane::share(room, d.history.len(), d.payments.len());
    l.push(Line::from(""));
    l.push(heading("Wallet history"));
    let history: Vec<Vec<String>> = d
        .history
        .iter()
        .map(|e| {
            let kind = if e.status == "completed" {
                e.kind.clone()
            } else {
                format!("{} ({})", e.kind, e.status)
            };
            vec![
                e.at.get(5..16).unwrap_or(&e.at).to_string(),
                kind,
                e.reference.clone(),
                amount(e.amount, c),
                amount(e.balance, c),
            ]
        })
        .collect();
    l.extend(pane::table(&HISTORY, &history, w, history_rows));
    l.push(Line::from(""));
    l.push(heading("Payments"));
    let payments: Vec<Vec<String>> = d
        .payments
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.merchant.clone(),
                amount(p.amount, c),
                p.status.clone(),
            ]
        })
        .collect();
    l.extend(pane::table(&MEMBER_PAYMENTS, &payments, w, payment_rows));
    pane::draw(frame, area, &format!("Member {}", m.id), l);
}
