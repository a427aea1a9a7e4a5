//! payctl-tui: the interactive console over a payctl store. The Elm shape: `App` holds the state,
//! `update(Msg)` changes it and returns `Effect`s, the `Runner` carries those out against the
//! engine and answers with more `Msg`s, `view::render(&App, frame)` draws it. Every read goes
//! through the core's paged queries; every action through `Engine::execute`.

pub mod app;
pub mod columns;
pub mod effect;
pub mod form;
pub mod keymap;
pub mod keys;
pub mod runner;
pub mod screens;
pub mod style;
pub mod term;
pub mod text;
pub mod view;

pub use app::{App, Msg};
pub use effect::Effect;
pub use runner::{Runner, run_effects};
pub use screens::Screen;
pub use term::run;
