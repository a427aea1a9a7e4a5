//! `payctl merchant register|update|show|list`

use clap::Subcommand;
use payctl_core::domain::Command;
use payctl_core::queries::Merchant;
use rust_decimal::Decimal;

use crate::App;
use crate::exit::CmdResult;
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, parse_amount, print};

#[derive(Debug, Subcommand)]
pub enum MerchantCommand {
    /// Register a merchant with its fee rate (percent) and settlement bank account.
    #[command(
        after_help = "Example:\n  payctl merchant register --name 'Hanbit Coffee Gangnam' --code HANBIT-GN --fee-rate 2.35 --bank SHINHAN --account 110-222-333444"
    )]
    Register {
        /// Merchant name, as members see it.
        #[arg(long)]
        name: String,
        /// Unique code; works wherever a merchant is expected.
        #[arg(long)]
        code: String,
        /// Percent, 0 to 100, at most 2 decimals.
        #[arg(long, value_parser = parse_amount, allow_negative_numbers = true)]
        fee_rate: Decimal,
        /// Bank of the settlement account, e.g. SHINHAN.
        #[arg(long)]
        bank: String,
        /// Settlement account number (digits and dashes), verified with the bank.
        #[arg(long)]
        account: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Change the fee rate (new payments only) or the settlement account.
    #[command(after_help = "Example:\n  payctl merchant update HANBIT-GN --fee-rate 1.90")]
    Update {
        /// Merchant: its id (mer_N) or code.
        merchant: String,
        /// New fee rate in percent (payments already made keep theirs).
        #[arg(long, value_parser = parse_amount, allow_negative_numbers = true)]
        fee_rate: Option<Decimal>,
        /// Bank of the new settlement account (with --account).
        #[arg(long)]
        bank: Option<String>,
        /// New settlement account number, verified with the bank.
        #[arg(long)]
        account: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Show a merchant (MERCHANT: id or code) with its unsettled amount.
    #[command(after_help = "Example:\n  payctl merchant show HANBIT-GN")]
    Show {
        /// Merchant: its id (mer_N) or code.
        merchant: String,
    },
    /// List merchants in registration order (mer_1 first).
    #[command(after_help = "Example:\n  payctl merchant list --json")]
    List {
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn run(command: MerchantCommand, app: &App) -> CmdResult {
    match command {
        MerchantCommand::Register {
            name,
            code,
            fee_rate,
            bank,
            account,
            write,
        } => {
            let done = execute(
                app,
                &Command::RegisterMerchant {
                    name,
                    code,
                    fee_rate,
                    bank,
                    account,
                },
                &write,
            )?;
            print(app, &done, format!("Registered merchant {}", done.id()));
        }
        MerchantCommand::Update {
            merchant,
            fee_rate,
            bank,
            account,
            write,
        } => {
            let done = execute(
                app,
                &Command::UpdateMerchant {
                    merchant,
                    fee_rate,
                    bank,
                    account,
                },
                &write,
            )?;
            print(app, &done, format!("Updated merchant {}", done.id()));
        }
        MerchantCommand::Show { merchant } => {
            let engine = open_snapshot(app)?;
            let m = engine.merchant(&merchant)?;
            if app.out.json {
                app.out
                    .json_value(&serde_json::to_value(&m).map_err(|e| color_eyre::eyre::eyre!(e))?);
                return Ok(());
            }
            app.out.fields(&[
                ("merchant", m.id.clone()),
                ("name", m.name.clone()),
                ("code", m.code.clone()),
                ("fee rate", format!("{}%", m.fee_rate)),
                ("account", format!("{} {}", m.bank, m.account)),
                ("registered", m.registered_at.clone()),
                ("unsettled", money(m.unsettled, m.currency)),
                ("deficit", money(m.deficit, m.currency)),
                (
                    "last settlement",
                    m.last_settlement.clone().unwrap_or_else(|| "-".into()),
                ),
            ]);
        }
        MerchantCommand::List { page } => {
            let engine = open_snapshot(app)?;
            let list = engine.merchants(page.page())?;
            let window = Window::at_offset(&page, list.len(), engine.count_merchants()?);
            print_merchants(app, &list, &window);
        }
    }
    Ok(())
}

fn print_merchants(app: &App, list: &[Merchant], window: &Window) {
    if app.out.json {
        app.out
            .json_value(&window.json("merchants", serde_json::json!(list)));
        return;
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|m| {
            vec![
                m.id.clone(),
                m.code.clone(),
                m.name.clone(),
                format!("{}%", m.fee_rate),
                money(m.unsettled, m.currency),
                money(m.deficit, m.currency),
                m.last_settlement.clone().unwrap_or_default(),
            ]
        })
        .collect();
    app.out.table(
        &[
            ("ID", Align::Left),
            ("CODE", Align::Left),
            ("NAME", Align::Left),
            ("FEE", Align::Right),
            ("UNSETTLED", Align::Right),
            ("DEFICIT", Align::Right),
            ("LAST SETTLEMENT", Align::Left),
        ],
        &rows,
    );
    window.print_footer(app);
}
