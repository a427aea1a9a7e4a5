//! `payctl events`: the log itself.

use std::time::Duration;

use clap::Args;
use payctl_core::queries::{EventQuery, EventRow};

use crate::App;
use crate::exit::CmdResult;
use crate::output::Align;
use crate::paging::Window;
use crate::write::open_read;

/// The event log in log order (seq, oldest first): every fact payctl recorded, with its
/// stream, envelope and hash.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl events --stream payment-pay_1\n  payctl events --kind RefundIssued --json\n  payctl events --after 120 --follow"
)]
pub struct EventsArgs {
    /// Only this stream, e.g. member-mem_1, wallet-mem_1, payment-pay_3.
    #[arg(long)]
    stream: Option<String>,
    /// Only this kind, e.g. PaymentCaptured.
    #[arg(long)]
    kind: Option<String>,
    /// Only events after this seq (the footer names the next page's).
    #[arg(long, value_name = "SEQ")]
    after: Option<i64>,
    /// Events to show (at most 10,000).
    #[arg(long, default_value_t = 100, value_name = "N")]
    limit: i64,
    /// Keep printing new events as other processes append them (Ctrl-C to stop).
    #[arg(long)]
    follow: bool,
}

pub fn run(a: EventsArgs, app: &App) -> CmdResult {
    let engine = open_read(app)?;
    let mut query = EventQuery {
        stream: a.stream,
        kind: a.kind,
        after: a.after,
    };
    let rows = engine.events(&query, a.limit)?;
    if !a.follow {
        let count = engine.count_events(&query)?;
        let window = Window::after_seq(count, rows.len(), rows.last().map(|r| r.seq));
        if app.out.json {
            app.out
                .json_value(&window.json("events", serde_json::json!(rows)));
            return Ok(());
        }
        print_rows(app, &rows, true);
        window.print_footer(app);
        return Ok(());
    }
    print_rows(app, &rows, true);
    query.after = rows.last().map(|r| r.seq).or(query.after);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let rows = engine.events(&query, 1000)?;
        if let Some(last) = rows.last() {
            query.after = Some(last.seq);
            print_rows(app, &rows, false);
        }
    }
}

fn print_rows(app: &App, rows: &[EventRow], header: bool) {
    if app.out.json {
        for r in rows {
            app.out
                .json_value(&serde_json::to_value(r).unwrap_or_default());
        }
        return;
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.seq.to_string(),
                r.effective_at.clone(),
                r.stream.clone(),
                r.kind.clone(),
                r.actor.clone(),
                r.idempotency_key.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if header || !cells.is_empty() {
        app.out.table(
            &[
                ("SEQ", Align::Right),
                ("AT", Align::Left),
                ("STREAM", Align::Left),
                ("KIND", Align::Left),
                ("ACTOR", Align::Left),
                ("KEY", Align::Left),
            ],
            &cells,
        );
    }
}
