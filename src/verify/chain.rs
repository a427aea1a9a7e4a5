//! Invariant 4, the hash chain: seqs contiguous from 1, every hash recomputes, the recorded head
//! matches. Read two ways: row by row (`check_chain`, which can decode each event for the SQL
//! replay), and inside SQLite's scan (`check_chain_in_scan`, `verify`'s fast pass), where a
//! scalar function receives each event's eleven values straight from the scan's registers
//! instead of through the column API (about 7% of `verify`'s CPU at a million operations).

use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};

use crate::error::{Error, Result};
use crate::event::Event;
use crate::store::{self, EnvelopeRef};

/// The chain as the log is read in seq order.
struct ChainCheck {
    prev: String,
    expected_seq: i64,
}

impl ChainCheck {
    fn new(conn: &Connection) -> Result<ChainCheck> {
        let store_id = store::meta_get(conn, "store_id")?.unwrap_or_default();
        Ok(ChainCheck {
            prev: store::genesis_hash(&store_id),
            expected_seq: 1,
        })
    }

    /// Whether `env` is the next link. When it is not, the problem is pushed and the chain's
    /// length and head so far are returned: the pass stops there.
    fn link(&self, env: &EnvelopeRef<'_>, problems: &mut Vec<String>) -> Option<(i64, String)> {
        if env.seq != self.expected_seq {
            problems.push(format!(
                "event log: expected seq {}, found {} (events missing or reordered)",
                self.expected_seq, env.seq
            ));
            return Some((self.expected_seq - 1, self.prev.clone()));
        }
        if !store::hex_matches(env.hash, &store::event_digest(&self.prev, env)) {
            problems.push(format!(
                "event {} ({}): hash does not match its content or its predecessor (edited)",
                env.seq, env.kind
            ));
            return Some((env.seq, self.prev.clone()));
        }
        None
    }

    /// Takes `env` (already `link`ed) as the chain's new head.
    fn advance(&mut self, env: &EnvelopeRef<'_>, problems: &mut Vec<String>) {
        if env.seq == 1 && env.kind != "StoreInitialized" {
            problems.push("event 1 is not StoreInitialized".to_string());
        }
        self.prev.clear();
        self.prev.push_str(env.hash);
        self.expected_seq += 1;
    }

    /// The log read to its end: it must end where the recorded head says.
    fn end(self, conn: &Connection, problems: &mut Vec<String>) -> Result<(i64, String)> {
        let count = self.expected_seq - 1;
        if count == 0 {
            // payctl creates a store with its first event in it: an empty log was emptied.
            problems.push(
                "event log: empty, no initialization event (StoreInitialized): not a store \
                 payctl initialized, or its events were deleted"
                    .to_string(),
            );
        }
        let (head_seq, head_hash) = store::head(conn)?;
        if head_seq != count || (count > 0 && head_hash != self.prev) {
            problems.push(format!(
                "event log: the recorded head is seq {head_seq} but the log ends at seq {count} \
                 (events after {count} were deleted)"
            ));
        }
        Ok((count, self.prev))
    }
}

/// Invariant 4, row by row. Each intact event is handed to `each` as it is checked, decoded when
/// `decode` says so (else the caller decodes it, and a payload that does not decode goes
/// unreported here); the first problem stops the pass.
pub(super) fn check_chain(
    conn: &Connection,
    problems: &mut Vec<String>,
    decode: bool,
    mut each: impl FnMut(&EnvelopeRef<'_>, Option<Event>),
) -> Result<(i64, String)> {
    let mut chain = ChainCheck::new(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM events ORDER BY seq",
        store::ENVELOPE_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let env = store::envelope_ref_from_row(row)?;
        if let Some(stopped) = chain.link(&env, problems) {
            return Ok(stopped);
        }
        let event = if decode {
            match store::decode_ref(&env) {
                Ok(event) => Some(event),
                Err(e) => {
                    problems.push(e.message);
                    return Ok((env.seq, chain.prev));
                }
            }
        } else {
            None
        };
        chain.advance(&env, problems);
        each(&env, event);
    }
    chain.end(conn, problems)
}

/// What receives each intact event of `check_chain_in_scan`.
pub(super) trait Follower: Send + 'static {
    fn follow(&mut self, env: &EnvelopeRef<'_>);
}

/// The scan's state, shared with the SQL function that advances it.
struct Scan<F> {
    chain: ChainCheck,
    follower: F,
    problems: Vec<String>,
    /// Where the chain broke: its length and head there.
    stopped: Option<(i64, String)>,
    /// A value that could not be read as the envelope's type (only an edit stores one).
    unreadable: Option<rusqlite::Error>,
}

/// The SQL name of the function that advances the scan.
const CHAIN_LINK: &str = "payctl_chain_link";

/// As `check_chain` without decoding, each intact event handed to `follower`, which is given
/// back at the end. The rows are read by `CHAIN_LINK` inside SQLite's scan of the log; the
/// function is registered on `conn` for this scan only.
pub(super) fn check_chain_in_scan<F: Follower>(
    conn: &Connection,
    problems: &mut Vec<String>,
    follower: F,
) -> Result<((i64, String), F)> {
    let scan = Arc::new(Mutex::new(Some(Scan {
        chain: ChainCheck::new(conn)?,
        follower,
        problems: Vec::new(),
        stopped: None,
        unreadable: None,
    })));
    let in_sql = Arc::clone(&scan);
    conn.create_scalar_function(
        CHAIN_LINK,
        11,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let mut guard = in_sql.lock().unwrap_or_else(PoisonError::into_inner);
            // 1: read on; 0: the chain broke or a value was unreadable, stop.
            Ok(guard.as_mut().map_or(0, |scan| i64::from(scan.step(ctx))))
        },
    )?;
    let scanned = read_through(conn);
    // The function holds the follower's channels until it is dropped with the registration.
    let _ = conn.remove_function(CHAIN_LINK, 11);
    let taken = scan.lock().unwrap_or_else(PoisonError::into_inner).take();
    let Some(scan) = taken else {
        return Err(Error::internal("the chain scan's state is gone"));
    };
    if let Some(e) = scan.unreadable {
        return Err(e.into());
    }
    scanned?;
    problems.extend(scan.problems);
    let chain = match scan.stopped {
        Some(stopped) => stopped,
        None => scan.chain.end(conn, problems)?,
    };
    Ok((chain, scan.follower))
}

/// Steps `CHAIN_LINK` over the log in seq order until it says stop.
fn read_through(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CHAIN_LINK}({}) FROM events ORDER BY seq",
        store::ENVELOPE_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(0)? == 0 {
            break;
        }
    }
    Ok(())
}

impl<F: Follower> Scan<F> {
    /// One event; false when the scan must stop.
    fn step(&mut self, ctx: &Context<'_>) -> bool {
        let env = match envelope_of(ctx) {
            Ok(env) => env,
            Err(e) => {
                self.unreadable = Some(e);
                return false;
            }
        };
        if let Some(stopped) = self.chain.link(&env, &mut self.problems) {
            self.stopped = Some(stopped);
            return false;
        }
        self.chain.advance(&env, &mut self.problems);
        self.follower.follow(&env);
        true
    }
}

/// The envelope from the function's arguments, in `ENVELOPE_COLUMNS` order.
fn envelope_of<'a>(ctx: &'a Context<'_>) -> rusqlite::Result<EnvelopeRef<'a>> {
    store::envelope_ref_from_values(|i| Ok(ctx.get_raw(i)))
}
