//! `payctl member register|show|list|update|deactivate`

use clap::{Args, Subcommand};
use payctl_core::clock;
use payctl_core::domain::Command;
use payctl_core::queries::{Member, Page};

use crate::App;
use crate::exit::CmdResult;
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, print};

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// Register a member (a wallet comes with it).
    #[command(
        after_help = "Example:\n  payctl member register --name 'Kim Minji' --email minji@example.com --address 'Gangnam-gu, Seoul'"
    )]
    Register {
        /// Full name (not empty).
        #[arg(long)]
        name: String,
        /// Unique, case-insensitively.
        #[arg(long)]
        email: String,
        /// Postal address.
        #[arg(long)]
        address: Option<String>,
        /// A corporate member.
        #[arg(long)]
        corporate: bool,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Show a member, its wallet and linked accounts (MEMBER: id or email).
    #[command(after_help = "Example:\n  payctl member show minji@example.com")]
    Show {
        /// Member: its id (mem_N) or email.
        member: String,
    },
    /// List members in registration order (mem_1 first), optionally matching a name or email.
    #[command(after_help = "Example:\n  payctl member list --search kim --limit 20")]
    List(ListArgs),
    /// Change a member's name or address.
    #[command(after_help = "Example:\n  payctl member update mem_1 --address 'Mapo-gu, Seoul'")]
    Update {
        /// Member: its id (mem_N) or email.
        member: String,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New address.
        #[arg(long)]
        address: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Deactivate a member: it may then only withdraw and receive refunds.
    #[command(after_help = "Example:\n  payctl member deactivate junho@example.com")]
    Deactivate {
        /// Member: its id (mem_N) or email.
        member: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Reactivate a deactivated member: every operation is open to it again.
    #[command(after_help = "Example:\n  payctl member reactivate junho@example.com")]
    Reactivate {
        /// The member: mem_N or its email.
        member: String,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Substring of the name or email (case-insensitive).
    #[arg(long)]
    search: Option<String>,
    #[command(flatten)]
    page: PageArgs,
}

pub fn run(command: MemberCommand, app: &App) -> CmdResult {
    match command {
        MemberCommand::Register {
            name,
            email,
            address,
            corporate,
            write,
        } => {
            let cmd = Command::RegisterMember {
                name,
                email,
                address,
                corporate,
            };
            let done = execute(app, &cmd, &write)?;
            print(app, &done, format!("Registered member {}", done.id()));
        }
        MemberCommand::Update {
            member,
            name,
            address,
            write,
        } => {
            let done = execute(
                app,
                &Command::UpdateMember {
                    member,
                    name,
                    address,
                },
                &write,
            )?;
            print(app, &done, format!("Updated member {}", done.id()));
        }
        MemberCommand::Deactivate { member, write } => {
            let done = execute(app, &Command::DeactivateMember { member }, &write)?;
            print(app, &done, format!("Deactivated member {}", done.id()));
        }
        MemberCommand::Reactivate { member, write } => {
            let done = execute(app, &Command::ReactivateMember { member }, &write)?;
            print(app, &done, format!("Reactivated member {}", done.id()));
        }
        MemberCommand::Show { member } => {
            let engine = open_snapshot(app)?;
            let m = engine.member(&member, clock::now())?;
            let links = engine.links(Some(&m.id), Page::default())?;
            if app.out.json {
                let mut v = serde_json::to_value(&m).map_err(|e| color_eyre::eyre::eyre!(e))?;
                v["links"] =
                    serde_json::to_value(&links).map_err(|e| color_eyre::eyre::eyre!(e))?;
                app.out.json_value(&v);
                return Ok(());
            }
            app.out.fields(&[
                ("member", m.id.clone()),
                ("name", m.name.clone()),
                ("email", m.email.clone()),
                ("address", m.address.clone().unwrap_or_default()),
                (
                    "corporate",
                    if m.corporate { "yes" } else { "no" }.to_string(),
                ),
                ("status", m.status.clone()),
                ("registered", m.registered_at.clone()),
                ("balance", money(m.balance, m.currency)),
                ("available", money(m.available, m.currency)),
            ]);
            app.out.line("");
            crate::bank::print_links(app, &links);
        }
        MemberCommand::List(args) => {
            let engine = open_snapshot(app)?;
            let search = args.search.as_deref();
            let list = engine.members(search, args.page.page(), clock::now())?;
            let window = Window::at_offset(&args.page, list.len(), engine.count_members(search)?);
            print_members(app, &list, &window);
        }
    }
    Ok(())
}

fn print_members(app: &App, list: &[Member], window: &Window) {
    if app.out.json {
        app.out
            .json_value(&window.json("members", serde_json::json!(list)));
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                m.name.clone(),
                m.email.clone(),
                m.status.clone(),
                money(m.balance, m.currency),
                money(m.available, m.currency),
            ]
        })
        .collect();
    app.out.table(
        &[
            ("ID", Align::Left),
            ("NAME", Align::Left),
            ("EMAIL", Align::Left),
            ("STATUS", Align::Left),
            ("BALANCE", Align::Right),
            ("AVAILABLE", Align::Right),
        ],
        &rows,
    );
    window.print_footer(app);
}
