//! Parsing with only the asked-for subcommand built. clap's derive builds the whole command
//! tree (every subcommand's arguments, about 350 of them) before it parses, and frees it after:
//! a third of the instructions of a `payctl money balance`, and most of its heap. Here the top
//! level and the one subcommand named on the command line are built, from the same derive
//! definitions; anything else (help, version, a misspelt or missing subcommand) goes through the
//! full tree as before. A test checks that both trees render the same help for every command.

use clap::{Args, Command as Tree, FromArgMatches, Subcommand};

use crate::{ABOUT, AFTER_HELP, Cli, CompletionsArgs, Globals, ManArgs, TuiArgs, VERSION};
use crate::{admin, bank, demo, events, export, import, ledger, member, merchant, money};
use crate::{pay, remit, serve, settle, store, token};

/// What a group of subcommands (`payctl member …`) says of itself, shared with the derive.
pub struct Group {
    pub about: &'static str,
    pub example: &'static str,
}

pub const MEMBER: Group = Group {
    about: "Members: register, show, list, update, deactivate, reactivate",
    example: "Example:\n  payctl member register --name 'Kim Minji' --email minji@example.com",
};
pub const BANK: Group = Group {
    about: "Linked bank accounts, firm-banking requests and the bank simulator",
    example: "Example:\n  payctl bank link mem_1 --bank KB --account 123-45-678901",
};
pub const MONEY: Group = Group {
    about: "Wallets: recharge, withdraw, balance, history",
    example: "Example:\n  payctl money recharge mem_1 50,000",
};
pub const MERCHANT: Group = Group {
    about: "Merchants: register, update, show, list",
    example: "Example:\n  payctl merchant show HANBIT-GN",
};
pub const PAYMENT: Group = Group {
    about: "Payments: show, list",
    example: "Example:\n  payctl payment list --status authorized",
};
pub const SETTLEMENT: Group = Group {
    about: "Settlements: show, list",
    example: "Example:\n  payctl settlement show stl_1",
};
pub const STORE: Group = Group {
    about: "The store itself: copy it between SQLite and PostgreSQL",
    example: "Example:\n  payctl store copy --from ./books.db --to 'postgres://payctl@db.internal/books'",
};
pub const TOKEN: Group = Group {
    about: "The HTTP API's bearer tokens: create (the secret shown once), list, revoke",
    example: "Example:\n  payctl token create --name shop-web --scope operate --expires 90d",
};
pub const LEDGER: Group = Group {
    about: "The double-entry ledger: balances and transactions",
    example: "Example:\n  payctl ledger balances --as-of 2026-03-03",
};

/// The command line parsed, as `Cli::try_parse_from` would.
pub fn parse(args: &[String]) -> Result<Cli, clap::Error> {
    let top = top_level();
    let Some(sub) = asked_subcommand(&top, args).and_then(subcommand) else {
        return <Cli as clap::Parser>::try_parse_from(args);
    };
    let mut tree = top.subcommand(sub);
    let mut matches = tree.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut tree))
}

/// The first word that is not one of `top`'s flags (or such a flag's value); None when another
/// flag comes first (`--help`, `--version`, a typo), which the full tree then answers.
fn asked_subcommand<'a>(top: &Tree, args: &'a [String]) -> Option<&'a str> {
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix("--") else {
            return (!word.starts_with('-')).then_some(word.as_str());
        };
        let (name, inline_value) = match flag.split_once('=') {
            Some((name, _)) => (name, true),
            None => (flag, false),
        };
        let arg = top.get_arguments().find(|a| a.get_long() == Some(name))?;
        if arg.get_action().takes_values() && !inline_value {
            words.next()?;
        }
    }
    None
}

/// The top level as `Cli`'s derive makes it, without its subcommands.
fn top_level() -> Tree {
    Globals::augment_args(
        Tree::new("payctl")
            .version(VERSION)
            .about(ABOUT)
            .infer_subcommands(false)
            .after_help(AFTER_HELP),
    )
}

/// One top-level subcommand as `Command`'s derive makes it.
fn subcommand(name: &str) -> Option<Tree> {
    fn group<S: Subcommand>(name: &'static str, g: &Group) -> Tree {
        S::augment_subcommands(Tree::new(name))
            .subcommand_required(true)
            .arg_required_else_help(true)
            .about(g.about)
            .after_help(g.example)
    }
    fn args<A: Args>(name: &'static str) -> Tree {
        A::augment_args(Tree::new(name))
    }
    Some(match name {
        "member" => group::<member::MemberCommand>("member", &MEMBER),
        "bank" => group::<bank::BankCommand>("bank", &BANK),
        "money" => group::<money::MoneyCommand>("money", &MONEY),
        "merchant" => group::<merchant::MerchantCommand>("merchant", &MERCHANT),
        "payment" => group::<pay::PaymentCommand>("payment", &PAYMENT),
        "settlement" => group::<settle::SettlementCommand>("settlement", &SETTLEMENT),
        "ledger" => group::<ledger::LedgerCommand>("ledger", &LEDGER),
        "remit" => args::<remit::RemitArgs>("remit"),
        "pay" => args::<pay::PayArgs>("pay"),
        "capture" => args::<pay::CaptureArgs>("capture"),
        "void" => args::<pay::VoidArgs>("void"),
        "refund" => args::<pay::RefundArgs>("refund"),
        "settle" => args::<settle::SettleArgs>("settle"),
        "events" => args::<events::EventsArgs>("events"),
        "import" => args::<import::ImportArgs>("import"),
        "export" => args::<export::ExportArgs>("export"),
        "backup" => args::<export::BackupArgs>("backup"),
        "store" => group::<store::StoreCommand>("store", &STORE),
        "serve" => args::<serve::ServeArgs>("serve"),
        "token" => group::<token::TokenCommand>("token", &TOKEN),
        "demo" => args::<demo::DemoArgs>("demo"),
        "verify" => args::<admin::VerifyArgs>("verify"),
        "rebuild" => args::<admin::RebuildArgs>("rebuild"),
        "config" => args::<admin::ConfigArgs>("config"),
        "init" => args::<admin::InitArgs>("init"),
        "tui" => args::<TuiArgs>("tui"),
        "completions" => args::<CompletionsArgs>("completions"),
        "man" => args::<ManArgs>("man"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command's long help under `cmd`, depth first.
    fn helps(cmd: &mut Tree, path: &str, out: &mut Vec<(String, String)>) {
        let name = format!("{path} {}", cmd.get_name()).trim().to_string();
        out.push((name.clone(), cmd.render_long_help().to_string()));
        for sub in cmd.get_subcommands_mut() {
            helps(sub, &name, out);
        }
    }

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn every_subcommand_built_alone_is_the_one_in_the_full_tree() {
        let full = Cli::command().term_width(100);
        let mut built = 0;
        for sub in full.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = sub.get_name();
            let alone = subcommand(name).unwrap_or_else(|| panic!("`{name}` is not in cli_tree"));
            let mut pruned = top_level().term_width(100).subcommand(alone);
            pruned.build();
            let mut whole = Cli::command().term_width(100);
            whole.build();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            helps(
                pruned.find_subcommand_mut(name).expect("pruned sub"),
                "payctl",
                &mut a,
            );
            helps(
                whole.find_subcommand_mut(name).expect("full sub"),
                "payctl",
                &mut b,
            );
            assert_eq!(a, b, "`payctl {name}` differs when built alone");
            built += 1;
        }
        assert!(built > 20, "only {built} subcommands");
    }

    #[test]
    fn the_top_level_built_alone_says_what_the_full_one_says() {
        let full = Cli::command();
        let top = top_level();
        assert_eq!(top.get_version(), full.get_version());
        assert_eq!(
            top.get_about().map(ToString::to_string),
            full.get_about().map(ToString::to_string)
        );
        assert_eq!(
            top.get_after_help().map(ToString::to_string),
            full.get_after_help().map(ToString::to_string)
        );
        let args = |c: &Tree| {
            c.get_arguments()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(args(&top), args(&full));
    }

    #[test]
    fn command_lines_parse_alike_through_either_tree() {
        for line in [
            "payctl money balance mem_1",
            "payctl --db x.db --json money balance mem_1 --as-of 2026-03-01",
            "payctl --color=never remit mem_1 mem_2 5,000 --idempotency-key k1",
            "payctl member register --name Kim --email kim@example.com --json",
            "payctl --actor ops ledger balances",
            "payctl verify",
            "payctl money",
            "payctl money blance mem_1",
            "payctl remit mem_1",
            "payctl pay mem_1 --bogus",
            "payctl --json",
            "payctl --version",
            "payctl --help",
            "payctl help money",
            "payctl monye balance",
        ] {
            let args = words(line);
            let ours = parse(&args).map(|c| format!("{c:?}"));
            let full = <Cli as clap::Parser>::try_parse_from(&args).map(|c| format!("{c:?}"));
            match (ours, full) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{line}"),
                (Err(a), Err(b)) => {
                    assert_eq!(a.kind(), b.kind(), "{line}");
                    assert_eq!(a.to_string(), b.to_string(), "{line}");
                }
                (a, b) => panic!("{line}: {a:?} against {b:?}"),
            }
        }
    }

    #[test]
    fn global_flags_and_their_values_are_skipped_to_find_the_subcommand() {
        let top = top_level();
        let find = |line: &str| {
            let args = words(line);
            asked_subcommand(&top, &args).map(str::to_string)
        };
        assert_eq!(
            find("payctl --db money money balance").as_deref(),
            Some("money")
        );
        assert_eq!(
            find("payctl --db=x.db --json remit a b 1").as_deref(),
            Some("remit")
        );
        assert_eq!(
            find("payctl --color never --actor ops verify").as_deref(),
            Some("verify")
        );
        assert_eq!(find("payctl --help money"), None);
        assert_eq!(find("payctl -h money"), None);
        assert_eq!(find("payctl --db"), None);
        assert_eq!(find("payctl"), None);
    }
}
