//! The console, driven by messages and drawn on ratatui's TestBackend: snapshots of every screen
//! (fixed data set: fixtures/sample.jsonl, fixed clock) and the behaviour of its keys.

use chrono::{TimeZone, Utc};
use payctl_core::import::{Format, ImportObserver, ImportOptions};
use payctl_core::testing::TestDb;
use payctl_core::{Context, Engine, InitOptions, OpenMode};
use payctl_tui::keys::Input;
use payctl_tui::{App, Msg, Runner, Screen, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "console/keymap.rs"]
mod keymap;
#[path = "console/large.rs"]
mod large;
#[path = "console/update.rs"]
mod update;

struct Quiet;
impl ImportObserver for Quiet {}

/// A test's scratch space: a temporary directory, and its stores by name (files there, or
/// schemas on the server `PAYCTL_TEST_DB` names, dropped with it).
struct Scratch {
    // Declared first: the stores go before the directory.
    dbs: std::cell::RefCell<std::collections::HashMap<String, TestDb>>,
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            dbs: Default::default(),
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The store `name` of this test (the same one each time it is asked for).
    fn db(&self, name: &str) -> std::path::PathBuf {
        self.dbs
            .borrow_mut()
            .entry(name.to_string())
            .or_insert_with(|| TestDb::in_dir(self.dir.path(), name))
            .path()
            .to_path_buf()
    }
}

fn sample_engine(dir: &Scratch) -> Engine {
    let path = dir.db("console.db");
    // Created at the sample's first time, so every time on screen is fixed.
    let created = Context {
        at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single(),
        actor: "test".into(),
        idempotency_key: None,
    };
    let mut engine =
        Engine::open_or_create(&path, &InitOptions::default(), &created).expect("open");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/sample.jsonl");
    let options = ImportOptions {
        dry_run: false,
        require_keys: false,
        actor: "test".into(),
        batch_lines: None,
    };
    engine
        .import(
            std::path::Path::new(sample),
            Format::Jsonl,
            &options,
            &mut Quiet,
        )
        .expect("import")
        .expect("well-formed");
    engine
}

/// A console over `engine` at a fixed time: its state, and the runner that carries out its
/// effects.
fn console(engine: Engine, now: chrono::DateTime<Utc>) -> (App, Runner) {
    let mut run = Runner::new(engine, "test", Box::new(move || now));
    (run.start().expect("app"), run)
}

fn app(dir: &Scratch) -> (App, Runner) {
    let now = Utc
        .with_ymd_and_hms(2026, 3, 5, 0, 0, 0)
        .single()
        .expect("time");
    console(sample_engine(dir), now)
}

fn draw(app: &App) -> String {
    draw_at(app, 110, 30)
}

fn draw_at(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view::render(app, f)).expect("draw");
    format!("{}", terminal.backend())
}

fn keys(app: &mut App, run: &mut Runner, inputs: &[Input]) {
    for i in inputs {
        run.send(app, Msg::Key(*i));
    }
}

fn typed(app: &mut App, run: &mut Runner, text: &str) {
    for c in text.chars() {
        run.send(app, Msg::Key(Input::Char(c)));
    }
}

#[test]
fn every_screen_renders_the_sample_data_set() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    insta::assert_snapshot!("dashboard", draw(&app));
    for (key, name) in [
        ('2', "members"),
        ('3', "merchants"),
        ('4', "payments"),
        ('5', "settlements"),
        ('6', "events"),
    ] {
        keys(&mut app, &mut run, &[Input::Char(key)]);
        insta::assert_snapshot!(name, draw(&app));
    }
}

#[test]
fn detail_panes_show_what_the_selection_is_made_of() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Enter]);
    insta::assert_snapshot!("member_detail", draw(&app));
    keys(&mut app, &mut run, &[Input::Char('5'), Input::Enter]);
    insta::assert_snapshot!("settlement_detail", draw(&app));
    // The event pane shows wall-clock and hash fields: checked by content, not snapshot.
    keys(&mut app, &mut run, &[Input::Char('6'), Input::Enter]);
    let screen = draw(&app);
    for needle in [
        "Event 29",
        "MemberDeactivated",
        "member-mem_2 v2",
        "recorded",
        "hash",
        "\"member\": \"mem_2\"",
    ] {
        assert!(screen.contains(needle), "{needle:?} missing:\n{screen}");
    }
}

#[test]
fn help_overlay_lists_the_keys_of_the_current_screen() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('4'), Input::Char('?')]);
    assert!(app.help);
    insta::assert_snapshot!("help_payments", draw(&app));
    keys(&mut app, &mut run, &[Input::Esc]);
    assert!(!app.help);
    assert!(!app.quit, "Esc closes the overlay, it does not quit");
}

#[test]
fn a_form_shows_the_validation_error_inline_and_changes_nothing() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('c')]);
    typed(&mut app, &mut run, "1.5");
    keys(&mut app, &mut run, &[Input::Enter]);
    insta::assert_snapshot!("recharge_form_error", draw(&app));
    let form = app.form.as_ref().expect("form stays open");
    assert!(
        form.error
            .as_ref()
            .is_some_and(|(_, m)| m.starts_with("invalid_input"))
    );
    assert!(form.confirming.is_none());
}

#[test]
fn recharge_through_the_form_moves_money_after_confirmation_only() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('c')]);
    typed(&mut app, &mut run, "5,000");
    keys(&mut app, &mut run, &[Input::Enter]);
    let summary = app
        .form
        .as_ref()
        .and_then(|f| f.confirming.clone())
        .expect("confirming");
    assert!(
        summary.contains("5,000 KRW") && summary.contains("mem_1"),
        "{summary}"
    );
    // Declining goes back to editing; nothing moved.
    keys(&mut app, &mut run, &[Input::Char('n')]);
    assert_eq!(app.members.list.rows[0].balance.to_string(), "47000");
    keys(&mut app, &mut run, &[Input::Enter, Input::Char('y')]);
    assert!(app.form.is_none());
    let status = app.status.clone().expect("status");
    assert!(!status.error && status.text.contains("rch_"), "{status:?}");
    assert_eq!(app.members.list.rows[0].balance.to_string(), "52000");
}

#[test]
fn a_refused_action_is_shown_as_refused() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    // mem_3 has no linked account: recharge is refused with no_linked_account.
    keys(
        &mut app,
        &mut run,
        &[Input::Char('2'), Input::Down, Input::Down, Input::Char('c')],
    );
    typed(&mut app, &mut run, "1000");
    keys(&mut app, &mut run, &[Input::Enter, Input::Char('y')]);
    let status = app.status.clone().expect("status");
    assert!(
        status.error && status.text.contains("no_linked_account"),
        "{status:?}"
    );
}

#[test]
fn keys_switch_screens_search_and_quit() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    assert_eq!(app.screen, Screen::Dashboard);
    keys(&mut app, &mut run, &[Input::Tab]);
    assert_eq!(app.screen, Screen::Members);
    keys(&mut app, &mut run, &[Input::BackTab, Input::BackTab]);
    assert_eq!(app.screen, Screen::Events);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('/')]);
    typed(&mut app, &mut run, "junho");
    keys(&mut app, &mut run, &[Input::Enter]);
    assert_eq!(app.members.list.rows.len(), 1);
    assert_eq!(app.members.list.rows[0].id, "mem_2");
    // Esc clears the filter first, then goes back to the dashboard; q quits.
    keys(&mut app, &mut run, &[Input::Esc]);
    assert_eq!(app.members.list.rows.len(), 3);
    keys(&mut app, &mut run, &[Input::Esc]);
    assert_eq!(app.screen, Screen::Dashboard);
    keys(&mut app, &mut run, &[Input::Char('q')]);
    assert!(app.quit);
}

#[test]
fn another_process_writing_shows_up_on_the_next_tick() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2')]);
    assert_eq!(app.members.list.rows.len(), 3);
    // Another connection (as another process would) registers a member.
    let mut other = Engine::open(&dir.db("console.db"), OpenMode::MustExist).expect("open");
    let cmd = payctl_core::domain::Command::RegisterMember {
        name: "New Person".into(),
        email: "new@example.com".into(),
        address: None,
        corporate: false,
    };
    let ctx = payctl_core::Context {
        at: None,
        actor: "other".into(),
        idempotency_key: None,
    };
    assert!(other.execute(&cmd, &ctx).expect("execute").result.is_ok());
    run.send(&mut app, Msg::Tick);
    assert_eq!(app.members.list.rows.len(), 4);
}

#[test]
fn names_with_escape_codes_are_drawn_harmless() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    let mut other = Engine::open(&dir.db("console.db"), OpenMode::MustExist).expect("open");
    let cmd = payctl_core::domain::Command::RegisterMember {
        name: "Evil\u{1b}[2J\u{7}".into(),
        email: "evil@example.com".into(),
        address: None,
        corporate: false,
    };
    let ctx = payctl_core::Context {
        at: None,
        actor: "other".into(),
        idempotency_key: None,
    };
    assert!(other.execute(&cmd, &ctx).expect("execute").result.is_ok());
    keys(&mut app, &mut run, &[Input::Char('2')]);
    let screen = draw(&app);
    assert!(
        !screen.contains('\u{1b}'),
        "no raw escape reaches the screen"
    );
    assert!(screen.contains("Evil\\u{1b}"), "{screen}");
}

#[test]
fn an_empty_store_offers_the_demo_data_set_and_loads_it() {
    let dir = Scratch::new();
    let engine = Engine::open(&dir.db("empty.db"), OpenMode::CreateIfMissing).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 3, 20, 0, 0, 0)
        .single()
        .expect("time");
    let (mut app, mut run) = console(engine, now);
    assert!(app.is_empty_store());
    assert!(draw(&app).contains("press d for demo data"));
    keys(&mut app, &mut run, &[Input::Char('d')]);
    let status = app.status.clone().expect("status");
    assert!(
        !status.error && status.text.contains("Demo data set loaded"),
        "{status:?}"
    );
    assert_eq!(app.dashboard.figures.members, 40);
}

#[test]
fn every_screen_draws_at_any_terminal_size_without_panicking() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    for (w, h) in [(1, 1), (10, 4), (40, 10), (80, 24), (250, 70)] {
        for screen in ['1', '2', '3', '4', '5', '6'] {
            keys(&mut app, &mut run, &[Input::Char(screen), Input::Enter]);
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            terminal.draw(|f| view::render(&app, f)).expect("draw");
            keys(&mut app, &mut run, &[Input::Char('?')]);
            terminal.draw(|f| view::render(&app, f)).expect("draw help");
            keys(&mut app, &mut run, &[Input::Esc, Input::Esc]);
        }
        keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('c')]);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| view::render(&app, f)).expect("draw form");
        keys(&mut app, &mut run, &[Input::Esc]);
    }
}

#[test]
fn empty_lists_say_so() {
    let dir = Scratch::new();
    let engine = Engine::open(&dir.db("empty.db"), OpenMode::CreateIfMissing).expect("open");
    let (mut app, mut run) = console(engine, Utc::now());
    assert!(draw_at(&app, 80, 24).contains("nothing unsettled"));
    for (key, says) in [
        ('2', "no members yet (n: register one)"),
        ('3', "no merchants yet (n: register one)"),
        ('4', "no payments yet"),
        ('5', "no settlements yet (s: settle every merchant)"),
    ] {
        keys(&mut app, &mut run, &[Input::Char(key)]);
        let screen = draw_at(&app, 80, 24);
        assert!(screen.contains(says), "{says:?} missing:\n{screen}");
    }
}

#[test]
fn a_search_or_filter_that_matches_nothing_says_no_matches() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('/')]);
    typed(&mut app, &mut run, "nobody-by-this-name");
    keys(&mut app, &mut run, &[Input::Enter]);
    assert!(app.members.list.rows.is_empty());
    let screen = draw_at(&app, 80, 24);
    assert!(screen.contains("no matches"), "{screen}");
    // The sample holds no authorized payment: that status filter matches nothing.
    keys(&mut app, &mut run, &[Input::Char('4'), Input::Char('f')]);
    assert!(app.payments.list.rows.is_empty());
    assert!(draw_at(&app, 80, 24).contains("no matches"));
    // Settlements filter by merchant (id or code).
    keys(&mut app, &mut run, &[Input::Char('5'), Input::Char('/')]);
    typed(&mut app, &mut run, "HANBIT-GN");
    keys(&mut app, &mut run, &[Input::Enter]);
    assert_eq!(app.settlements.list.rows.len(), 1);
    keys(&mut app, &mut run, &[Input::Char('/')]);
    typed(&mut app, &mut run, "X");
    keys(&mut app, &mut run, &[Input::Enter]);
    assert!(app.settlements.list.rows.is_empty());
    assert!(draw_at(&app, 80, 24).contains("no matches"));
    keys(&mut app, &mut run, &[Input::Esc]);
    // A member with nothing linked, no history and no payment: each part of its pane says so.
    keys(
        &mut app,
        &mut run,
        &[Input::Char('2'), Input::Esc, Input::End, Input::Enter],
    );
    let screen = draw_at(&app, 110, 30);
    assert!(screen.contains("Member mem_3"), "{screen}");
    assert_eq!(screen.matches("  none").count(), 3, "{screen}");
}

#[test]
fn a_long_refusal_wraps_in_the_status_line_instead_of_being_cut() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    // mem_3 has no money and no linked account to recharge from.
    keys(
        &mut app,
        &mut run,
        &[Input::Char('2'), Input::Down, Input::Down, Input::Char('p')],
    );
    typed(&mut app, &mut run, "HANBIT-GN");
    keys(&mut app, &mut run, &[Input::Tab]);
    typed(&mut app, &mut run, "999,999,999,999,999");
    keys(&mut app, &mut run, &[Input::Enter, Input::Char('y')]);
    let status = app.status.clone().expect("status");
    assert!(status.error && status.text.len() > 80, "{status:?}");
    // Everything under the screen's bottom border is the status line, grown to hold it all.
    let screen = draw_at(&app, 80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    let border = lines.iter().rposition(|l| l.contains('└')).expect("border");
    assert!(lines.len() - border - 1 > 1, "{screen}");
    let shown: Vec<&str> = lines[border + 1..]
        .iter()
        .map(|l| l.trim_matches('"').trim_end())
        .collect();
    assert_eq!(shown.join(" "), status.text, "{screen}");
}

#[test]
fn a_long_confirmation_keeps_its_prompt_in_view_at_80_columns() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    keys(&mut app, &mut run, &[Input::Char('2'), Input::Char('c')]);
    typed(&mut app, &mut run, "999,999,999,999,999");
    keys(&mut app, &mut run, &[Input::Enter]);
    let summary = app
        .form
        .as_ref()
        .and_then(|f| f.confirming.clone())
        .expect("confirming");
    assert!(summary.len() > 70, "{summary}");
    let screen = draw_at(&app, 80, 24);
    assert!(screen.contains("Confirm? y: yes"), "{screen}");
    assert!(screen.contains("999,999,999,999,999 KRW"), "{screen}");
}

#[test]
fn settlements_show_refunds_and_deficit_and_merchants_their_carried_deficit() {
    let dir = Scratch::new();
    let (mut app, mut run) = app(&dir);
    // The sample refunds 5,500 of pay_2 after stl_1 settled it: mer_1 carries that deficit.
    keys(&mut app, &mut run, &[Input::Char('3')]);
    assert_eq!(app.merchants.list.rows[0].deficit.to_string(), "5500");
    let screen = draw_at(&app, 80, 24);
    assert!(
        screen.contains("DEFICIT") && screen.contains("5,500"),
        "{screen}"
    );
    // stl_1 settled pay_1 net of its 1,500 refund.
    keys(&mut app, &mut run, &[Input::Char('5')]);
    let screen = draw_at(&app, 80, 24);
    for needle in ["REFUNDS", "DEFICIT", "1,500"] {
        assert!(screen.contains(needle), "{needle:?} missing:\n{screen}");
    }
}
