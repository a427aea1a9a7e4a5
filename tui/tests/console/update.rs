//! `App::update` alone, no store: each message changes the state and returns the effects the loop
//! would run; the test answers those effects itself, as the runner would.

use payctl_core::domain::Command;
use payctl_core::money::Currency;
use payctl_core::queries::{EventRow, Member};
use payctl_core::{Error, ErrorCode, Outcome};
use payctl_tui::effect::{At, Load, Loaded};
use payctl_tui::keys::Input;
use payctl_tui::screens::Detail;
use payctl_tui::screens::members::MemberDetail;
use payctl_tui::{App, Effect, Msg, Screen};
use rust_decimal::Decimal;

fn member(n: i64) -> Member {
    Member {
        id: format!("mem_{n}"),
        name: format!("Member {n}"),
        email: format!("m{n}@example.com"),
        address: None,
        corporate: false,
        status: "active".into(),
        registered_at: "2026-03-02T09:00:00Z".into(),
        balance: Decimal::new(47_000, 0),
        available: Decimal::new(47_000, 0),
        currency: Currency::Krw,
    }
}

fn press(app: &mut App, inputs: &[Input]) -> Vec<Effect> {
    inputs
        .iter()
        .flat_map(|i| app.update(Msg::Key(*i)))
        .collect()
}

/// A console on Members showing `n` members from the first page on.
fn on_members(n: i64) -> App {
    let (mut app, _) = App::init();
    let effects = press(&mut app, &[Input::Char('2')]);
    let at = effects
        .iter()
        .find_map(|e| match e {
            Effect::Load(Load::Members { at, .. }) => Some(*at),
            _ => None,
        })
        .expect("going to Members loads them");
    assert_eq!(at.offset, 0);
    let rows = (1..=n).map(member).collect();
    let more = app.update(Msg::Loaded(Loaded::Members(at, rows)));
    assert!(more.is_empty(), "{more:?}");
    app
}

#[test]
fn the_console_starts_by_reading_the_change_signal_and_its_first_reading_loads_the_dashboard() {
    let (mut app, effects) = App::init();
    assert!(matches!(effects[..], [Effect::ReadVersion]), "{effects:?}");
    let effects = app.update(Msg::Version(7));
    assert!(
        matches!(
            effects[..],
            [
                Effect::Load(Load::Currency),
                Effect::Load(Load::Dashboard { days: 14, .. })
            ]
        ),
        "{effects:?}"
    );
    // The same reading again: nothing changed, nothing to read.
    assert!(app.update(Msg::Version(7)).is_empty());
    assert!(matches!(app.update(Msg::Tick)[..], [Effect::ReadVersion]));
}

#[test]
fn pressing_c_on_members_with_a_member_selected_opens_the_recharge_form_and_asks_for_nothing() {
    let mut app = on_members(3);
    assert_eq!(app.screen, Screen::Members);
    let effects = press(&mut app, &[Input::Down, Input::Char('c')]);
    assert!(effects.is_empty(), "{effects:?}");
    let form = app.form.as_ref().expect("form");
    assert_eq!(form.action.title(), "Recharge wallet");
    assert_eq!(
        form.fields[0].value, "mem_2",
        "the selected member is filled in"
    );
}

#[test]
fn confirming_a_form_returns_the_command_to_execute_and_nothing_runs_before() {
    let mut app = on_members(1);
    assert!(press(&mut app, &[Input::Char('c')]).is_empty());
    for c in "5,000".chars() {
        assert!(press(&mut app, &[Input::Char(c)]).is_empty());
    }
    assert!(press(&mut app, &[Input::Enter]).is_empty(), "review only");
    let effects = press(&mut app, &[Input::Char('y')]);
    let [Effect::Execute { command, summary }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(
        command,
        &Command::Recharge {
            member: "mem_1".into(),
            amount: Decimal::new(5_000, 0),
            link: None,
        }
    );
    assert!(summary.contains("5,000 KRW"), "{summary}");
    assert!(app.form.is_none());
}

#[test]
fn a_failed_execution_sets_the_status_line_and_reads_nothing_again() {
    let mut app = on_members(1);
    let effects = app.update(Msg::Executed {
        summary: "Recharge 5,000 KRW into mem_1's wallet".into(),
        outcome: Err(Error::internal("disk I/O error")),
    });
    assert!(effects.is_empty(), "{effects:?}");
    let status = app.status.clone().expect("status");
    assert!(status.error, "{status:?}");
    assert_eq!(status.text, "internal: disk I/O error");
}

#[test]
fn an_action_that_ran_is_reported_and_everything_on_screen_is_read_again() {
    let mut app = on_members(1);
    let refused = Outcome {
        result: Err(Error::new(ErrorCode::NoLinkedAccount, "mem_1 has no bank")),
        replayed: false,
    };
    let effects = app.update(Msg::Executed {
        summary: "Recharge".into(),
        outcome: Ok(refused),
    });
    let status = app.status.clone().expect("status");
    assert!(
        status.error && status.text == "Refused (no_linked_account): mem_1 has no bank",
        "{status:?}"
    );
    // Its own writes do not move the change signal: the console forgets it, then reloads.
    assert!(matches!(effects[..], [Effect::ReadVersion]), "{effects:?}");
    let effects = app.update(Msg::Version(1));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Load(Load::Members { .. }))),
        "{effects:?}"
    );
}

#[test]
fn moving_past_the_last_row_loaded_asks_for_the_next_page() {
    let mut app = on_members(200);
    let effects = press(&mut app, &[Input::End]);
    let [Effect::Load(Load::Members { at, .. })] = &effects[..] else {
        panic!("{effects:?}");
    };
    // Half a page on, the last row of the next page selected.
    assert_eq!(
        *at,
        At {
            offset: 100,
            select: Some(299)
        }
    );
    let rows = (101..=300).map(member).collect();
    assert!(
        app.update(Msg::Loaded(Loaded::Members(*at, rows)))
            .is_empty()
    );
    assert_eq!(
        app.members.list.current().map(|m| m.id.as_str()),
        Some("mem_300")
    );
}

#[test]
fn a_detail_pane_is_loaded_for_the_selection_and_follows_it() {
    let mut app = on_members(3);
    let effects = press(&mut app, &[Input::Enter]);
    assert!(
        matches!(&effects[..], [Effect::Load(Load::Member(id))] if id == "mem_1"),
        "{effects:?}"
    );
    assert!(app.detail.is_none(), "shown once loaded");
    let pane = MemberDetail {
        member: member(1),
        links: Vec::new(),
        history: Vec::new(),
        payments: Vec::new(),
    };
    let more = app.update(Msg::Loaded(Loaded::Detail(Detail::Member(Box::new(pane)))));
    assert!(more.is_empty() && app.detail.is_some());
    let effects = press(&mut app, &[Input::Down]);
    assert!(
        matches!(&effects[..], [Effect::Load(Load::Member(id))] if id == "mem_2"),
        "{effects:?}"
    );
    // Closed, the pane follows nothing.
    press(&mut app, &[Input::Esc]);
    assert!(app.detail.is_none());
    assert!(press(&mut app, &[Input::Down, Input::Up]).is_empty());
}

#[test]
fn a_filter_that_names_nothing_empties_the_list_and_says_why() {
    let (mut app, _) = App::init();
    let effects = press(&mut app, &[Input::Char('4')]);
    let Some(Effect::Load(load @ Load::Payments { .. })) = effects.last().cloned() else {
        panic!("{effects:?}");
    };
    let effects = app.update(Msg::LoadFailed(load, Error::not_found("merchant", "NOPE")));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(app.payments.list.rows.is_empty());
    let status = app.status.clone().expect("status");
    assert!(
        status.error && status.text.starts_with("filter: "),
        "{status:?}"
    );
}

#[test]
fn quitting_and_the_help_overlay_need_no_store() {
    let (mut app, _) = App::init();
    assert!(press(&mut app, &[Input::Char('?')]).is_empty());
    assert!(app.help);
    assert!(press(&mut app, &[Input::Esc]).is_empty());
    assert!(!app.help && !app.quit);
    assert!(press(&mut app, &[Input::Char('q')]).is_empty());
    assert!(app.quit);
}

fn event(seq: i64) -> EventRow {
    EventRow {
        seq,
        stream: format!("member-mem_{seq}"),
        version: 1,
        kind: "MemberRegistered".into(),
        effective_at: "2026-03-02T09:00:00Z".into(),
        recorded_at: "2026-03-02T09:00:00Z".into(),
        actor: "test".into(),
        idempotency_key: None,
        hash: String::new(),
        payload: serde_json::Value::Null,
    }
}

/// Answers the one read of older events `effects` holds with the 200 events before it.
fn older_events(app: &mut App, effects: Vec<Effect>) {
    let [Effect::Load(Load::Events { before, select, .. })] = effects[..] else {
        panic!("{effects:?}");
    };
    let last = before.expect("older");
    let rows = (last - 200..last).rev().map(event).collect();
    let more = app.update(Msg::Loaded(Loaded::Events {
        before,
        select,
        rows,
    }));
    assert!(more.is_empty(), "{more:?}");
}

#[test]
fn scrolling_past_the_events_kept_lands_on_the_next_older_event() {
    let (mut app, _) = App::init();
    press(&mut app, &[Input::Char('6')]);
    let newest = (9_801..=10_000).rev().map(event).collect();
    app.update(Msg::Loaded(Loaded::Events {
        before: None,
        select: None,
        rows: newest,
    }));
    // Nine pages down to the oldest of 2,000 kept.
    for _ in 0..9 {
        let effects = press(&mut app, &[Input::End]);
        older_events(&mut app, effects);
    }
    assert_eq!(app.events.list.rows.len(), 2_000);
    assert_eq!(app.events.list.current().map(|e| e.seq), Some(8_001));
    // One more row down: older events come in, the newest go, the selection moves by one.
    let effects = press(&mut app, &[Input::Down]);
    older_events(&mut app, effects);
    assert_eq!(app.events.list.rows.len(), 2_000);
    assert_eq!(app.events.list.current().map(|e| e.seq), Some(8_000));
    assert!(!app.events.follow);
}
