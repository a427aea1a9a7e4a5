#![allow(dead_code)] // each fuzz binary uses one of the targets
//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (`fuzz/fuzz_targets/*.rs`, nightly)
//! and by `tests/fuzz_corpus.rs`, which replays the committed corpus under plain `cargo test`
//! (stable). Each function panics when a property fails; anything else is a pass.

use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use payctl_core::domain::{Command, LinkRef, RemitTo};
use payctl_core::import::{Format, ImportObserver, ImportOptions};
use payctl_core::money::{Amount, Currency, FeeRate, parse_decimal};
use payctl_core::{Context, Engine, ErrorCode, InitOptions};
use rust_decimal::Decimal;

/// The amount grammar: never panics; an accepted amount prints and parses back to itself and is
/// a whole number of the currency's minor units; fee rates stay within 0..=100 %.
pub fn amount(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for currency in [Currency::Krw, Currency::Usd] {
        if let Ok(a) = Amount::parse(text, currency) {
            let printed = a.to_string();
            let again = Amount::parse(&printed, currency)
                .unwrap_or_else(|e| panic!("{text:?} → {printed:?} does not parse back: {e}"));
            assert_eq!(again, a, "{text:?} → {printed:?}");
            let minor = a.to_minor(currency);
            assert_eq!(
                Amount::from_minor(minor, currency),
                a,
                "{text:?} minor units"
            );
        }
    }
    if let Ok(d) = parse_decimal(text) {
        let _ = Amount::positive(d, Currency::Krw);
    }
    if let Ok(rate) = FeeRate::parse(text) {
        assert!(rate.decimal() >= Decimal::ZERO && rate.decimal() <= Decimal::ONE_HUNDRED);
        let _ = rate.fee_minor(i64::MAX, Currency::Krw);
        let _ = rate.fee_minor(1_234_567, Currency::Usd);
    }
}

struct Quiet;
impl ImportObserver for Quiet {}

fn scratch_file(ext: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "payctl-fuzz-{}-{:?}.{ext}",
        std::process::id(),
        std::thread::current().id()
    ))
}

fn fresh_engine() -> Engine {
    let mut engine = Engine::in_memory().expect("in-memory store");
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single();
    let ctx = Context {
        at,
        actor: "fuzz".into(),
        idempotency_key: None,
    };
    engine
        .init(&InitOptions::default(), &ctx)
        .expect("init the store");
    engine
}

/// Verify and invariants after anything the engine accepted.
fn assert_sound(engine: &mut Engine, what: &str) {
    let problems = engine.check_invariants().expect("check invariants");
    assert!(problems.is_empty(), "{what}: {problems:?}");
    let report = engine.verify().expect("verify");
    assert!(report.ok(), "{what}: {:?}", report.problems);
    // The live writes and a rebuild (the same fold into memory, loaded in bulk) agree.
    let live = engine.projection_digest().expect("digest");
    let rebuilt = engine.rebuild().expect("rebuild");
    assert_eq!(
        rebuilt.projection_digest, live,
        "{what}: a rebuild made other read models"
    );
}

/// An import file (JSON Lines or CSV) of arbitrary bytes, imported for real into a fresh store:
/// malformed input is reported, never a panic or an internal error; whatever was applied keeps
/// the books sound; a second import of the same bytes applies nothing new.
pub fn import(data: &[u8], format: Format) {
    let path = scratch_file(match format {
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
    });
    std::fs::write(&path, data).expect("write the scratch file");
    let mut engine = fresh_engine();
    let options = ImportOptions {
        actor: "fuzz".into(),
        ..ImportOptions::default()
    };
    let first = engine.import(&path, format, &options, &mut Quiet);
    match &first {
        Err(e) => assert_ne!(e.code, ErrorCode::Internal, "import failed inside: {e}"),
        Ok(Err(_malformed)) => {}
        Ok(Ok(_summary)) => {}
    }
    assert_sound(&mut engine, "after the import");
    if let Ok(Ok(summary)) = first {
        let head = engine.log_head().expect("log head");
        let second = engine.import(&path, format, &options, &mut Quiet);
        if let Ok(Ok(again)) = second {
            assert_eq!(
                again.applied, 0,
                "re-import applied lines again ({summary:?})"
            );
            assert_eq!(
                engine.log_head().expect("log head"),
                head,
                "re-import wrote"
            );
        }
    }
    let _ = std::fs::remove_file(&path);
}

/// Arbitrary bytes decoded as a sequence of commands (4 bytes each) with keys and times; every
/// command is retried under its key; invariants after each, `verify` at the end.
pub fn operations(data: &[u8]) {
    let mut engine = fresh_engine();
    let mut at = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 1)
        .single()
        .unwrap_or_default();
    for (i, chunk) in data.chunks_exact(4).take(64).enumerate() {
        let [kind, a, b, c] = [chunk[0], chunk[1], chunk[2], chunk[3]];
        if kind % 24 == 23 {
            at += Duration::hours(i64::from(a) * 4);
            continue;
        }
        at += Duration::seconds(1);
        let command = decode(kind, a, b, c);
        let ctx = Context {
            at: Some(at),
            actor: "fuzz".into(),
            idempotency_key: Some(format!("f{i}")),
        };
        let first = engine
            .execute(&command, &ctx)
            .unwrap_or_else(|e| panic!("{command:?}: engine error {e}"));
        if let Err(e) = &first.result {
            assert!(
                (2..=4).contains(&e.code.exit_code()),
                "{command:?}: refused with {e:?}"
            );
        }
        let problems = engine.check_invariants().expect("invariants");
        assert!(problems.is_empty(), "{command:?}: {problems:?}");
        let head = engine.log_head().expect("log head");
        let again = engine.execute(&command, &ctx).expect("retry");
        assert!(again.replayed, "{command:?}: the retry was not a replay");
        assert_eq!(
            again.result, first.result,
            "{command:?}: the retry answered differently"
        );
        assert_eq!(
            engine.log_head().expect("log head"),
            head,
            "{command:?}: the retry wrote"
        );
    }
    assert_sound(&mut engine, "after the operations");
}

fn decode(kind: u8, a: u8, b: u8, c: u8) -> Command {
    let mem = |x: u8| match x % 8 {
        7 => format!("M{}@EXAMPLE.com", x % 3),
        n => format!("mem_{}", n % 5 + 1),
    };
    let amount = || {
        Decimal::from(u32::from(b) * 256 + u32::from(c))
            * Decimal::from(if a % 4 == 0 { 10 } else { 1 })
    };
    let bank = |x: u8| {
        (
            ["KB", "NH", "SHINHAN"][usize::from(x % 3)].to_string(),
            format!("10-{}", x % 4),
        )
    };
    let pay = |x: u8| format!("pay_{}", x % 6 + 1);
    match kind % 23 {
        0 | 1 => Command::RegisterMember {
            name: format!("M {a}"),
            email: format!("m{}@example.com", a % 3),
            address: None,
            corporate: b % 2 == 0,
        },
        2 if b % 4 == 3 => Command::ReactivateMember { member: mem(a) },
        2 => Command::DeactivateMember { member: mem(a) },
        3 | 4 => {
            let (bank, account) = bank(b);
            Command::LinkBank {
                member: mem(a),
                bank,
                account,
            }
        }
        5 => {
            let (bank, account) = bank(b);
            Command::UnlinkBank {
                link: LinkRef::Account {
                    member: mem(a),
                    bank,
                    account,
                },
            }
        }
        6 => {
            let (bank, account) = bank(a);
            Command::SimSet {
                bank,
                account,
                balance: (b % 2 == 0).then(|| Decimal::from(c) * Decimal::from(100)),
                closed: (b % 3 != 0).then_some(b % 5 == 0),
            }
        }
        7 | 8 => Command::Recharge {
            member: mem(a),
            amount: amount(),
            link: None,
        },
        9 => Command::Withdraw {
            member: mem(a),
            amount: amount(),
            link: None,
        },
        10 | 11 => Command::Remit {
            from: mem(a),
            amount: amount(),
            to: RemitTo::Member(mem(a / 8)),
            auto_recharge: c % 2 == 0,
        },
        12 => Command::Remit {
            from: mem(a),
            amount: amount(),
            to: RemitTo::Bank {
                bank: "SC".into(),
                account: format!("9-{}", c % 2),
            },
            auto_recharge: true,
        },
        13 => {
            let (bank, account) = bank(b);
            Command::RegisterMerchant {
                name: format!("Shop {}", a % 2),
                code: format!("S{}", a % 2),
                fee_rate: Decimal::new(i64::from(c) * 7, 2),
                bank,
                account,
            }
        }
        14 => Command::UpdateMerchant {
            merchant: format!("S{}", a % 2),
            fee_rate: Some(Decimal::new(i64::from(c), 1)),
            bank: None,
            account: None,
        },
        15..=17 => Command::Pay {
            member: mem(a),
            merchant: format!("S{}", a % 2),
            amount: amount(),
            reference: (a % 5 == 0).then(|| format!("r{}", c % 3)),
            hold: kind % 2 == 0,
            auto_recharge: true,
        },
        18 => Command::Capture {
            payment: pay(a),
            amount: (c % 2 == 0).then(amount),
        },
        19 => Command::Void { payment: pay(a) },
        20 => Command::Refund {
            payment: pay(a),
            amount: (c % 2 == 0).then(amount),
        },
        21 => Command::Settle {
            merchant: (a % 3 != 0).then(|| format!("S{}", a % 2)),
            cutoff: None,
        },
        _ => Command::UpdateMember {
            member: mem(a),
            name: Some(String::from_utf8_lossy(&[b, c]).into_owned()),
            address: None,
        },
    }
}
