//! The reads behind the CLI, the console and the server, as typed, paged answers: amounts as
//! exact decimals of the store currency, times as RFC 3339 UTC. One file per read model, each with
//! its answers and the engine's methods that give them; the store's adapter computes them
//! (`ports::Queries`). Nothing loads a whole table: every list takes a page.

mod banking;
mod dashboard;
mod events;
mod ledger;
mod members;
mod merchants;
mod order;
mod payments;
mod settlements;
mod wallets;

use crate::clock::{self, Timestamp};

pub use banking::FirmBanking;
pub use dashboard::Dashboard;
pub use events::{EventCount, EventQuery, EventRow};
pub use ledger::{AccountBalance, LedgerLine, LedgerTransaction, Posting};
pub use members::{Link, Member};
pub use merchants::Merchant;
pub use order::natural_cmp;
pub use payments::{Payment, PaymentQuery, Refund};
pub use settlements::{Settlement, SettlementLine};
pub use wallets::{Balance, WalletEntry};

/// Upper bound on any list a query returns in one page.
pub const MAX_PAGE: i64 = 10_000;

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
    /// A keyset cursor: the sort key (id or seq) of the last row already seen; the page starts
    /// past it in the list's order, so rows written meanwhile never shift it.
    pub past: Option<i64>,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            limit: 100,
            offset: 0,
            past: None,
        }
    }
}

impl Page {
    /// The limit and offset within bounds.
    pub fn bounded(self) -> (i64, i64) {
        (self.limit.clamp(0, MAX_PAGE), self.offset.max(0))
    }
}

/// A stored time as people read it (RFC 3339 UTC).
pub fn show_time(stored: &str) -> String {
    clock::from_storage(stored)
        .map(clock::to_display)
        .unwrap_or_else(|| stored.to_string())
}

/// A point in the log for `--as-of`: a sequence number or an effective time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Seq(i64),
    Time(Timestamp),
}

impl AsOf {
    /// `1234` is a seq; anything else must be a time (`2026-03-03T00:00:00Z`, `2026-03-03`).
    pub fn parse(text: &str) -> Option<AsOf> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(AsOf::Seq);
        }
        clock::parse(text).map(AsOf::Time)
    }
}
