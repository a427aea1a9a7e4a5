//! `/metrics` in Prometheus's text format: what the server counted (requests by route and status
//! with their latency, commits and their batch sizes, refusals for a full queue) and what the
//! books say at the moment of the scrape (log head, float, house, unsettled per merchant,
//! payments, refunds, volume).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use payctl_core::queries::{EventQuery, PaymentQuery};
use payctl_core::{Engine, Error, clock};
use rust_decimal::Decimal;

/// Request latency buckets, in seconds.
const LATENCY: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// Requests per commit.
const BATCH: &[f64] = &[
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
];

#[derive(Debug, Clone)]
struct Histogram {
    bounds: &'static [f64],
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: vec![0; bounds.len()],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, value: f64) {
        for (bound, n) in self.bounds.iter().zip(&mut self.counts) {
            if value <= *bound {
                *n += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }

    /// `name_bucket{labels,le=…}` lines (cumulative), then `_sum` and `_count`.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, n) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// What the server counts as it runs.
pub struct Metrics {
    /// (method, route, status) → latency.
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    batches: Mutex<Histogram>,
    failed_commits: AtomicU64,
    queue_full: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Mutex::new(BTreeMap::new()),
            batches: Mutex::new(Histogram::new(BATCH)),
            failed_commits: AtomicU64::new(0),
            queue_full: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, latency: Duration) {
        if let Ok(mut requests) = self.requests.lock() {
            requests
                .entry((method.to_string(), route.to_string(), status))
                .or_insert_with(|| Histogram::new(LATENCY))
                .observe(latency.as_secs_f64());
        }
    }

    /// A transaction of the writer committed with `requests` in it.
    pub fn committed(&self, requests: usize) {
        if let Ok(mut batches) = self.batches.lock() {
            batches.observe(requests as f64);
        }
    }

    pub fn commit_failed(&self) {
        self.failed_commits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn queue_was_full(&self) {
        self.queue_full.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition: the server's own counts, then the books' figures.
    pub fn render(&self, books: &Books) -> String {
        let mut out = String::new();
        help(
            &mut out,
            "payctl_http_request_duration_seconds",
            "histogram",
            "HTTP requests by method, route and status, and their latency in seconds.",
        );
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), h) in requests.iter() {
                let labels = format!(
                    "method=\"{}\",route=\"{}\",status=\"{status}\"",
                    escape(method),
                    escape(route)
                );
                h.render(&mut out, "payctl_http_request_duration_seconds", &labels);
            }
        }
        help(
            &mut out,
            "payctl_write_batch_size",
            "histogram",
            "Write requests per committed transaction (its count is the commits).",
        );
        if let Ok(batches) = self.batches.lock() {
            batches.render(&mut out, "payctl_write_batch_size", "");
        }
        counter(
            &mut out,
            "payctl_write_commit_failures_total",
            "Transactions of the writer that did not commit.",
            self.failed_commits.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "payctl_write_queue_full_total",
            "Write requests refused with 503 because the queue was full.",
            self.queue_full.load(Ordering::Relaxed),
        );
        books.render(&mut out);
        out
    }
}

/// The books at the moment of a scrape, each figure computed by the store.
pub struct Books {
    head_seq: i64,
    members: i64,
    merchants: i64,
    float: Decimal,
    house: Decimal,
    fees: Decimal,
    unsettled: Vec<(String, Decimal)>,
    payments: Vec<(&'static str, i64)>,
    refunds: i64,
    volume: Decimal,
    currency: String,
}

/// Days of captured volume the dashboard query sums: all of them, in practice.
const ALL_DAYS: i64 = 100 * 366;

impl Books {
    pub fn read(engine: &mut Engine) -> Result<Books, Error> {
        let dashboard = engine.dashboard(ALL_DAYS)?;
        let now = clock::now();
        let mut payments = Vec::new();
        for status in ["authorized", "captured", "voided", "expired"] {
            let filter = PaymentQuery {
                status: Some(status.to_string()),
                ..PaymentQuery::default()
            };
            payments.push((status, engine.count_payments(&filter, now)?));
        }
        let refunds = engine
            .count_events(&EventQuery {
                kind: Some("RefundIssued".to_string()),
                ..EventQuery::default()
            })?
            .total;
        Ok(Books {
            head_seq: engine.log_head()?.0,
            members: dashboard.members,
            merchants: dashboard.merchants,
            float: dashboard.float,
            house: dashboard.house,
            fees: dashboard.fees,
            unsettled: dashboard
                .unsettled
                .iter()
                .map(|(_, code, amount)| (code.clone(), *amount))
                .collect(),
            payments,
            refunds,
            volume: dashboard.daily.iter().map(|(_, _, v)| *v).sum(),
            currency: engine.settings_or_default()?.currency.code().to_string(),
        })
    }

    fn render(&self, out: &mut String) {
        let cur = escape(&self.currency);
        gauge(
            out,
            "payctl_log_head_seq",
            "The seq of the log's last event.",
            self.head_seq,
        );
        gauge(out, "payctl_members", "Members registered.", self.members);
        gauge(
            out,
            "payctl_merchants",
            "Merchants registered.",
            self.merchants,
        );
        let money = [
            (
                "payctl_wallet_float",
                "Σ wallet balances: what the platform owes its members.",
                self.float,
            ),
            (
                "payctl_house_balance",
                "The house account's balance.",
                self.house,
            ),
            ("payctl_fees_earned", "Merchant fees earned.", self.fees),
            ("payctl_payment_volume", "Σ captured payments.", self.volume),
        ];
        for (name, about, amount) in money {
            help(
                out,
                name,
                "gauge",
                &format!("{about} In the store's currency."),
            );
            let _ = writeln!(out, "{name}{{currency=\"{cur}\"}} {amount}");
        }
        help(
            out,
            "payctl_merchant_unsettled",
            "gauge",
            "Captured and not yet settled (net of refunds), per merchant code.",
        );
        for (code, amount) in &self.unsettled {
            let _ = writeln!(
                out,
                "payctl_merchant_unsettled{{merchant=\"{}\",currency=\"{cur}\"}} {amount}",
                escape(code)
            );
        }
        help(out, "payctl_payments", "gauge", "Payments by status.");
        for (status, n) in &self.payments {
            let _ = writeln!(out, "payctl_payments{{status=\"{status}\"}} {n}");
        }
        help(out, "payctl_refunds_total", "counter", "Refunds issued.");
        let _ = writeln!(out, "payctl_refunds_total {}", self.refunds);
    }
}

fn help(out: &mut String, name: &str, kind: &str, about: &str) {
    let _ = writeln!(out, "# HELP {name} {about}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn counter(out: &mut String, name: &str, about: &str, value: u64) {
    help(out, name, "counter", about);
    let _ = writeln!(out, "{name} {value}");
}

fn gauge(out: &mut String, name: &str, about: &str, value: i64) {
    help(out, name, "gauge", about);
    let _ = writeln!(out, "{name} {value}");
}

/// A label value as the text format wants it.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_cumulatively_and_labels_are_escaped() {
        let mut h = Histogram::new(&[1.0, 2.0]);
        h.observe(0.5);
        h.observe(1.5);
        h.observe(3.0);
        let mut out = String::new();
        h.render(&mut out, "x", "route=\"a\"");
        assert_eq!(
            out,
            "x_bucket{route=\"a\",le=\"1\"} 1\nx_bucket{route=\"a\",le=\"2\"} 2\n\
             x_bucket{route=\"a\",le=\"+Inf\"} 3\nx_sum{route=\"a\"} 5\nx_count{route=\"a\"} 3\n"
        );
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
