//! `payctl pay`, `capture`, `void`, `refund`, `payment show|list`

use clap::{Args, Subcommand};
use payctl_core::clock;
use payctl_core::domain::Command;
use payctl_core::queries::PaymentQuery;
use rust_decimal::Decimal;

use crate::App;
use crate::exit::CmdResult;
use crate::output::{Align, money};
use crate::paging::{PageArgs, Window};
use crate::write::{WriteArgs, execute, open_snapshot, parse_amount, print};

/// Pay a merchant from a member's wallet: captured at once, or only authorized with --hold.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  payctl pay minji@example.com HANBIT-GN 4,500 --ref order-1001\n  payctl pay mem_2 mer_1 6000 --ref order-1002 --hold"
)]
pub struct PayArgs {
    /// Paying member: its id (mem_N) or email.
    member: String,
    /// Merchant: its id (mer_N) or code.
    merchant: String,
    /// Amount in the store currency, e.g. 4,500.
    #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
    amount: Decimal,
    /// Your reference (unique); works wherever a payment is expected.
    #[arg(long = "ref", value_name = "REF")]
    reference: Option<String>,
    /// Only authorize: available drops now; capture, void or expiry later.
    #[arg(long)]
    hold: bool,
    /// Refuse with insufficient_funds instead of recharging when short.
    #[arg(long)]
    no_auto_recharge: bool,
    #[command(flatten)]
    write: WriteArgs,
}

/// Capture a held payment, fully or partly (the rest is released).
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  payctl capture order-1002 5,500")]
pub struct CaptureArgs {
    /// Held payment: its id (pay_N) or ref.
    payment: String,
    /// How much to capture (default: all that was authorized); the rest is released.
    #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
    amount: Option<Decimal>,
    #[command(flatten)]
    write: WriteArgs,
}

/// Release a held payment without capturing it.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  payctl void order-1003")]
pub struct VoidArgs {
    /// Held payment: its id (pay_N) or ref.
    payment: String,
    #[command(flatten)]
    write: WriteArgs,
}

/// Refund a captured payment, fully (default: all that is left) or partly; works after settlement.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  payctl refund order-1001 1,500\n  payctl refund pay_2")]
pub struct RefundArgs {
    /// Captured payment: its id (pay_N) or ref.
    payment: String,
    /// How much to refund (default: all that is left).
    #[arg(value_parser = parse_amount, allow_negative_numbers = true)]
    amount: Option<Decimal>,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Show a payment (PAYMENT: pay_N or its ref) with its refunds.
    #[command(after_help = "Example:\n  payctl payment show order-1001")]
    Show {
        /// Payment: its id (pay_N) or ref.
        payment: String,
    },
    /// List payments, newest first (by id).
    #[command(
        after_help = "Example:\n  payctl payment list --merchant HANBIT-GN --status captured"
    )]
    List {
        /// Only this member's payments (id or email).
        #[arg(long)]
        member: Option<String>,
        /// Only this merchant's payments (id or code).
        #[arg(long)]
        merchant: Option<String>,
        /// authorized, captured, voided, expired, settled or unsettled.
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        page: PageArgs,
    },
}

pub fn run_pay(a: PayArgs, app: &App) -> CmdResult {
    let cmd = Command::Pay {
        member: a.member,
        merchant: a.merchant,
        amount: a.amount,
        reference: a.reference,
        hold: a.hold,
        auto_recharge: !a.no_auto_recharge,
    };
    let done = execute(app, &cmd, &a.write)?;
    let verb = if done.detail("status") == "authorized" {
        "Authorized (held)"
    } else {
        "Paid"
    };
    let recharge = match done.detail("recharge") {
        r if r.is_empty() => String::new(),
        r => format!(", after auto-recharge {r}"),
    };
    print(
        app,
        &done,
        format!(
            "{verb} {} from {} to {} ({}{recharge})",
            done.money("amount"),
            done.detail("member"),
            done.detail("merchant"),
            done.id()
        ),
    );
    Ok(())
}

pub fn run_capture(a: CaptureArgs, app: &App) -> CmdResult {
    let done = execute(
        app,
        &Command::Capture {
            payment: a.payment,
            amount: a.amount,
        },
        &a.write,
    )?;
    print(
        app,
        &done,
        format!(
            "Captured {} of {} (released {})",
            done.money("amount"),
            done.id(),
            done.money("released")
        ),
    );
    Ok(())
}

pub fn run_void(a: VoidArgs, app: &App) -> CmdResult {
    let done = execute(app, &Command::Void { payment: a.payment }, &a.write)?;
    print(
        app,
        &done,
        format!("Voided {} (released {})", done.id(), done.money("released")),
    );
    Ok(())
}

pub fn run_refund(a: RefundArgs, app: &App) -> CmdResult {
    let done = execute(
        app,
        &Command::Refund {
            payment: a.payment,
            amount: a.amount,
        },
        &a.write,
    )?;
    print(
        app,
        &done,
        format!(
            "Refunded {} of {} ({})",
            done.money("amount"),
            done.detail("payment"),
            done.id()
        ),
    );
    Ok(())
}

pub fn run_payment(command: PaymentCommand, app: &App) -> CmdResult {
    let engine = open_snapshot(app)?;
    match command {
        PaymentCommand::Show { payment } => {
            let p = engine.payment(&payment, clock::now())?;
            if app.out.json {
                app.out
                    .json_value(&serde_json::to_value(&p).map_err(|e| color_eyre::eyre::eyre!(e))?);
                return Ok(());
            }
            let c = p.currency;
            app.out.fields(&[
                ("payment", p.id.clone()),
                ("ref", p.reference.clone().unwrap_or_default()),
                ("member", p.member.clone()),
                ("merchant", p.merchant.clone()),
                ("status", p.status.clone()),
                ("amount", money(p.amount, c)),
                ("captured", money(p.captured, c)),
                ("refunded", money(p.refunded, c)),
                ("fee rate", format!("{}%", p.fee_rate)),
                ("created", p.created_at.clone()),
                (
                    "expires",
                    p.expires_at.clone().unwrap_or_else(|| "-".into()),
                ),
                (
                    "captured at",
                    p.captured_at.clone().unwrap_or_else(|| "-".into()),
                ),
                (
                    "settlement",
                    p.settlement.clone().unwrap_or_else(|| "-".into()),
                ),
            ]);
            if !p.refunds.is_empty() {
                app.out.line("");
                let rows: Vec<Vec<String>> = p
                    .refunds
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            r.at.clone(),
                            money(r.amount, c),
                            if r.after_settlement {
                                "yes".into()
                            } else {
                                String::new()
                            },
                        ]
                    })
                    .collect();
                app.out.table(
                    &[
                        ("REFUND", Align::Left),
                        ("AT", Align::Left),
                        ("AMOUNT", Align::Right),
                        ("AFTER SETTLEMENT", Align::Left),
                    ],
                    &rows,
                );
            }
        }
        PaymentCommand::List {
            member,
            merchant,
            status,
            page,
        } => {
            let q = PaymentQuery {
                member,
                merchant,
                status,
            };
            let now = clock::now();
            let list = engine.payments(&q, page.page(), now)?;
            let window = Window::at_offset(&page, list.len(), engine.count_payments(&q, now)?);
            if app.out.json {
                app.out
                    .json_value(&window.json("payments", serde_json::json!(list)));
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|p| {
                    vec![
                        p.id.clone(),
                        p.reference.clone().unwrap_or_default(),
                        p.member.clone(),
                        p.merchant.clone(),
                        p.status.clone(),
                        money(p.amount, p.currency),
                        money(p.captured, p.currency),
                        money(p.refunded, p.currency),
                        p.settlement.clone().unwrap_or_default(),
                        p.created_at.clone(),
                    ]
                })
                .collect();
            app.out.table(
                &[
                    ("ID", Align::Left),
                    ("REF", Align::Left),
                    ("MEMBER", Align::Left),
                    ("MERCHANT", Align::Left),
                    ("STATUS", Align::Left),
                    ("AMOUNT", Align::Right),
                    ("CAPTURED", Align::Right),
                    ("REFUNDED", Align::Right),
                    ("SETTLEMENT", Align::Left),
                    ("CREATED", Align::Left),
                ],
                &rows,
            );
            window.print_footer(app);
        }
    }
    Ok(())
}
