//! Property tests of the ledger: random sequences of every mutating operation (valid and not)
//! through the real engine; after each sequence the books balance, no wallet is negative, the
//! projections equal a replay, and a replayed key changes nothing.

use chrono::{Duration, TimeZone, Utc};
use payctl_core::domain::{Command, LinkRef, RemitTo};
use payctl_core::{Context, ErrorCode, InitOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Op {
    Register(u8),
    Link(u8, u8),
    Unlink(u8, u8),
    CloseBank(u8, bool),
    Recharge(u8, u32),
    Withdraw(u8, u32),
    Remit(u8, u8, u32, bool),
    RemitOut(u8, u32),
    Merchant(u8, u8),
    Pay(u8, u8, u32, bool),
    Capture(u8, Option<u32>),
    Void(u8),
    Refund(u8, Option<u32>),
    Settle(Option<u8>),
    Deactivate(u8),
    Wait(u32),
}

fn op() -> impl Strategy<Value = Op> {
    let m = 0u8..4;
    let amt = 1u32..60_000;
    prop_oneof![
        1 => m.clone().prop_map(Op::Register),
        1 => (m.clone(), 0u8..3).prop_map(|(a, b)| Op::Link(a, b)),
        1 => (m.clone(), 0u8..3).prop_map(|(a, b)| Op::Unlink(a, b)),
        1 => (0u8..3, any::<bool>()).prop_map(|(a, b)| Op::CloseBank(a, b)),
        3 => (m.clone(), amt.clone()).prop_map(|(a, b)| Op::Recharge(a, b)),
        2 => (m.clone(), amt.clone()).prop_map(|(a, b)| Op::Withdraw(a, b)),
        3 => (m.clone(), m.clone(), amt.clone(), any::<bool>()).prop_map(|(a, b, c, d)| Op::Remit(a, b, c, d)),
        1 => (m.clone(), amt.clone()).prop_map(|(a, b)| Op::RemitOut(a, b)),
        1 => (0u8..2, 0u8..250).prop_map(|(a, b)| Op::Merchant(a, b)),
        4 => (m.clone(), 0u8..2, amt.clone(), any::<bool>()).prop_map(|(a, b, c, d)| Op::Pay(a, b, c, d)),
        2 => (0u8..8, proptest::option::of(amt.clone())).prop_map(|(a, b)| Op::Capture(a, b)),
        1 => (0u8..8).prop_map(Op::Void),
        2 => (0u8..8, proptest::option::of(amt.clone())).prop_map(|(a, b)| Op::Refund(a, b)),
        2 => proptest::option::of(0u8..2).prop_map(Op::Settle),
        1 => m.prop_map(Op::Deactivate),
        2 => (1u32..400_000).prop_map(Op::Wait),
    ]
}

fn d(n: u32) -> Decimal {
    Decimal::from(n)
}

fn bank(i: u8) -> (String, String) {
    (
        ["KB", "WOORI", "NH"][i as usize % 3].to_string(),
        format!("100-{i}"),
    )
}

fn command(op: &Op) -> Option<Command> {
    let mem = |i: u8| format!("mem_{}", i + 1);
    let pay = |i: u8| format!("pay_{}", i + 1);
    Some(match op.clone() {
        Op::Register(i) => Command::RegisterMember {
            name: format!("Member {i}"),
            email: format!("m{i}@example.com"),
            address: None,
            corporate: false,
        },
        Op::Link(m, b) => {
            let (bank, account) = bank(b);
            Command::LinkBank {
                member: mem(m),
                bank,
                account,
            }
        }
        Op::Unlink(m, b) => {
            let (bank, account) = bank(b);
            Command::UnlinkBank {
                link: LinkRef::Account {
                    member: mem(m),
                    bank,
                    account,
                },
            }
        }
        Op::CloseBank(b, closed) => {
            let (bank, account) = bank(b);
            Command::SimSet {
                bank,
                account,
                balance: None,
                closed: Some(closed),
            }
        }
        Op::Recharge(m, a) => Command::Recharge {
            member: mem(m),
            amount: d(a),
            link: None,
        },
        Op::Withdraw(m, a) => Command::Withdraw {
            member: mem(m),
            amount: d(a),
            link: None,
        },
        Op::Remit(f, t, a, auto) => Command::Remit {
            from: mem(f),
            amount: d(a),
            to: RemitTo::Member(mem(t)),
            auto_recharge: auto,
        },
        Op::RemitOut(f, a) => Command::Remit {
            from: mem(f),
            amount: d(a),
            to: RemitTo::Bank {
                bank: "SC".into(),
                account: "9-9".into(),
            },
            auto_recharge: true,
        },
        Op::Merchant(i, rate) => Command::RegisterMerchant {
            name: format!("Shop {i}"),
            code: format!("SHOP{i}"),
            fee_rate: Decimal::new(rate as i64, 2),
            bank: "SHINHAN".into(),
            account: format!("200-{i}"),
        },
        Op::Pay(m, s, a, hold) => Command::Pay {
            member: mem(m),
            merchant: format!("SHOP{s}"),
            amount: d(a),
            reference: None,
            hold,
            auto_recharge: true,
        },
        Op::Capture(p, a) => Command::Capture {
            payment: pay(p),
            amount: a.map(d),
        },
        Op::Void(p) => Command::Void { payment: pay(p) },
        Op::Refund(p, a) => Command::Refund {
            payment: pay(p),
            amount: a.map(d),
        },
        Op::Settle(s) => Command::Settle {
            merchant: s.map(|s| format!("SHOP{s}")),
            cutoff: None,
        },
        Op::Deactivate(m) => Command::DeactivateMember { member: mem(m) },
        Op::Wait(_) => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_books_balanced_and_replayable(ops in prop::collection::vec(op(), 1..80)) {
        let (mut engine, _db) = payctl_core::testing::scratch().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap_or_default();
        let init = Context { at: Some(at), actor: "prop".into(), idempotency_key: None };
        engine.init(&InitOptions::default(), &init).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (i, op) in ops.iter().enumerate() {
            if let Op::Wait(secs) = op {
                at += Duration::seconds(i64::from(*secs));
                continue;
            }
            let Some(cmd) = command(op) else { continue };
            at += Duration::seconds(1);
            let ctx = Context { at: Some(at), actor: "prop".into(), idempotency_key: Some(format!("k{i}")) };
            let before = engine.log_head().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let outcome = engine.execute(&cmd, &ctx).map_err(|e| TestCaseError::fail(format!("{op:?}: {e}")))?;
            if let Err(e) = &outcome.result {
                prop_assert!(e.code.exit_code() >= 2 && e.code.exit_code() <= 4, "{op:?}: {e:?}");
                // Only the refusals the SPEC records on purpose may leave events behind.
                if e.code != ErrorCode::BankDeclined {
                    prop_assert_eq!(engine.log_head().map_err(|e| TestCaseError::fail(e.to_string()))?, before.clone());
                }
            }
            // A retry under the same key answers the same and changes nothing.
            let head = engine.log_head().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let again = engine.execute(&cmd, &ctx).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(again.replayed);
            prop_assert_eq!(again.result, outcome.result);
            prop_assert_eq!(engine.log_head().map_err(|e| TestCaseError::fail(e.to_string()))?, head);
        }
        let report = engine.verify().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(report.ok(), "{:?}", report.problems);
        let total: Decimal = engine
            .ledger_balances()
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .iter()
            .map(|b| b.balance)
            .sum();
        prop_assert_eq!(total, Decimal::ZERO);
    }
}
