//! The terminal: raw mode and the alternate screen on the way in, always restored on the way out
//! (also after a panic), and the event loop: each message to `App::update`, the effects it returns
//! run by the `Runner`.

use std::io::{Stdout, stdout};
use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use payctl_core::Engine;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::Msg;
use crate::keys::translate;
use crate::runner::Runner;
use crate::view::render;

/// How often the console checks for writes by other processes.
const POLL: Duration = Duration::from_millis(250);

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Restores the terminal when dropped, whatever happens in between.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Opens the console over the store at `db` (created if missing) and runs until quit.
pub fn run(db: &Path, actor: &str) -> Result<(), Box<dyn std::error::Error>> {
    let ctx = payctl_core::Context {
        actor: actor.to_string(),
        ..payctl_core::Context::default()
    };
    let engine = Engine::open_or_create(db, &payctl_core::InitOptions::default(), &ctx)?;
    let mut runner = Runner::new(engine, actor, Box::new(payctl_core::clock::now));
    let mut app = runner.start()?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    let _guard = Guard;
    execute!(stdout(), EnterAlternateScreen)?;
    let mut terminal: Terminal<CrosstermBackend<Stdout>> =
        Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.clear()?;
    let size = terminal.size()?;
    runner.send(&mut app, Msg::Resize(size.width, size.height));
    let mut last_poll = Instant::now();
    while !app.quit {
        terminal.draw(|f| render(&app, f))?;
        let wait = POLL.saturating_sub(last_poll.elapsed());
        if event::poll(wait)? {
            match event::read()? {
                Event::Key(key) => {
                    if let Some(input) = translate(&key) {
                        runner.send(&mut app, Msg::Key(input));
                    }
                }
                Event::Resize(width, height) => {
                    runner.send(&mut app, Msg::Resize(width, height));
                }
                _ => {}
            }
        }
        if last_poll.elapsed() >= POLL {
            runner.send(&mut app, Msg::Tick);
            last_poll = Instant::now();
        }
    }
    Ok(())
}
