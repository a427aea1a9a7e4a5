//! Regressions of the write path found by the property test.

use chrono::{Duration, TimeZone, Utc};
use payctl_core::domain::Command;
use payctl_core::{Context, Engine, InitOptions};
use rust_decimal::Decimal;

#[test]
fn a_refused_command_does_not_claim_the_hold_releases_it_rolled_back() {
    let (mut engine, _db) = payctl_core::testing::scratch().expect("engine");
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("time");
    let mut step = 0;
    let mut run = |engine: &mut Engine, cmd: Command, days: i64| {
        step += 1;
        let ctx = Context {
            at: Some(t0 + Duration::days(days) + Duration::seconds(step)),
            actor: "test".into(),
            idempotency_key: Some(format!("k{step}")),
        };
        engine.execute(&cmd, &ctx).expect("execute").result
    };
    engine
        .init(
            &InitOptions::default(),
            &Context {
                at: Some(t0),
                ..Context::default()
            },
        )
        .expect("init");
    let merchant = Command::RegisterMerchant {
        name: "Shop".into(),
        code: "SHOP".into(),
        fee_rate: Decimal::ZERO,
        bank: "SHINHAN".into(),
        account: "1-1".into(),
    };
    assert!(run(&mut engine, merchant, 0).is_ok());
    let member = Command::RegisterMember {
        name: "Kim".into(),
        email: "kim@example.com".into(),
        address: None,
        corporate: false,
    };
    assert!(run(&mut engine, member, 0).is_ok());
    let link = Command::LinkBank {
        member: "mem_1".into(),
        bank: "KB".into(),
        account: "2-2".into(),
    };
    assert!(run(&mut engine, link, 0).is_ok());
    let hold = Command::Pay {
        member: "mem_1".into(),
        merchant: "SHOP".into(),
        amount: Decimal::ONE,
        reference: None,
        hold: true,
        auto_recharge: true,
    };
    assert!(run(&mut engine, hold, 0).is_ok());
    // Eight days later the hold has expired; this command is refused (not_found) and must leave
    // nothing behind, its idempotency record included.
    let refused = Command::Withdraw {
        member: "mem_2".into(),
        amount: Decimal::ONE,
        link: None,
    };
    assert!(run(&mut engine, refused, 8).is_err());
    let settle = Command::Settle {
        merchant: None,
        cutoff: None,
    };
    assert!(run(&mut engine, settle, 8).is_ok());
    let report = engine.verify().expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}
