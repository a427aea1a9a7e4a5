//! The one table of keys: each binding says where it applies, its keys, what each key does and
//! the words the help shows for it. `App` finds what a key does only through `lookup`, and the
//! `?` overlay and the hint lines of the search, the form and its confirmation are drawn only from
//! `help` and `hint`, so the keys and their help cannot disagree. Typing into a text field
//! (characters, Backspace) is text entry, not a binding.

use crate::form::Action;
use crate::keys::Input;
use crate::screens::Screen;

/// Where the console is, as far as keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Looking at a screen, nothing open over it.
    Browse(Screen),
    /// The `?` overlay is open.
    Help,
    /// Typing a filter after `/`.
    Search,
    /// Filling in a form.
    Form,
    /// A form waits for y/n.
    Confirm,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, whatever is open.
    Anywhere,
    /// Browsing any screen.
    Browse,
    /// Browsing one of these screens.
    On(&'static [Screen]),
    /// Only in this mode (not browsing).
    Only(Mode),
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Leave at once.
    Quit,
    NextScreen,
    PreviousScreen,
    GoTo(Screen),
    /// Move the selection by this many rows.
    Move(i64),
    Top,
    Bottom,
    /// Open the selection's detail pane, or close it.
    Details,
    OpenHelp,
    /// Close the pane, else clear the filter, else go to the dashboard, else quit.
    Back,
    /// Close the pane, else clear the filter, else quit.
    CloseOrQuit,
    Search,
    Open(Action),
    /// Show payments of the next status.
    CycleStatus,
    /// Follow new events, or stop.
    Follow,
    LoadDemo,
    CloseHelp,
    ApplySearch,
    CancelSearch,
    NextField,
    PreviousField,
    /// Check the form and show what it will do.
    Review,
    CancelForm,
    /// Run what the form will do.
    Confirm,
    /// Back to editing the form.
    Edit,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    /// The keys, as the help names them.
    pub keys: &'static str,
    /// Each key and what it does.
    pub does: &'static [(Input, Intent)],
    /// What the help says they do.
    pub help: &'static str,
}

impl Binding {
    /// Does this binding apply in `mode`?
    pub fn applies(&self, mode: Mode) -> bool {
        match (self.scope, mode) {
            (Scope::Anywhere, _) => true,
            (Scope::Browse, Mode::Browse(_)) => true,
            (Scope::On(screens), Mode::Browse(s)) => screens.contains(&s),
            (Scope::Only(m), mode) => m == mode,
            (Scope::Browse | Scope::On(_), _) => false,
        }
    }
}

const fn row(
    scope: Scope,
    keys: &'static str,
    does: &'static [(Input, Intent)],
    help: &'static str,
) -> Binding {
    Binding {
        scope,
        keys,
        does,
        help,
    }
}

/// Every key the console answers to. The `?` overlay lists the rows that apply on the screen in
/// this order; a hint line, the rows of its mode.
#[rustfmt::skip]
pub const TABLE: &[Binding] = {
    use Action as A;
    use Input::{BackTab, Char, Down, End, Enter, Esc, Home, Interrupt, PageDown, PageUp, Tab, Up};
    use Intent::*;
    use Scope::{Anywhere, Browse, On, Only};
    use Screen::{Dashboard, Events, Members, Merchants, Payments, Settlements};
    &[
        row(Browse, "Tab / Shift-Tab", &[(Tab, NextScreen), (BackTab, PreviousScreen)],
            "next / previous screen"),
        row(Browse, "1 … 6", &[
                (Char('1'), GoTo(Dashboard)), (Char('2'), GoTo(Members)),
                (Char('3'), GoTo(Merchants)), (Char('4'), GoTo(Payments)),
                (Char('5'), GoTo(Settlements)), (Char('6'), GoTo(Events)),
            ], "go to a screen"),
        row(Browse, "↑ ↓  j k",
            &[(Up, Move(-1)), (Char('k'), Move(-1)), (Down, Move(1)), (Char('j'), Move(1))],
            "move"),
        row(Browse, "PgUp PgDn", &[(PageUp, Move(-20)), (PageDown, Move(20))], "page up / down"),
        row(Browse, "g G  Home End",
            &[(Char('g'), Top), (Home, Top), (Char('G'), Bottom), (End, Bottom)], "top / bottom"),
        row(Browse, "Enter", &[(Enter, Details)], "details"),
        row(Browse, "?", &[(Char('?'), OpenHelp)], "this help"),
        row(Browse, "Esc", &[(Esc, Back)], "back; quit from the dashboard"),
        row(Browse, "q", &[(Char('q'), CloseOrQuit)], "close the pane or filter, else quit"),
        row(Anywhere, "Ctrl-C", &[(Interrupt, Quit)], "quit at once"),

        row(On(&[Dashboard]), "n", &[(Char('n'), Open(A::RegisterMember))], "register a member"),
        row(On(&[Dashboard]), "d", &[(Char('d'), LoadDemo)],
            "load the demo data set (empty store)"),

        row(On(&[Members]), "/", &[(Char('/'), Search)], "search by name or email"),
        row(On(&[Members]), "n", &[(Char('n'), Open(A::RegisterMember))], "register a member"),
        row(On(&[Members]), "l", &[(Char('l'), Open(A::LinkBank))], "link a bank account"),
        row(On(&[Members]), "c", &[(Char('c'), Open(A::Recharge))], "recharge the wallet"),
        row(On(&[Members]), "w", &[(Char('w'), Open(A::Withdraw))], "withdraw to the bank"),
        row(On(&[Members]), "t", &[(Char('t'), Open(A::Remit))], "remit to another member"),
        row(On(&[Members]), "p / h", &[(Char('p'), Open(A::Pay)), (Char('h'), Open(A::Hold))],
            "pay a merchant / hold"),

        row(On(&[Merchants]), "n", &[(Char('n'), Open(A::RegisterMerchant))],
            "register a merchant"),
        row(On(&[Merchants]), "s", &[(Char('s'), Open(A::Settle))], "settle this merchant"),

        row(On(&[Payments]), "/", &[(Char('/'), Search)], "filter by member or merchant"),
        row(On(&[Payments]), "f", &[(Char('f'), CycleStatus)], "filter by status (cycles)"),
        row(On(&[Payments]), "c", &[(Char('c'), Open(A::Capture))], "capture a held payment"),
        row(On(&[Payments]), "v", &[(Char('v'), Open(A::Void))], "void a held payment"),
        row(On(&[Payments]), "r", &[(Char('r'), Open(A::Refund))], "refund"),
        row(On(&[Payments]), "p / h", &[(Char('p'), Open(A::Pay)), (Char('h'), Open(A::Hold))],
            "pay / hold"),

        row(On(&[Settlements]), "/", &[(Char('/'), Search)], "filter by merchant"),
        row(On(&[Settlements]), "s", &[(Char('s'), Open(A::Settle))], "settle every merchant"),

        row(On(&[Events]), "/", &[(Char('/'), Search)], "filter by stream or kind"),
        row(On(&[Events]), "f", &[(Char('f'), Follow)], "follow new events (on/off)"),

        row(Only(Mode::Help), "Esc",
            &[(Esc, CloseHelp), (Char('q'), CloseHelp), (Char('?'), CloseHelp), (Enter, CloseHelp)],
            "close"),
        row(Only(Mode::Search), "Enter", &[(Enter, ApplySearch)], "apply"),
        row(Only(Mode::Search), "Esc", &[(Esc, CancelSearch)], "cancel"),
        row(Only(Mode::Form), "Enter", &[(Enter, Review)], "review"),
        row(Only(Mode::Form), "Tab / Shift-Tab",
            &[(Tab, NextField), (Down, NextField), (BackTab, PreviousField), (Up, PreviousField)],
            "next / previous field"),
        row(Only(Mode::Form), "Esc", &[(Esc, CancelForm)], "cancel"),
        row(Only(Mode::Confirm), "y", &[(Char('y'), Confirm), (Char('Y'), Confirm)], "yes"),
        row(Only(Mode::Confirm), "n / Esc", &[(Char('n'), Edit), (Char('N'), Edit), (Esc, Edit)],
            "edit"),
    ]
};

/// What `input` does in `mode`, if anything.
pub fn lookup(mode: Mode, input: Input) -> Option<Intent> {
    TABLE
        .iter()
        .filter(|b| b.applies(mode))
        .flat_map(|b| b.does)
        .find(|(key, _)| *key == input)
        .map(|(_, intent)| *intent)
}

/// The rows the `?` overlay lists on `screen`: every binding that applies there.
pub fn help(screen: Screen) -> Vec<&'static Binding> {
    TABLE
        .iter()
        .filter(|b| b.applies(Mode::Browse(screen)))
        .collect()
}

/// The hint line of a mode other than browsing: its own bindings, as `keys: help`.
pub fn hint(mode: Mode) -> String {
    TABLE
        .iter()
        .filter(|b| b.scope == Scope::Only(mode))
        .map(|b| format!("{}: {}", b.keys, b.help))
        .collect::<Vec<_>>()
        .join("  ")
}
