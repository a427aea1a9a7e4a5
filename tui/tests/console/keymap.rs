//! The keymap table against what the console does and shows: every binding is in the help of
//! where it applies, every line of that help is a binding, every key a binding names does what the
//! table says, and a key the table does not name changes nothing. No store: `update` alone.

use payctl_tui::keymap::{self, Intent, Mode, TABLE};
use payctl_tui::keys::Input;
use payctl_tui::{App, Msg, Screen, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Every key the tests press: each special key and every printable ASCII character.
fn every_key() -> Vec<Input> {
    let mut keys = vec![
        Input::Tab,
        Input::BackTab,
        Input::Up,
        Input::Down,
        Input::PageUp,
        Input::PageDown,
        Input::Home,
        Input::End,
        Input::Enter,
        Input::Esc,
        Input::Backspace,
        Input::Interrupt,
        Input::Char('한'),
    ];
    keys.extend((' '..='~').map(Input::Char));
    keys
}

fn press(app: &mut App, inputs: &[Input]) {
    for i in inputs {
        app.update(Msg::Key(*i));
    }
}

/// A console with nothing loaded, on `screen`.
fn on(screen: Screen) -> App {
    let (mut app, _) = App::init();
    press(
        &mut app,
        &[Input::Char(char::from(b'1' + screen.index() as u8))],
    );
    assert_eq!(app.screen, screen);
    app
}

fn draw(app: &App) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(110, 40)).expect("terminal");
    terminal.draw(|f| view::render(app, f)).expect("draw");
    format!("{}", terminal.backend())
        .lines()
        .map(str::to_string)
        .collect()
}

/// The lines inside the `?` overlay's border, and its bottom border.
fn overlay(screen: &[String], title: &str) -> (Vec<String>, String) {
    let top = screen
        .iter()
        .position(|l| l.contains(&format!("Keys: {title}")))
        .expect("overlay");
    // Columns, not bytes: the borders are multi-byte characters. The overlay's corner is the
    // last one before its title (panels behind it have theirs too).
    let head: Vec<char> = screen[top].chars().collect();
    let title_at = head
        .windows(5)
        .position(|w| w.iter().collect::<String>() == "Keys:");
    let left = head[..title_at.expect("title")]
        .iter()
        .rposition(|c| *c == '┌')
        .expect("corner");
    let from_left = |l: &String| -> String { l.chars().skip(left).collect() };
    let bottom = top
        + screen[top..]
            .iter()
            .position(|l| from_left(l).starts_with('└'))
            .expect("bottom");
    let lines = screen[top + 1..bottom]
        .iter()
        .map(|l| {
            let inner: String = from_left(l).chars().skip(1).collect();
            inner.split('│').next().unwrap_or("").trim_end().to_string()
        })
        .collect();
    (lines, from_left(&screen[bottom]))
}

#[test]
fn the_help_of_each_screen_lists_exactly_the_bindings_that_apply_there() {
    for screen in Screen::ALL {
        let mut app = on(screen);
        press(&mut app, &[Input::Char('?')]);
        let (lines, bottom) = overlay(&draw(&app), screen.title());
        let rows: Vec<String> = keymap::help(screen)
            .iter()
            .map(|b| format!("{:<16}{}", b.keys, b.help))
            .collect();
        assert_eq!(lines, rows, "{screen:?}");
        assert!(bottom.contains(&keymap::hint(Mode::Help)), "{bottom}");
        // Every binding that applies on the screen is one of those rows.
        let applies = TABLE
            .iter()
            .filter(|b| b.applies(Mode::Browse(screen)))
            .count();
        assert_eq!(applies, rows.len(), "{screen:?}");
    }
}

#[test]
fn every_key_a_binding_names_does_what_the_table_says_and_no_key_means_two_things() {
    let modes = Screen::ALL.map(Mode::Browse).into_iter().chain([
        Mode::Help,
        Mode::Search,
        Mode::Form,
        Mode::Confirm,
    ]);
    for mode in modes {
        let mut seen: Vec<Input> = Vec::new();
        for binding in TABLE.iter().filter(|b| b.applies(mode)) {
            assert!(!binding.keys.is_empty() && !binding.help.is_empty());
            for (input, intent) in binding.does {
                assert!(!seen.contains(input), "{input:?} bound twice in {mode:?}");
                seen.push(*input);
                assert_eq!(keymap::lookup(mode, *input), Some(*intent), "{mode:?}");
            }
        }
    }
}

#[test]
fn a_key_the_table_does_not_name_changes_nothing_while_browsing() {
    for screen in Screen::ALL {
        for input in every_key() {
            if keymap::lookup(Mode::Browse(screen), input).is_some() {
                continue;
            }
            let mut app = on(screen);
            let before = format!("{app:?}");
            let effects = app.update(Msg::Key(input));
            assert!(effects.is_empty(), "{input:?} on {screen:?}: {effects:?}");
            assert_eq!(format!("{app:?}"), before, "{input:?} on {screen:?}");
        }
    }
}

#[test]
fn in_an_overlay_a_key_the_table_does_not_name_only_types_text() {
    // On Members: `n` opens a form, `/` a search, `?` the help.
    let open = |mode: Mode| -> App {
        let mut app = on(Screen::Members);
        match mode {
            Mode::Help => press(&mut app, &[Input::Char('?')]),
            Mode::Search => press(&mut app, &[Input::Char('/')]),
            Mode::Form => press(&mut app, &[Input::Char('n')]),
            _ => {
                press(&mut app, &[Input::Char('n')]);
                for c in "Kim\tkim@example.com\n".chars() {
                    let key = match c {
                        '\t' => Input::Tab,
                        '\n' => Input::Enter,
                        c => Input::Char(c),
                    };
                    press(&mut app, &[key]);
                }
            }
        }
        assert_eq!(app.mode(), mode);
        app
    };
    for mode in [Mode::Help, Mode::Search, Mode::Form, Mode::Confirm] {
        for input in every_key() {
            let text = matches!(mode, Mode::Search | Mode::Form)
                && matches!(input, Input::Char(_) | Input::Backspace);
            if keymap::lookup(mode, input).is_some() || text {
                continue;
            }
            let mut app = open(mode);
            let before = format!("{app:?}");
            assert!(
                app.update(Msg::Key(input)).is_empty(),
                "{input:?} in {mode:?}"
            );
            assert_eq!(format!("{app:?}"), before, "{input:?} in {mode:?}");
        }
    }
}

#[test]
fn search_is_offered_where_a_screen_filters_and_only_there() {
    for screen in Screen::ALL {
        let offered =
            keymap::lookup(Mode::Browse(screen), Input::Char('/')) == Some(Intent::Search);
        let mut app = on(screen);
        press(&mut app, &[Input::Char('/')]);
        assert_eq!(offered, app.search_input.is_some(), "{screen:?}");
        let filters = !matches!(screen, Screen::Dashboard | Screen::Merchants);
        assert_eq!(offered, filters, "{screen:?}");
    }
}

#[test]
fn the_hints_of_the_search_the_form_and_its_confirmation_come_from_the_table() {
    let mut app = on(Screen::Members);
    press(&mut app, &[Input::Char('/')]);
    assert!(draw(&app).concat().contains(&keymap::hint(Mode::Search)));
    press(&mut app, &[Input::Esc, Input::Char('n')]);
    let form = keymap::hint(Mode::Form);
    assert!(
        form.contains("Enter: review") && form.contains("Esc: cancel"),
        "{form}"
    );
    assert!(draw(&app).concat().contains(&form));
    for c in "Kim".chars() {
        press(&mut app, &[Input::Char(c)]);
    }
    press(&mut app, &[Input::Tab]);
    for c in "kim@example.com".chars() {
        press(&mut app, &[Input::Char(c)]);
    }
    press(&mut app, &[Input::Enter]);
    let confirm = format!("Confirm? {}", keymap::hint(Mode::Confirm));
    assert!(draw(&app).concat().contains(&confirm), "{confirm}");
    // The hint says Esc goes back to editing, and so it does.
    assert!(confirm.contains("n / Esc: edit"), "{confirm}");
    press(&mut app, &[Input::Esc]);
    assert_eq!(app.mode(), Mode::Form);
}
