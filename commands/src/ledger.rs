//! `payctl ledger balances|transactions`

use clap::Subcommand;
use payctl_core::queries::AsOf;
use rust_decimal::Decimal;

use crate::App;
use crate::exit::{CmdResult, invalid};
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::open_snapshot;

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Account balances (hledger signs: assets +, liabilities and income −); they sum to zero.
    #[command(
        after_help = "Examples:\n  payctl ledger balances\n  payctl ledger balances --as-of 2026-03-03T00:00:00Z\n  payctl ledger balances --as-of 120 --json"
    )]
    Balances {
        /// A time (RFC 3339 or YYYY-MM-DD) or an event seq: balances as of then, folded from the log.
        #[arg(long, value_name = "TIME|SEQ")]
        as_of: Option<String>,
    },
    /// Ledger transactions in log order (oldest first), optionally touching one account (or a
    /// prefix ending in ':').
    #[command(
        after_help = "Examples:\n  payctl ledger transactions --account liabilities:wallets:mem_1\n  payctl ledger transactions --account liabilities:merchants: --limit 50"
    )]
    Transactions {
        /// Only transactions touching this account, or any account under a prefix ending in ':'.
        #[arg(long)]
        account: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn run(command: LedgerCommand, app: &App) -> CmdResult {
    let engine = open_snapshot(app)?;
    let c = engine.settings_or_default()?.currency;
    match command {
        LedgerCommand::Balances { as_of } => {
            let balances = match as_of {
                None => engine.ledger_balances()?,
                Some(text) => {
                    let point = AsOf::parse(&text).ok_or_else(|| {
                        invalid(
                            "as-of",
                            &text,
                            "use an RFC 3339 time, YYYY-MM-DD or an event seq",
                        )
                    })?;
                    engine.ledger_balances_as_of(point)?
                }
            };
            if app.out.json {
                app.out
                    .json_value(&serde_json::json!({ "accounts": balances }));
                return Ok(());
            }
            let total: Decimal = balances.iter().map(|b| b.balance).sum();
            let mut rows: Vec<Vec<String>> = balances
                .iter()
                .map(|b| vec![b.account.clone(), money(b.balance, c)])
                .collect();
            rows.push(vec!["(total)".into(), money(total, c)]);
            app.out.table(
                &[("ACCOUNT", Align::Left), ("BALANCE", Align::Right)],
                &rows,
            );
        }
        LedgerCommand::Transactions { account, page } => {
            let txs = engine.ledger_transactions(account.as_deref(), page.page())?;
            let total = engine.count_ledger_transactions(account.as_deref())?;
            let window = Window::at_offset(&page, txs.len(), total);
            if app.out.json {
                app.out
                    .json_value(&window.json("transactions", serde_json::json!(txs)));
                return Ok(());
            }
            let mut rows = Vec::new();
            for t in &txs {
                for (i, p) in t.postings.iter().enumerate() {
                    let (seq, at, desc) = if i == 0 {
                        (t.seq.to_string(), t.at.clone(), t.description.clone())
                    } else {
                        Default::default()
                    };
                    rows.push(vec![seq, at, desc, p.account.clone(), money(p.amount, c)]);
                }
            }
            app.out.table(
                &[
                    ("SEQ", Align::Right),
                    ("AT", Align::Left),
                    ("DESCRIPTION", Align::Left),
                    ("ACCOUNT", Align::Left),
                    ("AMOUNT", Align::Right),
                ],
                &rows,
            );
            window.print_footer(app);
        }
    }
    Ok(())
}
