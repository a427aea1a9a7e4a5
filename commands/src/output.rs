//! Everything users read: aligned tables, money with separators and currency, JSON objects,
//! errors. Colour only on a terminal and never with NO_COLOR. Stored text is escaped so a
//! name full of terminal escape codes prints as harmless text.

use std::io::{IsTerminal, Write};

use payctl_core::money::Currency;
use rust_decimal::Decimal;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// When human output is coloured (`--color`, the config file's `color`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

pub struct Output {
    pub json: bool,
    color: bool,
}

/// Where a column's cells sit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

impl Output {
    pub fn new(json: bool, choice: crate::output::ColorChoice) -> Output {
        use crate::output::ColorChoice;
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Output { json, color }
    }

    /// Writes one line to stdout; a closed pipe ends the program quietly (exit 0).
    pub fn line(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        if let Err(e) = writeln!(out, "{text}") {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }

    /// A message for people on stderr (summaries, progress notes); a closed stderr is ignored.
    pub fn note(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    pub fn json_value(&self, v: &Value) {
        self.line(&v.to_string());
    }

    /// A dimmed line on stdout under a table (a list's footer).
    pub fn aside(&self, text: &str) {
        self.line(&self.dim(text));
    }

    pub fn bold(&self, text: &str) -> String {
        if self.color {
            format!("\u{1b}[1m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }

    fn dim(&self, text: &str) -> String {
        if self.color {
            format!("\u{1b}[2m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }

    /// Prints an aligned table. Cells are escaped; widths are terminal columns (a Korean
    /// syllable or other wide character takes two), as the console measures them.
    pub fn table(&self, headers: &[(&str, Align)], rows: &[Vec<String>]) {
        if rows.is_empty() {
            self.line(&self.dim("(none)"));
            return;
        }
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| escape(c)).collect())
            .collect();
        let mut widths: Vec<usize> = headers.iter().map(|(h, _)| h.width()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.width());
                }
            }
        }
        let render = |cells: Vec<&str>| -> String {
            let mut parts = Vec::new();
            for (i, c) in cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let pad = w.saturating_sub(c.width());
                let align = headers.get(i).map(|h| h.1).unwrap_or(Align::Left);
                parts.push(match align {
                    Align::Left => format!("{c}{}", " ".repeat(pad)),
                    Align::Right => format!("{}{c}", " ".repeat(pad)),
                });
            }
            parts.join("  ").trim_end().to_string()
        };
        self.line(&self.bold(&render(headers.iter().map(|(h, _)| *h).collect())));
        for r in &rows {
            self.line(&render(r.iter().map(String::as_str).collect()));
        }
    }

    /// `key: value` lines, keys aligned.
    pub fn fields(&self, pairs: &[(&str, String)]) {
        let w = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        for (k, v) in pairs {
            let label = format!("{k}:{}", " ".repeat(w.saturating_sub(k.width())));
            self.line(&format!("{}  {}", self.bold(&label), escape(v)));
        }
    }

    pub fn error(&self, code: &str, message: &str, extra: Option<(&str, Value)>) {
        if self.json {
            let mut obj = serde_json::json!({"error": {"code": code, "message": message}});
            if let (Some((k, v)), Some(map)) = (extra, obj.as_object_mut()) {
                map.insert(k.to_string(), v);
            }
            self.json_value(&obj);
        } else {
            let label = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            {
                "\u{1b}[31merror\u{1b}[0m".to_string()
            } else {
                "error".to_string()
            };
            let _ = writeln!(std::io::stderr(), "{label} [{code}]: {}", escape(message));
        }
    }
}

/// Control characters (ESC, BEL, CR, …) shown as escapes instead of acting on the terminal.
pub fn escape(text: &str) -> String {
    payctl_tui::text::clean(text)
}

/// `47000` → `47,000 KRW`; `-1234.5` (USD) → `-1,234.50 USD`.
pub fn money(amount: Decimal, currency: Currency) -> String {
    payctl_tui::text::money(amount, currency)
}
