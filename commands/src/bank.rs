//! `payctl bank link|unlink|list|requests|sim set`

use clap::{ArgGroup, Args, Subcommand};
use payctl_core::domain::{Command, LinkRef};
use payctl_core::queries::Link;

use crate::App;
use crate::exit::CmdResult;
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, parse_amount, print};

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Link an external bank account to a member (verified with the bank; the first is primary).
    #[command(
        after_help = "Example:\n  payctl bank link minji@example.com --bank KB --account 123-45-678901"
    )]
    Link {
        /// Member: its id (mem_N) or email.
        member: String,
        /// Bank code, e.g. KB, SHINHAN, WOORI.
        #[arg(long)]
        bank: String,
        /// Account number: digits and dashes.
        #[arg(long)]
        account: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Unlink an account (LINK: bnk_N). Unlinking the primary promotes the oldest remaining link.
    #[command(after_help = "Example:\n  payctl bank unlink bnk_2")]
    Unlink {
        /// Linked account id (bnk_N).
        link: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// List linked accounts, of one member or of all, in link order (bnk_1 first).
    #[command(after_help = "Example:\n  payctl bank list mem_1")]
    List {
        /// Only this member's accounts (id or email; default: every member's).
        member: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Firm-banking requests (transfers between the house and outside accounts), newest first.
    #[command(after_help = "Example:\n  payctl bank requests --limit 20")]
    Requests {
        #[command(flatten)]
        page: PageArgs,
    },
    /// What happened to one firm-banking request.
    #[command(after_help = "Example:\n  payctl bank request fb_3 --json")]
    Request {
        /// Firm-banking request id (fb_N).
        id: String,
    },
    /// The bank simulator: the deterministic outside world that firm banking talks to.
    #[command(
        subcommand,
        after_help = "Example:\n  payctl bank sim set WOORI 1002-333-444555 --balance 30000"
    )]
    Sim(SimCommand),
}

#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Configure an external account: a running balance, closed or open. Only what is named changes.
    #[command(
        after_help = "Examples:\n  payctl bank sim set WOORI 1002-333-444555 --balance 30000\n  payctl bank sim set KB 123-45-678901 --closed"
    )]
    Set(SimSetArgs),
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("state").args(["closed", "open"])))]
pub struct SimSetArgs {
    /// Bank code, e.g. WOORI.
    bank: String,
    /// Account number at that bank (digits and dashes).
    account: String,
    /// Funds the account holds (debited by recharges, credited by transfers in).
    #[arg(long, value_parser = parse_amount, allow_negative_numbers = true)]
    balance: Option<rust_decimal::Decimal>,
    /// Close the account: every transfer touching it fails.
    #[arg(long)]
    closed: bool,
    /// Reopen the account.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    write: WriteArgs,
}

pub fn run(command: BankCommand, app: &App) -> CmdResult {
    match command {
        BankCommand::Link {
            member,
            bank,
            account,
            write,
        } => {
            let done = execute(
                app,
                &Command::LinkBank {
                    member,
                    bank,
                    account,
                },
                &write,
            )?;
            let primary = if done.detail("primary") == "true" {
                " (primary)"
            } else {
                ""
            };
            print(
                app,
                &done,
                format!("Linked {} to {}{primary}", done.id(), done.detail("member")),
            );
        }
        BankCommand::Unlink { link, write } => {
            let done = execute(
                app,
                &Command::UnlinkBank {
                    link: LinkRef::Id(link),
                },
                &write,
            )?;
            print(
                app,
                &done,
                format!("Unlinked {} from {}", done.id(), done.detail("member")),
            );
        }
        BankCommand::List { member, page } => {
            let engine = open_snapshot(app)?;
            let links = engine.links(member.as_deref(), page.page())?;
            let total = engine.count_links(member.as_deref())?;
            let window = Window::at_offset(&page, links.len(), total);
            if app.out.json {
                app.out
                    .json_value(&window.json("links", serde_json::json!(links)));
                return Ok(());
            }
            print_links(app, &links);
            window.print_footer(app);
        }
        BankCommand::Request { id } => {
            let engine = open_snapshot(app)?;
            let r = engine.firm_banking_request(&id)?;
            if app.out.json {
                app.out
                    .json_value(&serde_json::to_value(&r).map_err(|e| color_eyre::eyre::eyre!(e))?);
                return Ok(());
            }
            let c = engine.settings_or_default()?.currency;
            app.out.fields(&[
                ("request", r.id.clone()),
                ("at", r.requested_at.clone()),
                ("from", r.from.clone()),
                ("to", r.to.clone()),
                ("amount", money(r.amount, c)),
                ("for", r.purpose.clone()),
                ("status", r.status.clone()),
                ("reason", r.reason.clone().unwrap_or_else(|| "-".into())),
            ]);
        }
        BankCommand::Requests { page } => {
            let engine = open_snapshot(app)?;
            let list = engine.firm_banking(page.page())?;
            let window = Window::at_offset(&page, list.len(), engine.count_firm_banking()?);
            if app.out.json {
                app.out
                    .json_value(&window.json("requests", serde_json::json!(list)));
                return Ok(());
            }
            let c = engine.settings_or_default()?.currency;
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.requested_at.clone(),
                        r.from.clone(),
                        r.to.clone(),
                        money(r.amount, c),
                        r.purpose.clone(),
                        r.status.clone(),
                        r.reason.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            app.out.table(
                &[
                    ("ID", Align::Left),
                    ("AT", Align::Left),
                    ("FROM", Align::Left),
                    ("TO", Align::Left),
                    ("AMOUNT", Align::Right),
                    ("FOR", Align::Left),
                    ("STATUS", Align::Left),
                    ("REASON", Align::Left),
                ],
                &rows,
            );
            window.print_footer(app);
        }
        BankCommand::Sim(SimCommand::Set(a)) => {
            let closed = if a.closed {
                Some(true)
            } else if a.open {
                Some(false)
            } else {
                None
            };
            let cmd = Command::SimSet {
                bank: a.bank.clone(),
                account: a.account.clone(),
                balance: a.balance,
                closed,
            };
            let done = execute(app, &cmd, &a.write)?;
            print(
                app,
                &done,
                format!("Bank simulator: {} {} configured", a.bank, a.account),
            );
        }
    }
    Ok(())
}

/// Linked accounts as a table (for `bank list` and `member show`).
pub fn print_links(app: &App, links: &[Link]) {
    let rows: Vec<Vec<String>> = links
        .iter()
        .map(|l| {
            vec![
                l.id.clone(),
                l.member.clone(),
                l.bank.clone(),
                l.account.clone(),
                if l.primary {
                    "yes".into()
                } else {
                    String::new()
                },
                l.status.clone(),
            ]
        })
        .collect();
    app.out.table(
        &[
            ("LINK", Align::Left),
            ("MEMBER", Align::Left),
            ("BANK", Align::Left),
            ("ACCOUNT", Align::Left),
            ("PRIMARY", Align::Left),
            ("STATUS", Align::Left),
        ],
        &rows,
    );
}
