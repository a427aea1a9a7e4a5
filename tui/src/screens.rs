//! The six screens: which there are, what a detail pane holds, and what `App` asks of each one.
//! A screen's module holds its state, the reads that fill it, what its own keys do and how it
//! draws, so that a change to one screen is a change to one file.

pub mod dashboard;
pub mod events;
pub mod list;
pub mod members;
pub mod merchants;
pub mod pane;
pub mod payments;
pub mod settlements;

use payctl_core::queries::{EventRow, Merchant, Payment, Settlement};

use crate::effect::Load;
use crate::form::Prefill;
use members::MemberDetail;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    Members,
    Merchants,
    Payments,
    Settlements,
    Events,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Screen::Dashboard,
        Screen::Members,
        Screen::Merchants,
        Screen::Payments,
        Screen::Settlements,
        Screen::Events,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => "Dashboard",
            Screen::Members => "Members",
            Screen::Merchants => "Merchants",
            Screen::Payments => "Payments",
            Screen::Settlements => "Settlements",
            Screen::Events => "Events",
        }
    }

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The screen `by` tabs on (negative: back), wrapping around.
    pub fn step(self, by: isize) -> Screen {
        let n = Screen::ALL.len() as isize;
        let i = (self.index() as isize + by).rem_euclid(n);
        Screen::ALL[usize::try_from(i).unwrap_or(0)]
    }
}

/// What the detail pane beside a list shows.
#[derive(Debug, Clone)]
pub enum Detail {
    Member(Box<MemberDetail>),
    Merchant(Box<Merchant>),
    Payment(Box<Payment>),
    Settlement(Box<Settlement>),
    Event(Box<EventRow>),
}

/// How a screen shows the detail of its selection: read from the store, or already at hand.
#[derive(Debug, Clone)]
pub enum Pane {
    Load(Load),
    Shown(Detail),
}

/// What `App` asks of the screen on view, whichever it is.
pub trait Browse {
    /// The read that fills the screen again as it is (same page, filter and selection); `None`
    /// when what it shows is still current as of the change signal `version`.
    fn refresh(&self, version: Option<i64>) -> Option<Load>;

    /// Back to the top of the list, nothing loaded.
    fn reset(&mut self) {}

    /// Moves the selection by `delta` rows: `None` when it landed on a row already loaded, else
    /// the read of the page to land on.
    fn move_by(&mut self, _delta: i64) -> Option<Load> {
        None
    }

    /// The detail of the selection (`None`: nothing selected, or no pane on this screen).
    fn pane(&self) -> Option<Pane> {
        None
    }

    /// The text typed after `/` that filters the list (`None`: the screen does not filter).
    fn filter(&self) -> Option<&String> {
        None
    }

    fn filter_mut(&mut self) -> Option<&mut String> {
        None
    }

    /// What the selection suggests for a new form.
    fn prefill(&self) -> Prefill {
        Prefill::default()
    }
}

/// `text` trimmed, `None` when that leaves nothing.
fn active(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}
