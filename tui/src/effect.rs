//! What `App::update` asks the loop to do, as values: every read of the store and every write to
//! it. The runner (`runner.rs`) carries an `Effect` out and answers with a `Msg`.

use payctl_core::domain::Command;
use payctl_core::import::Summary;
use payctl_core::money::Currency;
use payctl_core::queries::{
    Dashboard, EventQuery, EventRow, Member, Merchant, Payment, PaymentQuery, Settlement,
};

use crate::screens::Detail;

#[derive(Debug, Clone)]
pub enum Effect {
    /// Read the store's change signal; answered by `Msg::Version`.
    ReadVersion,
    /// Read something to show; answered by `Msg::Loaded` or `Msg::LoadFailed`.
    Load(Load),
    /// Run a confirmed action, like a CLI command with its own key; answered by `Msg::Executed`.
    Execute { command: Command, summary: String },
    /// Import the demo data set (`payctl demo`'s default); answered by `Msg::DemoLoaded`.
    LoadDemo,
}

/// Where a page of a list starts, and the row (its index in the whole list) to select once the
/// page is in; `None` keeps the selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub offset: i64,
    pub select: Option<i64>,
}

/// A read of the store.
#[derive(Debug, Clone)]
pub enum Load {
    /// The store's currency.
    Currency,
    /// The dashboard's figures over `days`, and the `recent` latest events.
    Dashboard {
        days: i64,
        recent: i64,
    },
    Members {
        search: Option<String>,
        at: At,
    },
    Merchants {
        at: At,
    },
    Payments {
        query: PaymentQuery,
        at: At,
    },
    Settlements {
        merchant: Option<String>,
        at: At,
    },
    /// The newest events (`before` = None) or those older than `before`; then the row to select
    /// (its index in the rows on screen).
    Events {
        query: EventQuery,
        before: Option<i64>,
        select: Option<i64>,
    },
    /// A detail pane: the member, merchant, payment or settlement with this id.
    Member(String),
    Merchant(String),
    Payment(String),
    Settlement(String),
}

/// What a `Load` read.
#[derive(Debug, Clone)]
pub enum Loaded {
    Currency(Currency),
    Dashboard(Box<Dashboard>, Vec<EventRow>),
    Members(At, Vec<Member>),
    Merchants(At, Vec<Merchant>),
    Payments(At, Vec<Payment>),
    Settlements(At, Vec<Settlement>),
    Events {
        before: Option<i64>,
        select: Option<i64>,
        rows: Vec<EventRow>,
    },
    Detail(Detail),
}

/// What importing the demo data set did.
#[derive(Debug, Clone, PartialEq)]
pub enum Demo {
    Loaded(Summary),
    /// The generated file had this many malformed lines (nothing was applied).
    Malformed(u64),
}
