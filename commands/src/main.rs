//! payctl: a whole pay platform in one binary. This crate is the edge: argument parsing, output,
//! exit codes, where the store lives. Every rule lives in payctl-core.

mod admin;
mod bank;
mod cli_tree;
mod demo;
mod events;
mod exit;
mod export;
mod files;
mod import;
mod ledger;
mod man;
mod member;
mod merchant;
mod money;
mod output;
mod paging;
mod pay;
mod remit;
mod serve;
mod settings;
mod settle;
mod store;
mod token;
mod write;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

use crate::output::Output;

/// payctl — members, bank accounts, wallets, remittances, payments, refunds and settlement on
/// one event-sourced, double-entry store (a local SQLite file, or a shared PostgreSQL database).
#[derive(Debug, Parser)]
#[command(
    name = "payctl",
    version = VERSION,
    about = ABOUT,
    infer_subcommands = false,
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    globals: Globals,
    #[command(subcommand)]
    command: Option<Command>,
}

const ABOUT: &str = "payctl — members, bank accounts, wallets, remittances, payments, refunds and \
    settlement on one event-sourced, double-entry store (a local SQLite file, or a shared PostgreSQL \
    database)";
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("PAYCTL_GIT_HASH"),
    ")"
);
const AFTER_HELP: &str = "Examples:\n  payctl init --currency KRW\n  payctl member register --name 'Kim Minji' --email minji@example.com\n  payctl money balance minji@example.com\n\nExit codes: 0 ok, 1 internal, 2 invalid input, 3 refused by a rule, 4 not found,\n5 conflict, 6 store problem.";

// The flags every command takes (a plain comment: a doc comment would become the about text),
// listed apart from each command's own under their own heading.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
struct Globals {
    /// The store: a SQLite file, or a PostgreSQL URL (postgres://user@host/dbname?schema=payctl)
    /// (default: the config file's db, else the platform data dir, e.g. ~/.local/share/payctl/payctl.db).
    #[arg(
        long,
        global = true,
        env = "PAYCTL_DB",
        hide_env_values = true,
        value_name = "DB"
    )]
    db: Option<PathBuf>,
    /// Machine output: one JSON object on stdout (errors too).
    #[arg(long, global = true)]
    json: bool,
    /// Who is acting, recorded on every event (default: the config file's, else the OS user).
    #[arg(long, global = true, value_name = "NAME")]
    actor: Option<String>,
    /// Colour in human output (default: the config file's, else auto: on a terminal without
    /// NO_COLOR).
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    color: Option<output::ColorChoice>,
}

#[derive(Debug, Subcommand)]
enum Command {
    #[command(
        subcommand,
        about = cli_tree::MEMBER.about,
        after_help = cli_tree::MEMBER.example
    )]
    Member(member::MemberCommand),
    #[command(
        subcommand,
        about = cli_tree::BANK.about,
        after_help = cli_tree::BANK.example
    )]
    Bank(bank::BankCommand),
    #[command(
        subcommand,
        about = cli_tree::MONEY.about,
        after_help = cli_tree::MONEY.example
    )]
    Money(money::MoneyCommand),
    Remit(remit::RemitArgs),
    #[command(
        subcommand,
        about = cli_tree::MERCHANT.about,
        after_help = cli_tree::MERCHANT.example
    )]
    Merchant(merchant::MerchantCommand),
    Pay(pay::PayArgs),
    Capture(pay::CaptureArgs),
    Void(pay::VoidArgs),
    Refund(pay::RefundArgs),
    #[command(
        subcommand,
        about = cli_tree::PAYMENT.about,
        after_help = cli_tree::PAYMENT.example
    )]
    Payment(pay::PaymentCommand),
    Settle(settle::SettleArgs),
    #[command(
        subcommand,
        about = cli_tree::SETTLEMENT.about,
        after_help = cli_tree::SETTLEMENT.example
    )]
    Settlement(settle::SettlementCommand),
    #[command(
        subcommand,
        about = cli_tree::LEDGER.about,
        after_help = cli_tree::LEDGER.example
    )]
    Ledger(ledger::LedgerCommand),
    Events(events::EventsArgs),
    Import(import::ImportArgs),
    Export(export::ExportArgs),
    Backup(export::BackupArgs),
    #[command(
        subcommand,
        about = cli_tree::STORE.about,
        after_help = cli_tree::STORE.example
    )]
    Store(store::StoreCommand),
    Serve(serve::ServeArgs),
    #[command(
        subcommand,
        about = cli_tree::TOKEN.about,
        after_help = cli_tree::TOKEN.example
    )]
    Token(token::TokenCommand),
    Demo(demo::DemoArgs),
    Verify(admin::VerifyArgs),
    Rebuild(admin::RebuildArgs),
    Config(admin::ConfigArgs),
    Init(admin::InitArgs),
    Tui(TuiArgs),
    Completions(CompletionsArgs),
    Man(ManArgs),
}

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  payctl completions bash > ~/.local/share/bash-completion/completions/payctl\n  payctl completions zsh > ~/.zfunc/_payctl\n  payctl completions fish > ~/.config/fish/completions/payctl.fish"
)]
struct CompletionsArgs {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

/// Write man pages generated from these very definitions (payctl.1 and one per subcommand).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  payctl man | man -l -\n  payctl man --output ~/.local/share/man/man1"
)]
struct ManArgs {
    /// Write payctl.1 and payctl-<command>.1 files into this directory instead of printing payctl.1.
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
}

/// The interactive console (also what bare `payctl` opens on a terminal).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  payctl tui\n  payctl --db ./demo.db")]
struct TuiArgs {}

/// What every command needs from the global flags.
pub struct App {
    pub db: PathBuf,
    /// No flag, variable or config file named the store: its data dir may be created.
    pub db_is_default: bool,
    pub actor: String,
    pub out: Output,
}

impl App {
    /// The store as people may read it (a PostgreSQL URL without its password).
    pub fn db_shown(&self) -> String {
        payctl_core::store::shown(&self.db)
    }
}

fn default_db() -> PathBuf {
    directories::ProjectDirs::from("", "", "payctl")
        .map(|d| d.data_dir().join("payctl.db"))
        .unwrap_or_else(|| PathBuf::from("payctl.db"))
}

fn main() {
    let _ = color_eyre::install();
    let args: Vec<String> = std::env::args().collect();
    let wants_json = args.iter().any(|a| a == "--json");
    let cli = match cli_tree::parse(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                std::process::exit(0);
            }
            if wants_json {
                let message = exit::without_long_args(&exit::usage_message(&e), &args);
                Output::new(true, output::ColorChoice::Never).error(
                    "invalid_input",
                    &message,
                    None,
                );
                std::process::exit(2);
            }
            let text = e.to_string();
            let shortened = exit::without_long_args(&text, &args);
            if shortened == text {
                let _ = e.print();
            } else {
                let _ = std::io::Write::write_all(&mut std::io::stderr(), shortened.as_bytes());
            }
            std::process::exit(2);
        }
    };
    let file = match settings::load() {
        Ok(f) => f,
        Err(e) => std::process::exit(exit::report(
            Err(e),
            &Output::new(wants_json, output::ColorChoice::Never),
        )),
    };
    let chosen_db = cli.globals.db.or(file.db);
    let app = App {
        db_is_default: chosen_db.is_none(),
        db: chosen_db.unwrap_or_else(default_db),
        actor: cli
            .globals
            .actor
            .or(file.actor)
            .unwrap_or_else(settings::os_user),
        out: Output::new(
            cli.globals.json,
            cli.globals.color.or(file.color).unwrap_or_default(),
        ),
    };
    let command = match cli.command {
        Some(c) => c,
        // Bare `payctl`: the console on a terminal, the help anywhere else.
        None if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            Command::Tui(TuiArgs {})
        }
        None => {
            let help = Cli::command().render_help().to_string();
            let code = exit::report(write_stdout(format!("{help}\n").as_bytes()), &app.out);
            std::process::exit(code);
        }
    };
    let result = match command {
        Command::Member(c) => member::run(c, &app),
        Command::Bank(c) => bank::run(c, &app),
        Command::Money(c) => money::run(c, &app),
        Command::Remit(a) => remit::run(a, &app),
        Command::Merchant(c) => merchant::run(c, &app),
        Command::Pay(a) => pay::run_pay(a, &app),
        Command::Capture(a) => pay::run_capture(a, &app),
        Command::Void(a) => pay::run_void(a, &app),
        Command::Refund(a) => pay::run_refund(a, &app),
        Command::Payment(c) => pay::run_payment(c, &app),
        Command::Settle(a) => settle::run_settle(a, &app),
        Command::Settlement(c) => settle::run_settlement(c, &app),
        Command::Ledger(c) => ledger::run(c, &app),
        Command::Events(a) => events::run(a, &app),
        Command::Import(a) => import::run(a, &app),
        Command::Export(a) => export::run_export(a, &app),
        Command::Backup(a) => export::run_backup(a, &app),
        Command::Store(c) => store::run(c, &app),
        Command::Serve(a) => serve::run(a, &app),
        Command::Token(c) => token::run(c, &app),
        Command::Demo(a) => demo::run(a, &app),
        Command::Verify(a) => admin::run_verify(a, &app),
        Command::Rebuild(a) => admin::run_rebuild(a, &app),
        Command::Config(a) => admin::run_config(a, &app),
        Command::Init(a) => admin::run_init(a, &app),
        Command::Tui(_) => run_tui(&app),
        Command::Completions(a) => {
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut Cli::command(), "payctl", &mut script);
            write_stdout(&script)
        }
        Command::Man(a) => man::write(a.output.as_deref(), &app),
    };
    std::process::exit(exit::report(result, &app.out));
}

/// Writes bytes to stdout; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> exit::CmdResult {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(color_eyre::eyre::eyre!("writing to stdout: {e}").into()),
    }
}

fn run_tui(app: &App) -> exit::CmdResult {
    if !std::io::stdout().is_terminal() {
        return Err(payctl_core::Error::new(
            payctl_core::ErrorCode::InvalidInput,
            "the console needs a terminal (stdout is not one)",
        )
        .into());
    }
    write::require_store_dir(app)?;
    payctl_tui::run(&app.db, &app.actor)
        .map_err(|e| exit::Failure::Unexpected(color_eyre::eyre::eyre!("console: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Every command's `--help`, depth first, as users read it.
    fn all_help(cmd: &mut clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        let name = format!("{path} {}", cmd.get_name()).trim().to_string();
        let help = cmd.render_long_help().to_string();
        out.push((name.clone(), help));
        for sub in cmd.get_subcommands_mut() {
            all_help(sub, &name, out);
        }
    }

    #[test]
    fn every_subcommand_help_has_an_example() {
        let mut helps = Vec::new();
        all_help(&mut Cli::command().term_width(100), "", &mut helps);
        assert!(helps.len() > 40, "found only {} commands", helps.len());
        for (name, help) in &helps {
            if name.ends_with(" help") {
                continue; // clap's own `help` subcommand
            }
            assert!(help.contains("Example"), "`{name} --help` has no example");
        }
    }

    /// Every argument of every command (clap's own `help` aside), with the command's path.
    fn all_args(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Arg)>) {
        let name = format!("{path} {}", cmd.get_name()).trim().to_string();
        out.extend(cmd.get_arguments().map(|a| (name.clone(), a.clone())));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            all_args(sub, &name, out);
        }
    }

    #[test]
    fn every_argument_positional_or_not_has_a_description() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut args = Vec::new();
        all_args(&cmd, "", &mut args);
        let positionals = args.iter().filter(|(_, a)| a.is_positional()).count();
        assert!(positionals > 30, "found only {positionals} positionals");
        let mut missing = Vec::new();
        for (command, arg) in &args {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            if help.trim().is_empty() {
                missing.push(format!("`{command}` {}", arg.get_id()));
            }
        }
        assert!(missing.is_empty(), "no description: {missing:#?}");
    }

    #[test]
    fn global_options_are_listed_under_their_own_heading() {
        let mut cmd = Cli::command().term_width(100);
        cmd.build();
        for help in [
            cmd.render_long_help().to_string(),
            cmd.find_subcommand_mut("pay")
                .expect("pay")
                .render_long_help()
                .to_string(),
        ] {
            let (local, global) = help
                .split_once("Global options:")
                .unwrap_or_else(|| panic!("no Global options heading: {help}"));
            for flag in ["--db <DB>", "--json", "--actor <NAME>", "--color <WHEN>"] {
                assert!(global.contains(flag), "{flag} is global: {help}");
                assert!(
                    !local.contains(flag),
                    "{flag} only under Global options: {help}"
                );
            }
        }
    }

    #[test]
    fn import_help_lists_every_op_with_its_fields() {
        let mut cmd = Cli::command();
        let help = cmd
            .find_subcommand_mut("import")
            .expect("import")
            .render_long_help()
            .to_string();
        let ops = [
            ("member.register", "name, email, address?, corporate?"),
            ("member.update", "member, name?, address?"),
            ("member.deactivate", "member"),
            ("member.reactivate", "member"),
            ("bank.link", "member, bank, account"),
            ("bank.unlink", "member, bank, account"),
            ("bank.sim", "bank, account, balance?, closed?"),
            ("money.recharge", "member, amount"),
            ("money.withdraw", "member, amount"),
            (
                "remit",
                "from, amount, to | to_bank + to_account, auto_recharge?",
            ),
            ("merchant.register", "name, code, fee_rate, bank, account"),
            ("merchant.update", "merchant, fee_rate?, bank?, account?"),
            (
                "pay",
                "member, merchant, amount, ref?, hold?, auto_recharge?",
            ),
            ("capture", "payment, amount?"),
            ("void", "payment"),
            ("refund", "payment, amount?"),
            ("settle", "merchant?, cutoff?"),
        ];
        for (op, fields) in ops {
            let line = help
                .lines()
                .find(|l| l.split_whitespace().next() == Some(op))
                .unwrap_or_else(|| panic!("{op} is not listed: {help}"));
            assert!(line.contains(fields), "{op}: {line}");
        }
        assert!(help.contains("`key`") && help.contains("`at`"), "{help}");
    }

    #[test]
    fn every_op_listed_in_import_help_is_one_the_import_parses() {
        let mut cmd = Cli::command();
        let help = cmd
            .find_subcommand_mut("import")
            .expect("import")
            .render_long_help()
            .to_string();
        let rows = help
            .lines()
            .skip_while(|l| !l.starts_with("Operations"))
            .skip(1)
            .take_while(|l| !l.trim().is_empty());
        let mut listed = 0;
        for op in rows.filter_map(|l| l.split_whitespace().next()) {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&format!("{{\"op\":{op:?}}}")).expect("json");
            let parsed = payctl_core::import::parse_record(1, &map);
            // A bare op may miss its fields; it must not be unknown.
            if let Err(e) = parsed {
                assert!(!e.contains("unknown op"), "{op}: {e}");
            }
            listed += 1;
        }
        assert!(listed >= 16, "{listed} ops");
    }

    #[test]
    fn time_flags_show_the_accepted_forms_and_the_clock_allowance() {
        let mut cmd = Cli::command();
        cmd.build();
        let pay = cmd.find_subcommand("pay").expect("pay");
        let at = pay
            .get_arguments()
            .find(|a| a.get_id() == "at")
            .and_then(|a| a.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        for form in [
            "2026-03-02T09:00:00Z",
            "2026-03-02T18:00:00+09:00",
            "YYYY-MM-DD",
            "midnight UTC",
            "5 minutes",
        ] {
            assert!(at.contains(form), "--at help names {form}: {at}");
        }
    }

    #[test]
    fn help_texts_are_snapshotted() {
        let mut helps = Vec::new();
        all_help(&mut Cli::command().term_width(100), "", &mut helps);
        let text: String = helps
            .iter()
            .filter(|(name, _)| !name.ends_with(" help"))
            .map(|(name, help)| format!("===== {name} --help\n{help}\n"))
            .collect();
        insta::assert_snapshot!("help", text);
    }
}
