//! Action forms: fields, inline validation with the CLI's amount grammar and error codes, the
//! confirmation text shown before any money moves, what the keys do in a form, and its drawing.

use payctl_core::domain::{Command, RemitTo};
use payctl_core::money::{Amount, Currency, parse_decimal};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use rust_decimal::Decimal;

use crate::keymap::{self, Mode};
use crate::style::{ACCENT, block, bold, centered, dim};
use crate::text::{self, clean, wrap};

/// Characters a field holds at most.
const FIELD_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    RegisterMember,
    LinkBank,
    Recharge,
    Withdraw,
    Remit,
    Pay,
    Hold,
    Capture,
    Void,
    Refund,
    RegisterMerchant,
    Settle,
}

impl Action {
    pub fn title(self) -> &'static str {
        match self {
            Action::RegisterMember => "Register member",
            Action::LinkBank => "Link bank account",
            Action::Recharge => "Recharge wallet",
            Action::Withdraw => "Withdraw to bank",
            Action::Remit => "Remit",
            Action::Pay => "Pay (capture at once)",
            Action::Hold => "Pay (hold only)",
            Action::Capture => "Capture held payment",
            Action::Void => "Void held payment",
            Action::Refund => "Refund payment",
            Action::RegisterMerchant => "Register merchant",
            Action::Settle => "Settle",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// Required amount in the store currency.
    Amount,
    /// Optional amount (empty: all / the default).
    OptionalAmount,
    /// Optional text.
    OptionalText,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    pub kind: FieldKind,
}

impl Field {
    fn new(label: &'static str, kind: FieldKind, value: &str) -> Field {
        Field {
            label,
            value: value.to_string(),
            kind,
        }
    }
}

/// What the selection on the current screen suggests for a new form.
#[derive(Debug, Clone, Default)]
pub struct Prefill {
    pub member: Option<String>,
    pub merchant: Option<String>,
    pub payment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub action: Action,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The field at fault and the message, after a failed submit.
    pub error: Option<(usize, String)>,
    /// Set once the input is valid: what will happen, waiting for y/n.
    pub confirming: Option<String>,
}

fn amount_field(
    field: &Field,
    currency: Currency,
    required: bool,
) -> Result<Option<Decimal>, String> {
    let v = field.value.trim();
    if v.is_empty() {
        return if required {
            Err("invalid_input: amount is required".to_string())
        } else {
            Ok(None)
        };
    }
    let d = parse_decimal(v).map_err(|e| format!("invalid_input: {e}"))?;
    Amount::positive(d, currency).map_err(|e| format!("invalid_input: {e}"))?;
    Ok(Some(d))
}

impl Form {
    pub fn new(action: Action, pre: &Prefill) -> Form {
        use FieldKind::*;
        let m = pre.member.as_deref().unwrap_or("");
        let mer = pre.merchant.as_deref().unwrap_or("");
        let p = pre.payment.as_deref().unwrap_or("");
        let fields = match action {
            Action::RegisterMember => vec![
                Field::new("Name", Text, ""),
                Field::new("Email", Text, ""),
                Field::new("Address", OptionalText, ""),
            ],
            Action::LinkBank => vec![
                Field::new("Member", Text, m),
                Field::new("Bank", Text, ""),
                Field::new("Account", Text, ""),
            ],
            Action::Recharge | Action::Withdraw => {
                vec![
                    Field::new("Member", Text, m),
                    Field::new("Amount", Amount, ""),
                ]
            }
            Action::Remit => vec![
                Field::new("From", Text, m),
                Field::new("To member", Text, ""),
                Field::new("Amount", Amount, ""),
            ],
            Action::Pay | Action::Hold => vec![
                Field::new("Member", Text, m),
                Field::new("Merchant", Text, mer),
                Field::new("Amount", Amount, ""),
                Field::new("Ref", OptionalText, ""),
            ],
            Action::Capture | Action::Refund => vec![
                Field::new("Payment", Text, p),
                Field::new("Amount (empty: all)", OptionalAmount, ""),
            ],
            Action::Void => vec![Field::new("Payment", Text, p)],
            Action::RegisterMerchant => vec![
                Field::new("Name", Text, ""),
                Field::new("Code", Text, ""),
                Field::new("Fee rate %", Text, ""),
                Field::new("Bank", Text, ""),
                Field::new("Account", Text, ""),
            ],
            Action::Settle => vec![Field::new("Merchant (empty: all)", OptionalText, mer)],
        };
        // Start on the first empty field.
        let focus = fields.iter().position(|f| f.value.is_empty()).unwrap_or(0);
        Form {
            action,
            fields,
            focus,
            error: None,
            confirming: None,
        }
    }

    fn value(&self, i: usize) -> String {
        self.fields
            .get(i)
            .map(|f| f.value.trim().to_string())
            .unwrap_or_default()
    }

    fn opt(&self, i: usize) -> Option<String> {
        Some(self.value(i)).filter(|v| !v.is_empty())
    }

    /// Checks every field; on success the command and the sentence that says what it will do.
    pub fn validate(&self, currency: Currency) -> Result<(Command, String), (usize, String)> {
        for (i, f) in self.fields.iter().enumerate() {
            if f.kind == FieldKind::Text && f.value.trim().is_empty() {
                return Err((i, format!("invalid_input: {} is required", f.label)));
            }
        }
        let amount_at = |i: usize, required: bool| -> Result<Option<Decimal>, (usize, String)> {
            match self.fields.get(i) {
                Some(f) => amount_field(f, currency, required).map_err(|e| (i, e)),
                None => Ok(None),
            }
        };
        let money = |d: Decimal| text::money(d, currency);
        Ok(match self.action {
            Action::RegisterMember => (
                Command::RegisterMember {
                    name: self.value(0),
                    email: self.value(1),
                    address: self.opt(2),
                    corporate: false,
                },
                format!("Register member {} <{}>", self.value(0), self.value(1)),
            ),
            Action::LinkBank => (
                Command::LinkBank {
                    member: self.value(0),
                    bank: self.value(1),
                    account: self.value(2),
                },
                format!(
                    "Link {} {} to {} (the bank verifies it)",
                    self.value(1),
                    self.value(2),
                    self.value(0)
                ),
            ),
            Action::Recharge | Action::Withdraw => {
                let amount = amount_at(1, true)?.unwrap_or_default();
                if self.action == Action::Recharge {
                    (
                        Command::Recharge {
                            member: self.value(0),
                            amount,
                            link: None,
                        },
                        format!(
                            "Recharge {} into {}'s wallet from its primary bank account",
                            money(amount),
                            self.value(0)
                        ),
                    )
                } else {
                    (
                        Command::Withdraw {
                            member: self.value(0),
                            amount,
                            link: None,
                        },
                        format!(
                            "Withdraw {} from {}'s wallet to its primary bank account",
                            money(amount),
                            self.value(0)
                        ),
                    )
                }
            }
            Action::Remit => {
                let amount = amount_at(2, true)?.unwrap_or_default();
                (
                    Command::Remit {
                        from: self.value(0),
                        amount,
                        to: RemitTo::Member(self.value(1)),
                        auto_recharge: true,
                    },
                    format!(
                        "Send {} from {} to {} (auto-recharge if short)",
                        money(amount),
                        self.value(0),
                        self.value(1)
                    ),
                )
            }
            Action::Pay | Action::Hold => {
                let amount = amount_at(2, true)?.unwrap_or_default();
                let hold = self.action == Action::Hold;
                (
                    Command::Pay {
                        member: self.value(0),
                        merchant: self.value(1),
                        amount,
                        reference: self.opt(3),
                        hold,
                        auto_recharge: true,
                    },
                    format!(
                        "{} {} from {} to {}",
                        if hold { "Hold" } else { "Pay" },
                        money(amount),
                        self.value(0),
                        self.value(1)
                    ),
                )
            }
            Action::Capture => {
                let amount = amount_at(1, false)?;
                (
                    Command::Capture {
                        payment: self.value(0),
                        amount,
                    },
                    match amount {
                        Some(a) => format!(
                            "Capture {} of {} (the rest is released)",
                            money(a),
                            self.value(0)
                        ),
                        None => format!("Capture all of {}", self.value(0)),
                    },
                )
            }
            Action::Void => (
                Command::Void {
                    payment: self.value(0),
                },
                format!("Void {} (its hold is released)", self.value(0)),
            ),
            Action::Refund => {
                let amount = amount_at(1, false)?;
                (
                    Command::Refund {
                        payment: self.value(0),
                        amount,
                    },
                    match amount {
                        Some(a) => format!(
                            "Refund {} of {} to the member's wallet",
                            money(a),
                            self.value(0)
                        ),
                        None => format!("Refund all that is left of {}", self.value(0)),
                    },
                )
            }
            Action::RegisterMerchant => {
                let rate = parse_decimal(&self.value(2)).map_err(|_| {
                    (
                        2,
                        format!(
                            "invalid_input: fee rate {:?} is not a percentage like 2.35",
                            self.value(2)
                        ),
                    )
                })?;
                (
                    Command::RegisterMerchant {
                        name: self.value(0),
                        code: self.value(1),
                        fee_rate: rate,
                        bank: self.value(3),
                        account: self.value(4),
                    },
                    format!(
                        "Register merchant {} ({}) at {}%",
                        self.value(0),
                        self.value(1),
                        rate
                    ),
                )
            }
            Action::Settle => {
                let merchant = self.opt(0);
                (
                    Command::Settle {
                        merchant: merchant.clone(),
                        cutoff: None,
                    },
                    match merchant {
                        Some(m) => format!("Settle {m}: pay out everything captured until now"),
                        None => "Settle every merchant: pay out everything captured until now"
                            .to_string(),
                    },
                )
            }
        })
    }
}

impl Form {
    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    pub fn previous_field(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// Types `c` into the field in focus.
    pub fn type_char(&mut self, c: char) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            if f.value.chars().count() < FIELD_MAX {
                f.value.push(c);
            }
        }
        self.error = None;
    }

    /// Erases the last character of the field in focus.
    pub fn erase(&mut self) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.value.pop();
        }
        self.error = None;
    }

    /// Checks the fields: the sentence of what will happen, waiting for y/n; or the field at
    /// fault, in focus, and why.
    pub fn review(&mut self, currency: Currency) {
        match self.validate(currency) {
            Ok((_, summary)) => {
                self.error = None;
                self.confirming = Some(summary);
            }
            Err((field, message)) => {
                self.focus = field;
                self.error = Some((field, message));
            }
        }
    }

    /// Back to editing after the review.
    pub fn edit(&mut self) {
        self.confirming = None;
    }
}

/// The form over the screen, centred.
pub fn render(f: &Form, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    for (i, field) in f.fields.iter().enumerate() {
        let focused = i == f.focus && f.confirming.is_none();
        let label = Span::styled(
            format!("{:<22}", field.label),
            if focused {
                Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            },
        );
        let mut value = clean(&field.value);
        if focused {
            value.push('█');
        }
        lines.push(Line::from(vec![label, Span::raw(value)]));
        if let Some((at, msg)) = &f.error {
            if *at == i {
                lines.push(Line::from(Span::styled(
                    format!("  ✗ {}", clean(msg)),
                    Style::default().fg(Color::Red),
                )));
            }
        }
    }
    lines.push(Line::from(""));
    match &f.confirming {
        Some(summary) => {
            lines.push(Line::from(Span::styled(clean(summary), bold())));
            lines.push(Line::from(Span::styled(
                format!("Confirm? {}", keymap::hint(Mode::Confirm)),
                Style::default().fg(Color::Yellow),
            )));
        }
        None => lines.push(Line::from(Span::styled(keymap::hint(Mode::Form), dim()))),
    }
    // As tall as the lines once wrapped: the confirmation prompt must never fall off the bottom.
    let inner = usize::from(72.min(area.width).saturating_sub(2));
    let height: usize = lines
        .iter()
        .map(|l| wrap(&l.to_string(), inner).len())
        .sum();
    let rect = centered(area, 72, u16::try_from(height + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(f.action.title(), rect.width)),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_with_too_many_decimals_is_refused_inline() {
        let mut f = Form::new(
            Action::Recharge,
            &Prefill {
                member: Some("mem_1".into()),
                ..Prefill::default()
            },
        );
        assert_eq!(f.focus, 1, "focus starts on the empty amount");
        f.fields[1].value = "1.5".into();
        let err = f.validate(Currency::Krw).err();
        assert!(
            matches!(&err, Some((1, m)) if m.starts_with("invalid_input")),
            "{err:?}"
        );
        f.fields[1].value = "50,000".into();
        let ok = f.validate(Currency::Krw);
        assert!(
            matches!(&ok, Ok((Command::Recharge { .. }, s)) if s.contains("50,000 KRW")),
            "{ok:?}"
        );
    }
}
