//! `payctl remit`

use clap::{ArgGroup, Args};
use payctl_core::domain::{Command, RemitTo};
use rust_decimal::Decimal;

use crate::App;
use crate::exit::{CmdResult, invalid};
use crate::write::{WriteArgs, execute, parse_amount, print};

/// Send money from a member's wallet to another member or to any bank account. If the sender is
/// short, its primary account is first recharged in whole auto-recharge units (10,000 by default).
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("dest").required(true).args(["to", "to_bank"])),
    after_help = "Examples:\n  payctl remit minji@example.com 12,000 --to junho@example.com\n  payctl remit mem_1 3000 --to-bank NH --to-account 301-0000-1111-22 --no-auto-recharge"
)]
pub struct RemitArgs {
    /// Sending member: its id (mem_N) or email.
    from: String,
    /// Amount in the store currency, e.g. 12,000.
    #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
    amount: Decimal,
    /// Receiving member (id or email).
    #[arg(long, value_name = "MEMBER")]
    to: Option<String>,
    /// Receiving bank (external remittance); needs --to-account.
    #[arg(long, value_name = "BANK", requires = "to_account")]
    to_bank: Option<String>,
    /// Receiving account number at --to-bank (digits and dashes).
    #[arg(long, value_name = "ACCOUNT", requires = "to_bank")]
    to_account: Option<String>,
    /// Refuse with insufficient_funds instead of recharging when short.
    #[arg(long)]
    no_auto_recharge: bool,
    #[command(flatten)]
    write: WriteArgs,
}

pub fn run(a: RemitArgs, app: &App) -> CmdResult {
    let to = match (a.to, a.to_bank, a.to_account) {
        (Some(m), None, None) => RemitTo::Member(m),
        (None, Some(bank), Some(account)) => RemitTo::Bank { bank, account },
        _ => {
            return Err(invalid(
                "to",
                "",
                "give --to MEMBER or --to-bank BANK --to-account ACCOUNT",
            ));
        }
    };
    let dest = match &to {
        RemitTo::Member(m) => m.clone(),
        RemitTo::Bank { bank, account } => format!("{bank} {account}"),
    };
    let cmd = Command::Remit {
        from: a.from,
        amount: a.amount,
        to,
        auto_recharge: !a.no_auto_recharge,
    };
    let done = execute(app, &cmd, &a.write)?;
    let recharge = match done.detail("recharge") {
        r if r.is_empty() => String::new(),
        r => format!(", after auto-recharge {r}"),
    };
    print(
        app,
        &done,
        format!(
            "Remitted {} from {} to {dest} ({}{recharge})",
            done.money("amount"),
            done.detail("from"),
            done.id()
        ),
    );
    Ok(())
}
