//! `payctl settle`, `settlement show|list`

use clap::{Args, Subcommand};
use payctl_core::clock::Timestamp;
use payctl_core::domain::Command;
use payctl_core::queries::Settlement;

use crate::App;
use crate::exit::CmdResult;
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, parse_time};

/// Settle merchants: every captured, unsettled payment captured before the cutoff is paid out,
/// less per-payment fees (rounded half up) and any deficit. Each payment settles once, ever.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl settle --cutoff 2026-03-03T00:00:00Z\n  payctl settle --merchant HANBIT-GN"
)]
pub struct SettleArgs {
    /// Only this merchant (id or code).
    #[arg(long)]
    merchant: Option<String>,
    /// Include payments captured strictly before this time (default: the command's time); RFC
    /// 3339 or YYYY-MM-DD (midnight UTC), no later than the wall clock plus 5 minutes.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    cutoff: Option<Timestamp>,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Debug, Subcommand)]
pub enum SettlementCommand {
    /// Show a settlement with the payments it included.
    #[command(after_help = "Example:\n  payctl settlement show stl_1")]
    Show {
        /// Settlement id (stl_N).
        id: String,
    },
    /// List settlements, newest first (by id).
    #[command(after_help = "Example:\n  payctl settlement list --merchant HANBIT-GN")]
    List {
        /// Only this merchant's settlements (id or code).
        #[arg(long)]
        merchant: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn run_settle(a: SettleArgs, app: &App) -> CmdResult {
    let cmd = Command::Settle {
        merchant: a.merchant,
        cutoff: a.cutoff,
    };
    let done = execute(app, &cmd, &a.write)?;
    let ids: Vec<String> = done
        .applied
        .settled
        .iter()
        .map(ToString::to_string)
        .collect();
    if app.out.json {
        let mut v = done.json();
        v["settled"] = serde_json::json!(ids);
        app.out.json_value(&v);
        return Ok(());
    }
    if ids.is_empty() {
        app.out.line(&format!(
            "Nothing to settle: no captured, unsettled payments before the cutoff{}",
            done.suffix()
        ));
        return Ok(());
    }
    let list = ids
        .iter()
        .map(|id| done.engine.settlement(id))
        .collect::<Result<Vec<_>, _>>()?;
    print_settlements(app, &list);
    if done.replayed {
        app.out.line("(replayed)");
    }
    Ok(())
}

pub fn run_settlement(command: SettlementCommand, app: &App) -> CmdResult {
    let engine = open_snapshot(app)?;
    match command {
        SettlementCommand::Show { id } => {
            let s = engine.settlement(&id)?;
            if app.out.json {
                app.out
                    .json_value(&serde_json::to_value(&s).map_err(|e| color_eyre::eyre::eyre!(e))?);
                return Ok(());
            }
            let c = s.currency;
            app.out.fields(&[
                ("settlement", s.id.clone()),
                ("merchant", s.merchant.clone()),
                ("status", s.status.clone()),
                ("cutoff", s.cutoff.clone()),
                ("at", s.at.clone()),
                ("gross", money(s.gross, c)),
                ("refunds", money(s.refunds, c)),
                ("fee", money(s.fee, c)),
                ("deficit", money(s.deficit, c)),
                ("payout", money(s.payout, c)),
                ("carried", money(s.carried, c)),
                (
                    "firm banking",
                    s.firm_banking.clone().unwrap_or_else(|| "-".into()),
                ),
                ("reason", s.reason.clone().unwrap_or_else(|| "-".into())),
            ]);
            app.out.line("");
            let rows: Vec<Vec<String>> = s
                .payments
                .iter()
                .map(|p| {
                    vec![
                        p.payment.clone(),
                        money(p.captured, c),
                        money(p.refunded, c),
                        money(p.net, c),
                        money(p.fee, c),
                    ]
                })
                .collect();
            app.out.table(
                &[
                    ("PAYMENT", Align::Left),
                    ("CAPTURED", Align::Right),
                    ("REFUNDED", Align::Right),
                    ("NET", Align::Right),
                    ("FEE", Align::Right),
                ],
                &rows,
            );
        }
        SettlementCommand::List { merchant, page } => {
            let list = engine.settlements(merchant.as_deref(), page.page())?;
            let total = engine.count_settlements(merchant.as_deref())?;
            let window = Window::at_offset(&page, list.len(), total);
            if app.out.json {
                app.out
                    .json_value(&window.json("settlements", serde_json::json!(list)));
                return Ok(());
            }
            print_settlements(app, &list);
            window.print_footer(app);
        }
    }
    Ok(())
}

fn print_settlements(app: &App, list: &[Settlement]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            let c = s.currency;
            vec![
                s.id.clone(),
                s.merchant.clone(),
                s.status.clone(),
                money(s.gross, c),
                money(s.refunds, c),
                money(s.fee, c),
                money(s.deficit, c),
                money(s.payout, c),
                money(s.carried, c),
                s.cutoff.clone(),
            ]
        })
        .collect();
    app.out.table(
        &[
            ("ID", Align::Left),
            ("MERCHANT", Align::Left),
            ("STATUS", Align::Left),
            ("GROSS", Align::Right),
            ("REFUNDS", Align::Right),
            ("FEE", Align::Right),
            ("DEFICIT", Align::Right),
            ("PAYOUT", Align::Right),
            ("CARRIED", Align::Right),
            ("CUTOFF", Align::Left),
        ],
        &rows,
    );
}
