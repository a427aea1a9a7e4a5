//! payctl-core: the engine of payctl. An event-sourced, double-entry pay platform on SQLite:
//! membership, banking, money, remittance, payment and settlement. No terminal, no `$HOME`.
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic)]

pub mod bank;
pub mod chain;
pub mod clock;
pub mod copy;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod engine;
pub mod error;
pub mod event;
pub mod export;
pub mod files;
pub mod ids;
pub mod import;
pub mod ledger;
pub mod log;
pub mod money;
pub mod ports;
pub mod projections;
pub mod queries;
pub mod rebuild;
pub mod replay;
pub mod store;
pub mod testing;
pub mod tokens;
pub mod verify;

pub use engine::{Context, Engine, Failpoints, InitOptions, Outcome};
pub use error::{Error, ErrorCode, Result};
pub use store::OpenMode;
