//! Large amounts on every screen: a store built with figures of 10, 13, 15 and 18 digits (one
//! amount is at most 15 digits of minor units; sums such as a merchant's unsettled total, a
//! settlement's gross or the house balance go beyond), drawn at 80 and 160 columns in KRW and USD.

use chrono::{Duration, TimeZone, Utc};
use payctl_core::money::Currency;
use payctl_core::{Context, Engine, InitOptions, OpenMode};
use payctl_tui::keys::Input;
use payctl_tui::text::amount;
use payctl_tui::{App, Msg, Runner};
use rust_decimal::Decimal;

use super::{Quiet, Scratch, console, draw_at, keys};

/// The largest single amount, in minor units (payctl_core::money::MAX_AMOUNT_MINOR).
const MAX: i64 = 999_999_999_999_999;
/// Payments of `MAX` per bulk merchant: their sum has 18 digits.
const BULK: usize = 101;

/// The operations, amounts in minor units (`{N}` is spelled in the store's currency).
fn operations() -> Vec<String> {
    let mut ops: Vec<String> = vec![
        r#"{"op":"member.register","name":"Kim Minji","email":"minji@example.com"}"#.into(),
        r#"{"op":"member.register","name":"김민지 한빛커피 대표이사님","email":"a.very.long.mailbox.name@hanbit-coffee-roasters.example","address":"서울특별시 강남구 테헤란로 123, 한빛타워 45층"}"#.into(),
        r#"{"op":"member.register","name":"Park Seoyeon","email":"seoyeon@example.com"}"#.into(),
        r#"{"op":"bank.link","member":"mem_1","bank":"KB","account":"123-45-678901"}"#.into(),
        r#"{"op":"bank.link","member":"mem_2","bank":"WOORI","account":"1002-333-444555"}"#.into(),
        r#"{"op":"merchant.register","name":"Mega Mart Holdings","code":"MEGAMART","fee_rate":"2.35","bank":"SHINHAN","account":"110-222-333444"}"#.into(),
        r#"{"op":"merchant.register","name":"한빛커피 강남 본점","code":"HANBIT-GANGNAM-FLAGSHIP","fee_rate":"1.9","bank":"KB","account":"999-88-777666"}"#.into(),
        r#"{"op":"merchant.register","name":"Bulk Wholesale Partners","code":"BULK","fee_rate":"0.5","bank":"NH","account":"301-0000-1111-22"}"#.into(),
    ];
    let bulk = |ops: &mut Vec<String>, merchant: &str| {
        for _ in 0..BULK {
            ops.push(r#"{"op":"money.recharge","member":"mem_1","amount":"{MAX}"}"#.into());
            ops.push(format!(
                r#"{{"op":"pay","member":"mem_1","merchant":"{merchant}","amount":"{{MAX}}"}}"#
            ));
        }
    };
    // pay_1 … pay_101, settled at once: a gross of 18 digits.
    bulk(&mut ops, "MEGAMART");
    ops.push(r#"{"op":"settle","merchant":"MEGAMART"}"#.into());
    // Refunds after settlement: a deficit of 16 digits (the wallet emptied after each).
    for p in 1..=3 {
        ops.push(format!(r#"{{"op":"refund","payment":"pay_{p}"}}"#));
        ops.push(r#"{"op":"money.withdraw","member":"mem_1","amount":"{MAX}"}"#.into());
    }
    // pay_102 … pay_202, left unsettled: 18 digits owed to one merchant.
    bulk(&mut ops, "BULK");
    ops.extend(
        [
            r#"{"op":"money.recharge","member":"mem_2","amount":"{1234567890123}"}"#,
            r#"{"op":"money.recharge","member":"mem_2","amount":"{3703703670}"}"#,
            r#"{"op":"pay","member":"mem_2","merchant":"HANBIT-GANGNAM-FLAGSHIP","amount":"{1234567890}","ref":"order-10-digits"}"#,
            r#"{"op":"pay","member":"mem_2","merchant":"HANBIT-GANGNAM-FLAGSHIP","amount":"{1234567890123}","ref":"order-13-digits","hold":true}"#,
            r#"{"op":"capture","payment":"order-13-digits","amount":"{1000000000000}"}"#,
            r#"{"op":"refund","payment":"order-10-digits","amount":"{1234567}"}"#,
            r#"{"op":"settle","merchant":"HANBIT-GANGNAM-FLAGSHIP"}"#,
            // A small settlement of the merchant in deficit: nothing paid, the rest carried.
            r#"{"op":"pay","member":"mem_2","merchant":"MEGAMART","amount":"{1234567890}"}"#,
            r#"{"op":"settle","merchant":"MEGAMART"}"#,
            r#"{"op":"pay","member":"mem_2","merchant":"HANBIT-GANGNAM-FLAGSHIP","amount":"{1234567890}","ref":"order-10-again"}"#,
            r#"{"op":"money.recharge","member":"mem_1","amount":"{MAX}"}"#,
        ]
        .map(String::from),
    );
    ops
}

/// `{N}` (minor units) or `{MAX}` spelled as an amount of `currency`.
fn spell(line: &str, currency: Currency) -> String {
    let (Some(open), Some(close)) = (line.find("\"{"), line.find("}\"")) else {
        return line.to_string();
    };
    let minor: i64 = match &line[open + 2..close] {
        "MAX" => MAX,
        n => n.parse().expect("minor units"),
    };
    let value = Decimal::new(minor, currency.minor_units());
    let spelled = format!("{}{value}{}", &line[..open + 1], &line[close + 1..]);
    spell(&spelled, currency)
}

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("time")
}

/// A store of `currency` holding `operations()`, each a minute after the previous one.
fn large_engine(dir: &Scratch, currency: Currency) -> Engine {
    let path = dir.db("large.db");
    let ctx = Context {
        at: Some(start()),
        actor: "test".into(),
        idempotency_key: None,
    };
    let init = InitOptions {
        currency,
        ..InitOptions::default()
    };
    let mut engine = Engine::open_or_create(&path, &init, &ctx).expect("open");
    let mut text = String::new();
    for (i, op) in operations().iter().enumerate() {
        let at = start() + Duration::minutes(i as i64 + 1);
        let line = spell(op, currency);
        let at = format!(r#"{{"at":"{}","#, at.format("%Y-%m-%dT%H:%M:%SZ"));
        text.push_str(&line.replacen('{', &at, 1));
        text.push('\n');
    }
    let file = dir.path().join("large.jsonl");
    std::fs::write(&file, text).expect("write");
    let options = payctl_core::import::ImportOptions {
        dry_run: false,
        require_keys: false,
        actor: "test".into(),
        batch_lines: None,
    };
    let summary = engine
        .import(
            &file,
            payctl_core::import::Format::Jsonl,
            &options,
            &mut Quiet,
        )
        .expect("import")
        .expect("well-formed");
    assert_eq!(summary.rejected, 0, "{summary:?}");
    engine
}

fn large_app(dir: &Scratch, currency: Currency) -> (App, Runner) {
    app_with(large_engine(dir, currency))
}

/// A fresh console over the store `large_engine` left in `dir`.
fn app_over(dir: &Scratch) -> (App, Runner) {
    let path = dir.db("large.db");
    app_with(Engine::open(&path, OpenMode::MustExist).expect("open"))
}

fn app_with(engine: Engine) -> (App, Runner) {
    console(engine, start() + Duration::days(3))
}

/// Every screen and detail pane of `app`, one frame after another.
fn every_screen((mut app, mut run): (App, Runner), width: u16, height: u16) -> String {
    let mut out = String::new();
    let mut frame = |app: &App, name: &str| {
        out.push_str(&format!("── {name} ──\n{}\n", draw_at(app, width, height)));
    };
    frame(&app, "dashboard");
    keys(&mut app, &mut run, &[Input::Char('2')]);
    frame(&app, "members");
    keys(&mut app, &mut run, &[Input::Down, Input::Enter]);
    frame(&app, "member mem_2");
    keys(&mut app, &mut run, &[Input::Char('3')]);
    frame(&app, "merchants");
    keys(&mut app, &mut run, &[Input::Enter]);
    frame(&app, "merchant mer_1");
    keys(&mut app, &mut run, &[Input::Char('4')]);
    frame(&app, "payments");
    keys(
        &mut app,
        &mut run,
        &[Input::Down, Input::Down, Input::Enter],
    );
    frame(&app, "payment pay_204");
    keys(&mut app, &mut run, &[Input::Char('5')]);
    frame(&app, "settlements");
    keys(
        &mut app,
        &mut run,
        &[Input::Down, Input::Down, Input::Enter],
    );
    frame(&app, "settlement stl_1");
    keys(&mut app, &mut run, &[Input::Char('6')]);
    frame(&app, "events");
    out
}

#[test]
fn large_amounts_are_drawn_whole_on_every_screen_in_krw() {
    let dir = Scratch::new();
    let engine = large_engine(&dir, Currency::Krw);
    drop(engine);
    insta::assert_snapshot!("large_krw_80", every_screen(app_over(&dir), 80, 24));
    insta::assert_snapshot!("large_krw_160", every_screen(app_over(&dir), 160, 40));
}

#[test]
fn large_amounts_are_drawn_whole_on_every_screen_in_usd() {
    let dir = Scratch::new();
    let engine = large_engine(&dir, Currency::Usd);
    drop(engine);
    insta::assert_snapshot!("large_usd_80", every_screen(app_over(&dir), 80, 24));
    insta::assert_snapshot!("large_usd_160", every_screen(app_over(&dir), 160, 40));
}

/// Not only in the snapshots: each figure a list holds appears whole on screen, at both widths.
#[test]
fn every_figure_of_the_first_rows_appears_whole_at_80_and_160_columns() {
    let dir = Scratch::new();
    let (mut app, mut run) = large_app(&dir, Currency::Krw);
    let c = app.currency;
    for width in [80, 160] {
        let dashboard = draw_at(&app, width, 24);
        let d = app.dashboard.figures.clone();
        for v in [d.float, d.house, d.fees] {
            assert!(
                dashboard.contains(&amount(v, c)),
                "{}\n{dashboard}",
                amount(v, c)
            );
        }
        for (_, _, v) in &d.unsettled {
            assert!(dashboard.contains(&amount(*v, c)), "{dashboard}");
        }
        keys(&mut app, &mut run, &[Input::Char('3')]);
        let screen = draw_at(&app, width, 24);
        for m in &app.merchants.list.rows {
            for v in [m.unsettled, m.deficit] {
                assert!(screen.contains(&amount(v, c)), "{}\n{screen}", amount(v, c));
            }
        }
        keys(&mut app, &mut run, &[Input::Char('4')]);
        let screen = draw_at(&app, width, 24);
        for p in app.payments.list.rows.iter().take(5) {
            assert!(screen.contains(&amount(p.amount, c)), "{screen}");
        }
        keys(&mut app, &mut run, &[Input::Char('5')]);
        let screen = draw_at(&app, width, 24);
        for s in &app.settlements.list.rows {
            for v in [s.gross, s.payout] {
                assert!(screen.contains(&amount(v, c)), "{}\n{screen}", amount(v, c));
            }
        }
        keys(&mut app, &mut run, &[Input::Char('1')]);
    }
    // The figures really are that large.
    assert_eq!(amount(app.dashboard.figures.unsettled[0].2, c).len(), 23);
}

/// The dashboard's "Latest events" shows as many events as its panel has rows, at any height.
#[test]
fn latest_events_fill_the_dashboard_panel() {
    let dir = Scratch::new();
    let (mut app, mut run) = large_app(&dir, Currency::Krw);
    for height in [24, 40, 70] {
        run.send(&mut app, Msg::Resize(120, height));
        let screen = draw_at(&app, 120, height);
        let lines: Vec<&str> = screen.lines().collect();
        let top = lines
            .iter()
            .position(|l| l.contains("Latest events"))
            .expect("panel");
        // Header, then one event per row down to the panel's bottom border.
        let rows = &lines[top + 2..lines.len() - 2];
        assert!(!rows.is_empty());
        for row in rows {
            assert!(
                row.trim_matches(|c| c == '"' || c == '│' || c == ' ')
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit()),
                "an empty row in the panel at height {height}:\n{screen}"
            );
        }
    }
}

/// The widest figures a store can hold (balances and sums are i64 minor units, so at most
/// 9,223,372,036,854,775,807 and at least its negative; the house account may go negative) are
/// drawn whole at 80 columns in KRW and USD, on the dashboard and in the lists' figure columns.
#[test]
fn the_widest_figures_a_store_can_hold_are_drawn_whole_at_80_columns() {
    for currency in [Currency::Krw, Currency::Usd] {
        let dir = Scratch::new();
        let (mut app, mut run) = large_app(&dir, currency);
        let scale = currency.minor_units();
        let widest = |minor: i64| Decimal::from_i128_with_scale(i128::from(minor), scale);
        let (max, min) = (widest(i64::MAX), widest(i64::MIN));
        app.dashboard.figures.float = max;
        app.dashboard.figures.house = min;
        app.dashboard.figures.fees = max;
        app.dashboard.figures.unsettled[0].2 = max;
        let screen = draw_at(&app, 80, 24);
        for v in [max, min] {
            let text = amount(v, currency);
            assert!(text.len() >= 25, "{text}");
            assert!(screen.contains(&text), "{text}\n{screen}");
        }
        keys(&mut app, &mut run, &[Input::Char('3')]);
        app.merchants.list.rows[0].unsettled = max;
        app.merchants.list.rows[1].deficit = max;
        let screen = draw_at(&app, 80, 24);
        assert_eq!(
            screen.matches(&amount(max, currency)).count(),
            2,
            "{screen}"
        );
        keys(&mut app, &mut run, &[Input::Char('5')]);
        app.settlements.list.rows[0].gross = max;
        app.settlements.list.rows[0].payout = max;
        let screen = draw_at(&app, 80, 24);
        assert_eq!(
            screen.matches(&amount(max, currency)).count(),
            2,
            "{screen}"
        );
        // With the detail pane open the list keeps the largest payment whole (one amount is at
        // most 15 digits of minor units), and the pane the widest figure.
        keys(&mut app, &mut run, &[Input::Char('4'), Input::Enter]);
        app.payments.list.rows[0].amount = Decimal::new(MAX, scale);
        if let Some(payctl_tui::screens::Detail::Payment(p)) = &mut app.detail {
            p.amount = min;
        }
        let screen = draw_at(&app, 80, 24);
        assert!(
            screen.contains(&amount(Decimal::new(MAX, scale), currency)),
            "{screen}"
        );
        assert!(screen.contains(&amount(min, currency)), "{screen}");
        // Settlements with the pane open: the payout, widest, is kept whole beside its id.
        keys(&mut app, &mut run, &[Input::Char('5'), Input::Enter]);
        app.settlements.list.rows[0].payout = max;
        let screen = draw_at(&app, 80, 24);
        assert!(screen.contains(&amount(max, currency)), "{screen}");
    }
}
