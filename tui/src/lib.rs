//! payctl-tui: the interactive console over a payctl store. The Elm shape: `App` holds the state,
//! `update(Msg)` changes it (and runs engine commands), `view::render(&App, frame)` draws it.
//! Every read goes through the core's paged queries; every action through `Engine::execute`.

pub mod app;
pub mod columns;
pub mod form;
pub mod keys;
pub mod term;
pub mod text;
pub mod view;

pub use app::{App, Msg, Screen};
pub use term::run;
