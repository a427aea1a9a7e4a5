//! Engines for reads, kept between requests (opening one is a file open or a server session).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use payctl_core::{Engine, Error, OpenMode};

pub struct ReadPool {
    db: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Engine>>,
}

impl ReadPool {
    pub fn new(db: PathBuf, busy_timeout: Duration) -> ReadPool {
        ReadPool {
            db,
            busy_timeout,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle engine (or a new one), then keeps the engine for the next read.
    pub fn with<T>(&self, read: impl FnOnce(&mut Engine) -> Result<T, Error>) -> Result<T, Error> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut engine = match idle {
            Some(e) => e,
            None => Engine::open_with_timeout(&self.db, OpenMode::MustExist, self.busy_timeout)?,
        };
        let result = read(&mut engine);
        // An engine whose read failed on the store is dropped: the next read opens afresh.
        if result.is_ok() {
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(engine);
            }
        }
        result
    }
}
