//! Paged lists: `--limit` and `--offset`, and what every list says after its page: how many
//! rows exist and how to see the next ones (a footer line for people; `total` and `next` beside
//! the rows in JSON).

use clap::Args;
use payctl_core::queries::{EventCount, Page};
use serde_json::{Value, json};

use crate::App;

#[derive(Debug, Clone, Copy, Args)]
pub struct PageArgs {
    /// Rows to show (at most 10,000).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: i64,
    /// Rows to skip first; the footer names the next page's offset.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub offset: i64,
}

impl PageArgs {
    pub fn page(&self) -> Page {
        Page {
            limit: self.limit,
            offset: self.offset,
            past: None,
        }
    }
}

/// Where a page of rows sits among all the rows of its list.
pub struct Window {
    /// Rows before this page (the offset, or the events up to `--after`).
    skipped: i64,
    shown: usize,
    total: i64,
    /// The flag that turns to the next page, and its value.
    next: Option<(&'static str, i64)>,
}

impl Window {
    /// A page read at `--offset`.
    pub fn at_offset(args: &PageArgs, shown: usize, total: i64) -> Window {
        let skipped = args.offset.max(0);
        let end = skipped.saturating_add(shown as i64);
        Window {
            skipped,
            shown,
            total,
            next: (shown > 0 && end < total).then_some(("offset", end)),
        }
    }

    /// A page of events read after a seq; `last` is the seq of its last row.
    pub fn after_seq(count: EventCount, shown: usize, last: Option<i64>) -> Window {
        let more = count.skipped.saturating_add(shown as i64) < count.total;
        Window {
            skipped: count.skipped,
            shown,
            total: count.total,
            next: last.filter(|_| more).map(|seq| ("after", seq)),
        }
    }

    /// The list's JSON object: `{key: rows, "total": N, "next": {"offset": N} | null}`.
    pub fn json(&self, key: &str, rows: Value) -> Value {
        let next = match self.next {
            Some((flag, value)) => json!({ flag: value }),
            None => Value::Null,
        };
        json!({ key: rows, "total": self.total, "next": next })
    }

    /// `showing 101–200 of 2,113; next: --offset 200`; None for an empty list.
    pub fn footer(&self) -> Option<String> {
        if self.total == 0 {
            return None;
        }
        if self.shown == 0 {
            return Some(format!(
                "showing none of {} (past the end; --offset 0 starts over)",
                grouped(self.total)
            ));
        }
        let first = self.skipped + 1;
        let last = self.skipped.saturating_add(self.shown as i64);
        let mut text = format!(
            "showing {}–{} of {}",
            grouped(first),
            grouped(last),
            grouped(self.total)
        );
        if let Some((flag, value)) = self.next {
            text.push_str(&format!("; next: --{flag} {value}"));
        }
        Some(text)
    }

    /// Prints the footer under a human table (nothing in JSON mode or for an empty list).
    pub fn print_footer(&self, app: &App) {
        if let Some(text) = self.footer().filter(|_| !app.out.json) {
            app.out.aside(&text);
        }
    }
}

/// `2113` → `2,113`.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(limit: i64, offset: i64) -> PageArgs {
        PageArgs { limit, offset }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(2113), "2,113");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn a_middle_page_names_its_rows_and_the_next_offset() {
        let w = Window::at_offset(&args(100, 100), 100, 2113);
        assert_eq!(
            w.footer().as_deref(),
            Some("showing 101–200 of 2,113; next: --offset 200")
        );
        assert_eq!(w.json("rows", json!([]))["next"], json!({"offset": 200}));
        assert_eq!(w.json("rows", json!([]))["total"], 2113);
    }

    #[test]
    fn the_last_page_has_no_next() {
        let w = Window::at_offset(&args(100, 2100), 13, 2113);
        assert_eq!(w.footer().as_deref(), Some("showing 2,101–2,113 of 2,113"));
        assert_eq!(w.json("rows", json!([]))["next"], Value::Null);
    }

    #[test]
    fn an_empty_list_has_no_footer_and_a_page_past_the_end_says_so() {
        assert_eq!(Window::at_offset(&args(100, 0), 0, 0).footer(), None);
        let past = Window::at_offset(&args(100, 500), 0, 20);
        assert!(past.footer().is_some_and(|f| f.contains("none of 20")));
        assert_eq!(past.json("rows", json!([]))["next"], Value::Null);
    }

    #[test]
    fn events_turn_the_page_after_the_last_seq_shown() {
        let count = EventCount {
            total: 250,
            skipped: 100,
        };
        let w = Window::after_seq(count, 100, Some(200));
        assert_eq!(
            w.footer().as_deref(),
            Some("showing 101–200 of 250; next: --after 200")
        );
        assert_eq!(w.json("events", json!([]))["next"], json!({"after": 200}));
    }
}
