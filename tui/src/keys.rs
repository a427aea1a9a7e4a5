//! Key handling, pure: a terminal key event becomes an `Input`; `App::update` gives it meaning
//! for the current screen and mode.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Tab,
    BackTab,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Backspace,
    Char(char),
    /// Ctrl-C: leave at once, from anywhere.
    Interrupt,
}

/// `None` for keys the console does not use (and for key releases).
pub fn translate(key: &KeyEvent) -> Option<Input> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Input::Interrupt),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Tab => Input::Tab,
        KeyCode::BackTab => Input::BackTab,
        KeyCode::Up => Input::Up,
        KeyCode::Down => Input::Down,
        KeyCode::PageUp => Input::PageUp,
        KeyCode::PageDown => Input::PageDown,
        KeyCode::Home => Input::Home,
        KeyCode::End => Input::End,
        KeyCode::Enter => Input::Enter,
        KeyCode::Esc => Input::Esc,
        KeyCode::Backspace => Input::Backspace,
        KeyCode::Char(c) => Input::Char(c),
        _ => return None,
    })
}

/// The keys of each screen, for the `?` overlay: (key, what it does).
pub fn help(screen: crate::screens::Screen) -> Vec<(&'static str, &'static str)> {
    use crate::screens::Screen::*;
    let mut keys = vec![
        ("Tab / Shift-Tab", "next / previous screen"),
        ("1 … 6", "go to a screen"),
        ("↑ ↓  j k", "move"),
        ("PgUp PgDn  g G", "page, top, bottom"),
        ("Enter", "details"),
        ("?", "this help"),
        ("Esc  q", "back; quit from the top"),
    ];
    keys.extend(match screen {
        Dashboard => vec![
            ("n", "register a member"),
            ("d", "load the demo data set (empty store)"),
        ],
        Members => vec![
            ("/", "search by name or email"),
            ("n", "register a member"),
            ("l", "link a bank account"),
            ("c", "recharge the wallet"),
            ("w", "withdraw to the bank"),
            ("t", "remit to another member"),
            ("p / h", "pay a merchant / hold"),
        ],
        Merchants => vec![("n", "register a merchant"), ("s", "settle this merchant")],
        Payments => vec![
            ("/", "filter by member or merchant"),
            ("f", "filter by status (cycles)"),
            ("c", "capture a held payment"),
            ("v", "void a held payment"),
            ("r", "refund"),
            ("p / h", "pay / hold"),
        ],
        Settlements => vec![("/", "filter by merchant"), ("s", "settle every merchant")],
        Events => vec![
            ("/", "filter by stream or kind"),
            ("f", "follow new events (on/off)"),
        ],
    });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn key(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn key_events_become_inputs() {
        let press = |c| key(c, KeyModifiers::NONE, KeyEventKind::Press);
        assert_eq!(
            translate(&press(KeyCode::Char('j'))),
            Some(Input::Char('j'))
        );
        assert_eq!(translate(&press(KeyCode::BackTab)), Some(Input::BackTab));
        assert_eq!(translate(&press(KeyCode::Enter)), Some(Input::Enter));
        assert_eq!(
            translate(&key(
                KeyCode::Char('c'),
                KeyModifiers::CONTROL,
                KeyEventKind::Press
            )),
            Some(Input::Interrupt)
        );
        assert_eq!(
            translate(&key(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL,
                KeyEventKind::Press
            )),
            None
        );
        assert_eq!(
            translate(&key(
                KeyCode::Char('j'),
                KeyModifiers::NONE,
                KeyEventKind::Release
            )),
            None
        );
        assert_eq!(translate(&press(KeyCode::F(5))), None);
    }

    #[test]
    fn every_screen_has_help_with_the_global_keys() {
        for screen in crate::screens::Screen::ALL {
            let keys = help(screen);
            assert!(keys.iter().any(|(k, _)| *k == "?"), "{screen:?}");
            assert!(keys.iter().any(|(k, _)| k.contains("Tab")), "{screen:?}");
        }
    }

    #[test]
    fn search_is_offered_where_a_screen_filters_and_only_there() {
        use crate::screens::Screen::*;
        for screen in crate::screens::Screen::ALL {
            let offered = help(screen).iter().any(|(k, _)| *k == "/");
            let filters = matches!(screen, Members | Payments | Settlements | Events);
            assert_eq!(offered, filters, "{screen:?}");
        }
    }
}
