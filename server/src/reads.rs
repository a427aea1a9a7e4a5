//! Engines for reads, kept between requests (opening one is a file open or a server session),
//! at most `size` of them: a read beyond waits for one to come back rather than open another
//! (more readers than cores only contend; on PostgreSQL each is a session).

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use payctl_core::{Engine, Error, OpenMode};

pub struct ReadPool {
    db: PathBuf,
    busy_timeout: Duration,
    size: usize,
    state: Mutex<State>,
    returned: Condvar,
}

#[derive(Default)]
struct State {
    idle: Vec<Engine>,
    /// Engines in existence: idle or in use.
    open: usize,
}

impl ReadPool {
    pub fn new(db: PathBuf, busy_timeout: Duration, size: usize) -> ReadPool {
        ReadPool {
            db,
            busy_timeout,
            size: size.max(1),
            state: Mutex::new(State::default()),
            returned: Condvar::new(),
        }
    }

    /// Runs `read` on an idle engine (or a new one while fewer than `size` exist, else waits for
    /// one), then keeps the engine for the next read.
    pub fn with<T>(&self, read: impl FnOnce(&mut Engine) -> Result<T, Error>) -> Result<T, Error> {
        let mut engine = match self.take() {
            Some(engine) => engine,
            None => {
                match Engine::open_with_timeout(&self.db, OpenMode::MustExist, self.busy_timeout) {
                    Ok(engine) => engine,
                    Err(e) => {
                        self.give_back(None);
                        return Err(e);
                    }
                }
            }
        };
        let result = read(&mut engine);
        // An engine whose read failed on the store is dropped: the next read opens afresh.
        self.give_back(result.is_ok().then_some(engine));
        result
    }

    /// An idle engine, or `None` with a place reserved to open one.
    fn take(&self) -> Option<Engine> {
        let Ok(mut state) = self.state.lock() else {
            return None;
        };
        loop {
            if let Some(engine) = state.idle.pop() {
                return Some(engine);
            }
            if state.open < self.size {
                state.open += 1;
                return None;
            }
            state = match self.returned.wait(state) {
                Ok(state) => state,
                Err(_) => return None,
            };
        }
    }

    fn give_back(&self, engine: Option<Engine>) {
        if let Ok(mut state) = self.state.lock() {
            match engine {
                Some(engine) => state.idle.push(engine),
                None => state.open = state.open.saturating_sub(1),
            }
        }
        self.returned.notify_one();
    }
}
