//! The detail pane beside a list: every field of the selection, and what it is made of as small
//! tables laid out like the lists (figures whole, text cut with an ellipsis).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{ACCENT, block, bold, dim, header_style};
use crate::app::{App, Detail};
use crate::columns::{self, Column};
use crate::text::{amount, clean, money, wrap};

/// Payments of a settlement listed in its pane (the rest: `payctl settlement show`).
const INCLUDED_SHOWN: usize = 30;

/// Columns a sub-table is indented by.
const INDENT: usize = 2;

fn kv(k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{k:<13}"), Style::default().fg(ACCENT)),
        Span::raw(clean(&v)),
    ])
}

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(text.to_string(), bold()))
}

/// A small table inside the pane: a header line and one line per row (at most `most`), in
/// `width` columns; an empty table says "none", one with no room "…".
fn table(columns: &[Column], rows: &[Vec<String>], width: u16, most: usize) -> Vec<Line<'static>> {
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
fn height_of(lines: &[Line], width: u16) -> usize {
    let inner = usize::from(width.saturating_sub(2));
    lines
        .iter()
        .map(|l| wrap(&l.to_string(), inner).len())
        .sum()
}

/// `room` rows shared by two lists of `a` and `b` rows: half each (the odd row to `a`), and
/// what one leaves to the other.
fn share(room: usize, a: usize, b: usize) -> (usize, usize) {
    let b = b.min(room - a.min(room.div_ceil(2)));
    (a.min(room - b), b)
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

const REFUNDS: [Column; 4] = [
    Column::label("ID", 0),
    Column::label("AT", 2),
    Column::number("AMOUNT", 1),
    Column::label("NOTE", 3),
];

const INCLUDED: [Column; 5] = [
    Column::label("PAYMENT", 0),
    Column::number("CAPTURED", 3),
    Column::number("REFUNDED", 4),
    Column::number("NET", 1),
    Column::number("FEE", 2),
];

pub(super) fn render(app: &App, detail: &Detail, frame: &mut Frame, area: Rect) {
    let c = app.currency;
    let w = area.width;
    let (title, lines): (String, Vec<Line>) = match detail {
        Detail::Member(d) => {
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
            // The history and the payments share the rows left below the rest (after two
            // headings, two column headers and two blank lines).
            let room =
                usize::from(area.height.saturating_sub(2)).saturating_sub(height_of(&l, w) + 6);
            let (history_rows, payment_rows) = share(room, d.history.len(), d.payments.len());
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
            l.extend(table(&HISTORY, &history, w, history_rows));
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
            l.extend(table(&MEMBER_PAYMENTS, &payments, w, payment_rows));
            (format!("Member {}", m.id), l)
        }
        Detail::Merchant(m) => (
            format!("Merchant {}", m.id),
            vec![
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
            ],
        ),
        Detail::Payment(p) => {
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
                l.extend(table(&REFUNDS, &refunds, w, refunds.len()));
            }
            (format!("Payment {}", p.id), l)
        }
        Detail::Settlement(s) => {
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
                n if n > INCLUDED_SHOWN => {
                    format!("Payments included (first {INCLUDED_SHOWN} of {n})")
                }
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
            l.extend(table(&INCLUDED, &included, w, included.len()));
            (format!("Settlement {}", s.id), l)
        }
        Detail::Event(e) => {
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
            (format!("Event {}", e.seq), l)
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(&title, w)),
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
