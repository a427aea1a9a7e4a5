//! Keys, pure: a terminal key event becomes an `Input`; the keymap says what it does where.

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
}
