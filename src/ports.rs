//! The traits storage implements. The core talks to storage only through these: the event log
//! and its head, the idempotency records, the read models (what the one fold changes, and what
//! the rules and the queries read), and the unit of work that wraps a command. An adapter
//! (`store::sqlite`, `store::memory`) implements them; nothing else knows how data is kept.
//! Synchronous on purpose: the core runs no async runtime.

mod admin;
mod log;
mod queries;
mod read_models;
mod records;
mod state;
mod tokens;
mod unit_of_work;

pub use admin::{Maintenance, Value};
pub use log::{EventLog, Head};
pub use queries::Queries;
pub use read_models::{
    BankingModel, LedgerModel, MembersModel, MerchantsModel, PaymentsModel, ReadModels,
    SettlementsModel, WalletsModel,
};
pub use records::{IdempotencyRecord, IdempotencyRecords, RecordVisit};
pub use state::{HoldDue, StoreState};
pub use tokens::{ApiToken, ApiTokens};
pub use unit_of_work::UnitOfWork;

pub use crate::domain::StateView;

/// A whole store: every port, behind one object the engine holds.
pub trait Store:
    UnitOfWork
    + EventLog
    + IdempotencyRecords
    + ReadModels
    + StateView
    + StoreState
    + Queries
    + Maintenance
    + ApiTokens
    + Send
{
}

impl<T> Store for T where
    T: UnitOfWork
        + EventLog
        + IdempotencyRecords
        + ReadModels
        + StateView
        + StoreState
        + Queries
        + Maintenance
        + ApiTokens
        + Send
{
}
