//! `payctl money recharge|withdraw|balance|history`

use clap::Subcommand;
use payctl_core::clock;
use payctl_core::domain::Command;
use payctl_core::queries::AsOf;
use rust_decimal::Decimal;

use crate::App;
use crate::exit::{CmdResult, invalid};
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, parse_amount, print};

#[derive(Debug, Subcommand)]
pub enum MoneyCommand {
    /// Move money from a linked bank account into the wallet (firm banking).
    #[command(after_help = "Example:\n  payctl money recharge minji@example.com 50,000")]
    Recharge {
        /// Member: its id (mem_N) or email.
        member: String,
        /// Amount in the store currency, e.g. 50,000 (digits, optionally grouped by , or _).
        #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
        amount: Decimal,
        /// The linked account to use (bnk_N; default: the primary).
        #[arg(long, value_name = "LINK")]
        account: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Move money from the wallet to a linked bank account (needs that much available).
    #[command(after_help = "Example:\n  payctl money withdraw mem_1 10000 --account bnk_1")]
    Withdraw {
        /// Member: its id (mem_N) or email.
        member: String,
        /// Amount in the store currency, e.g. 50,000 (digits, optionally grouped by , or _).
        #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
        amount: Decimal,
        /// The linked account to pay into (bnk_N; default: the primary).
        #[arg(long, value_name = "LINK")]
        account: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Balance (posted) and available (minus active holds), now or as of a time or seq.
    #[command(
        after_help = "Examples:\n  payctl money balance minji@example.com\n  payctl money balance mem_1 --as-of 2026-03-02T12:00:00Z --json"
    )]
    Balance {
        /// Member: its id (mem_N) or email.
        member: String,
        /// A time (RFC 3339 or YYYY-MM-DD) or an event seq: state as of that point, from the log.
        #[arg(long, value_name = "TIME|SEQ")]
        as_of: Option<String>,
    },
    /// The wallet's statement, newest first (by event seq).
    #[command(after_help = "Example:\n  payctl money history mem_1 --limit 20")]
    History {
        /// Member: its id (mem_N) or email.
        member: String,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn run(command: MoneyCommand, app: &App) -> CmdResult {
    match command {
        MoneyCommand::Recharge {
            member,
            amount,
            account,
            write,
        } => {
            let cmd = Command::Recharge {
                member,
                amount,
                link: account,
            };
            let done = execute(app, &cmd, &write)?;
            print(
                app,
                &done,
                format!(
                    "Recharged {} into {} ({})",
                    done.money("amount"),
                    done.detail("member"),
                    done.id()
                ),
            );
        }
        MoneyCommand::Withdraw {
            member,
            amount,
            account,
            write,
        } => {
            let cmd = Command::Withdraw {
                member,
                amount,
                link: account,
            };
            let done = execute(app, &cmd, &write)?;
            print(
                app,
                &done,
                format!(
                    "Withdrew {} from {} ({})",
                    done.money("amount"),
                    done.detail("member"),
                    done.id()
                ),
            );
        }
        MoneyCommand::Balance { member, as_of } => {
            let engine = open_snapshot(app)?;
            let b = match as_of {
                None => engine.balance(&member, clock::now())?,
                Some(text) => {
                    let point = AsOf::parse(&text).ok_or_else(|| {
                        invalid(
                            "as-of",
                            &text,
                            "use an RFC 3339 time, YYYY-MM-DD or an event seq",
                        )
                    })?;
                    engine.balance_as_of(&member, point)?
                }
            };
            if app.out.json {
                app.out
                    .json_value(&serde_json::to_value(&b).map_err(|e| color_eyre::eyre::eyre!(e))?);
            } else {
                app.out.fields(&[
                    ("member", b.member.clone()),
                    ("balance", money(b.balance, b.currency)),
                    ("available", money(b.available, b.currency)),
                ]);
            }
        }
        MoneyCommand::History { member, page } => {
            let engine = open_snapshot(app)?;
            let entries = engine.history(&member, page.page())?;
            let window = Window::at_offset(&page, entries.len(), engine.count_history(&member)?);
            if app.out.json {
                app.out
                    .json_value(&window.json("entries", serde_json::json!(entries)));
                return Ok(());
            }
            let c = engine.settings_or_default()?.currency;
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        e.seq.to_string(),
                        e.at.clone(),
                        e.kind.clone(),
                        e.reference.clone(),
                        e.counterparty.clone().unwrap_or_default(),
                        money(e.amount, c),
                        if e.held.is_zero() {
                            String::new()
                        } else {
                            money(e.held, c)
                        },
                        money(e.balance, c),
                        e.status.clone(),
                    ]
                })
                .collect();
            app.out.table(
                &[
                    ("SEQ", Align::Right),
                    ("AT", Align::Left),
                    ("KIND", Align::Left),
                    ("REF", Align::Left),
                    ("WITH", Align::Left),
                    ("AMOUNT", Align::Right),
                    ("HELD", Align::Right),
                    ("BALANCE", Align::Right),
                    ("STATUS", Align::Left),
                ],
                &rows,
            );
            window.print_footer(app);
        }
    }
    Ok(())
}
