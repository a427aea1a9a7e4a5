//! `verify`: the log is intact, the projections equal a replay, the invariants hold. Its replay
//! into scratch stores also serves `rebuild`.

mod chain;
mod idempotency;

use std::collections::HashMap;
use std::path::Path;
use std::sync::PoisonError;

use rusqlite::functions::{Aggregate, Context, FunctionFlags};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Envelope, Event};
use crate::money::Currency;
use crate::projections::digest::{self, Digests};
use crate::projections::native::{Ev, NativeFold};
use crate::projections::{self, Part};
use crate::store::EnvelopeRef;
use crate::store::{self, schema::PROJECTION_INDEXES, schema::PROJECTION_TABLES};
use chain::{check_chain, check_chain_in_scan};
use idempotency::{KeyHasher, KeyRuns, Records};

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub events: i64,
    pub head_hash: String,
    pub tables_compared: usize,
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Stops collecting after this many problems: the first ones say where to look.
const MAX_PROBLEMS: usize = 20;

impl Engine {
    pub fn verify(&self) -> Result<VerifyReport> {
        let conn = &self.conn;
        // One read transaction: a consistent snapshot even while others write.
        conn.execute_batch("BEGIN")?;
        let result = verify_snapshot(conn);
        let _ = conn.execute_batch("COMMIT");
        result
    }

    /// The tables on which the in-memory fold and the SQL replay of the log disagree (none, when
    /// the two implementations of the projections are equal): for the tests that keep them so.
    pub fn replays_disagree_on(&self) -> Result<Vec<&'static str>> {
        let conn = &self.conn;
        conn.execute_batch("BEGIN")?;
        let result = (|| {
            let salt = digest::fresh_salt();
            let mut problems = Vec::new();
            let fast = fast_pass(conn, None, &salt, &KeyHasher::new(), &mut problems)?;
            let folded = fast.folded?;
            let (_, _, replayed) = check_chain_and_replay(conn, &mut problems)?;
            let Some(replayed) = replayed else {
                return Err(Error::internal(problems.join("; ")));
            };
            let accounts = digest::stored_digests(&replayed.accounts, &salt)?;
            let books = digest::stored_digests(&replayed.books, &salt)?;
            Ok(PROJECTION_TABLES
                .iter()
                .map(|(table, _)| *table)
                .filter(|table| {
                    let sql = match Part::of_table(table) {
                        Part::Accounts => &accounts,
                        Part::Books => &books,
                    };
                    sql.get(table) != folded.get(table)
                })
                .collect())
        })();
        let _ = conn.execute_batch("COMMIT");
        result
    }

    /// Invariants 1, 2 and 5 alone (no replay): cheap enough to check after every command.
    pub fn check_invariants(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        check_invariants(&self.conn, &mut problems)?;
        Ok(problems)
    }
}

/// A row's values as `[Integer(1), Text("a"), …]`, for a problem report. A stored text that is
/// not UTF-8 (the file edited behind payctl's back) is shown, not a reason to stop.
fn shown_row(row: &rusqlite::Row<'_>, columns: usize) -> Result<String> {
    use rusqlite::types::ValueRef;
    let mut values = Vec::with_capacity(columns);
    for i in 0..columns {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => "Null".to_string(),
            ValueRef::Integer(v) => format!("Integer({v})"),
            ValueRef::Real(v) => format!("Real({v:?})"),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(text) => format!("Text({text:?})"),
                Err(_) => format!("Text(not UTF-8: {:?})", String::from_utf8_lossy(t)),
            },
            ValueRef::Blob(b) => format!("Blob({b:?})"),
        });
    }
    Ok(format!("[{}]", values.join(", ")))
}

pub(crate) fn drop_projection_indexes(conn: &Connection) -> Result<()> {
    for (name, _) in PROJECTION_INDEXES {
        // Index names come from a fixed list in the code, never from input.
        conn.execute(&format!("DROP INDEX {name}"), [])?;
    }
    Ok(())
}

/// Applies decoded events to a set of projections, in log order.
#[derive(Default)]
pub(crate) struct Folder {
    currency: Option<Currency>,
    count: i64,
    /// Only this part of the read models (None: all of them).
    part: Option<Part>,
}

impl Folder {
    /// Applies to all of the read models, after events that set `currency` (None: from the
    /// log's start).
    pub(crate) fn continuing(currency: Option<Currency>) -> Folder {
        Folder {
            currency,
            ..Folder::default()
        }
    }

    /// How many events it applied.
    pub(crate) fn count(&self) -> i64 {
        self.count
    }

    pub(crate) fn apply(
        &mut self,
        target: &Connection,
        env: &Envelope,
        event: &Event,
    ) -> Result<()> {
        if let Event::StoreInitialized { currency, .. } = event {
            self.currency = Some(*currency);
        }
        let c = self.currency.ok_or_else(|| {
            Error::new(
                ErrorCode::StoreCorrupt,
                format!("event {} precedes the store's initialization", env.seq),
            )
        })?;
        match self.part {
            Some(part) => projections::apply_part(target, env, event, c, part)?,
            None => projections::apply(target, env, event, c)?,
        }
        self.count += 1;
        Ok(())
    }
}

/// Events travel to the replay thread in batches (fewer wake-ups than one per event).
const REPLAY_BATCH: usize = 512;

/// The page cache of `verify`'s scans, in SQLite's negative-KiB form: 4 MiB.
const SCAN_CACHE_KIB: i64 = -4096;

/// The replayed read models: each part in its own scratch store.
pub(crate) struct Replayed {
    pub(crate) accounts: Connection,
    pub(crate) books: Connection,
}

impl Replayed {
    fn of(&self, table: &str) -> &Connection {
        match Part::of_table(table) {
            Part::Accounts => &self.accounts,
            Part::Books => &self.books,
        }
    }
}

/// Where a replay's scratch store lives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scratch<'a> {
    /// In memory: fastest; `verify` replays only when its digests differ, to name the rows.
    Memory,
    /// Files (accounts, books) that `rebuild` attaches to the store to copy the rows in; a
    /// bounded page cache, so its memory does not grow with the store.
    Files(&'a Path, &'a Path),
}

/// The page cache of each of `rebuild`'s scratch stores, in KiB.
const SCRATCH_CACHE_KIB: i64 = 65_536;

/// A scratch store for a replay: 16 KiB pages (measured at 1M operations: 10% faster than 4 KiB,
/// and 7% less memory; 32 and 64 KiB gain nothing more), no journal, none of the indexes only
/// queries use, and the whole replay one transaction.
fn scratch_store(scratch: Scratch<'_>, part: Part) -> Result<Connection> {
    let conn = match (scratch, part) {
        (Scratch::Memory, _) => store::open_in_memory_with_pages(16_384)?,
        (Scratch::Files(path, _), Part::Accounts) | (Scratch::Files(_, path), Part::Books) => {
            store::open_scratch_file(path, 16_384, SCRATCH_CACHE_KIB)?
        }
    };
    drop_projection_indexes(&conn)?;
    conn.execute_batch("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN")?;
    Ok(conn)
}

type Batch = std::sync::Arc<Vec<(Envelope, Event)>>;

/// Applies the batches it receives to one part of the read models, in a fresh scratch store.
fn replay_part(
    part: Part,
    scratch: Scratch<'_>,
    batches: std::sync::mpsc::Receiver<Batch>,
) -> Result<Connection> {
    let conn = scratch_store(scratch, part)?;
    let mut folder = Folder {
        part: Some(part),
        ..Folder::default()
    };
    for batch in batches {
        for (env, event) in batch.iter() {
            folder.apply(&conn, env, event)?;
        }
    }
    Ok(conn)
}

/// One pass over the log: this thread reads each event, checks its place in the hash chain and
/// decodes it; two more threads apply it meanwhile, each to one part of fresh in-memory read
/// models (the parts share no table). Returns the chain's (count, head hash) and, when the
/// chain is intact, the replayed read models.
fn check_chain_and_replay(
    conn: &Connection,
    problems: &mut Vec<String>,
) -> Result<(i64, String, Option<Replayed>)> {
    let (chain, replayed) = replay_in_parts(Scratch::Memory, |push| {
        check_chain(conn, problems, true, |env, event| {
            if let Some(event) = event {
                push(env.to_owned(), event);
            }
        })
    })?;
    let (count, head) = chain?;
    if !problems.is_empty() {
        return Ok((count, head, None));
    }
    match replayed {
        Ok(replayed) => Ok((count, head, Some(replayed))),
        Err(e) => {
            problems.push(format!("replay failed: {e}"));
            Ok((count, head, None))
        }
    }
}

/// Runs `read` on this thread, handing each event it pushes to two replay threads, one per
/// part of the read models, each applying it through the SQL `apply` to a fresh scratch store.
/// Returns what `read` returned and the replayed parts (or the first part's failure).
pub(crate) fn replay_in_parts<T>(
    scratch: Scratch<'_>,
    read: impl FnOnce(&mut dyn FnMut(Envelope, Event)) -> T,
) -> Result<(T, Result<Replayed>)> {
    use std::sync::mpsc::sync_channel;
    let (to_accounts, accounts_in) = sync_channel::<Batch>(8);
    let (to_books, books_in) = sync_channel::<Batch>(8);
    std::thread::scope(|scope| {
        let spawn = |name: &str, part: Part, input| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn_scoped(scope, move || replay_part(part, scratch, input))
                .map_err(|e| Error::internal(format!("starting a replay thread: {e}")))
        };
        let accounts = spawn("replay-accounts", Part::Accounts, accounts_in)?;
        let books = spawn("replay-books", Part::Books, books_in)?;
        // A replay thread that stopped (its part failed to apply) stops receiving; `read` still
        // runs to the end, and the failure is returned below.
        let mut feeding = true;
        let mut send = |batch: Vec<(Envelope, Event)>| {
            if feeding && !batch.is_empty() {
                let batch = std::sync::Arc::new(batch);
                feeding = to_accounts.send(batch.clone()).is_ok() && to_books.send(batch).is_ok();
            }
        };
        let mut batch = Vec::with_capacity(REPLAY_BATCH);
        let out = read(&mut |env, event| {
            batch.push((env, event));
            if batch.len() == REPLAY_BATCH {
                send(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(REPLAY_BATCH),
                ));
            }
        });
        send(batch);
        drop((to_accounts, to_books));
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<Connection>>| {
            h.join()
                .map_err(|_| Error::internal("a replay thread panicked"))
        };
        let (accounts, books) = (join(accounts)?, join(books)?);
        let replayed = accounts.and_then(|accounts| {
            Ok(Replayed {
                accounts,
                books: books?,
            })
        });
        Ok((out, replayed))
    })
}

fn verify_snapshot(conn: &Connection) -> Result<VerifyReport> {
    let mut problems = Vec::new();
    let salt = digest::fresh_salt();
    let keys = KeyHasher::new();
    let second = second_reader(conn);
    // The fast pass reads every page once, in order: a large page cache would only be memory
    // touched once (faulted in and zeroed) and never hit. The SQL replay keeps the usual cache.
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", SCAN_CACHE_KIB)?;
    let fast = fast_pass(conn, second, &salt, &keys, &mut problems);
    conn.pragma_update(None, "cache_size", cache)?;
    let mut fast = fast?;
    let mut tables_compared = 0;
    // The key runs cover the whole log only when the chain pass read it all.
    let chain_intact = problems.is_empty();
    if chain_intact {
        let stored = match fast.stored.take() {
            Some(stored) => stored?,
            None => digest::stored_digests(conn, &salt)?,
        };
        if matches!(&fast.folded, Ok(folded) if *folded == stored) {
            tables_compared = PROJECTION_TABLES.len();
        } else {
            // The in-memory fold is fast but not the last word: replay through the SQL `apply`
            // that wrote the tables, and compare row by row to name what differs.
            let (_, _, replayed) = check_chain_and_replay(conn, &mut problems)?;
            if let Some(replayed) = replayed {
                tables_compared = compare_by_digest(conn, &stored, &salt, replayed, &mut problems)?;
            }
        }
    }
    let records = match fast.invariants.take() {
        Some(found) => {
            let (found, records) = found?;
            problems.extend(found);
            records
        }
        None => {
            check_books(conn, &mut problems)?;
            idempotency::read_records(conn, &keys)?
        }
    };
    if chain_intact {
        match fast.key_problems.take() {
            Some(found) => problems.extend(found),
            None => idempotency::check(&fast.runs, &records, &mut problems),
        }
    } else {
        check_keys(conn, &mut problems)?;
    }
    problems.truncate(MAX_PROBLEMS);
    Ok(VerifyReport {
        events: fast.events,
        head_hash: fast.head_hash,
        tables_compared,
        problems,
    })
}

/// Events as the fold thread receives them, undecoded (decoding is its work, not the chain's):
/// the texts of a whole batch in one buffer, so a batch costs two allocations, not two per event.
struct RawBatch {
    text: String,
    /// seq, schema, and where the payload and the effective time end in `text`.
    events: Vec<(i64, i64, usize, usize)>,
}

impl RawBatch {
    fn with_capacity(events: usize) -> RawBatch {
        RawBatch {
            text: String::with_capacity(events * 256),
            events: Vec::with_capacity(events),
        }
    }

    fn push(&mut self, env: &EnvelopeRef<'_>) {
        self.text.push_str(env.payload);
        let payload_end = self.text.len();
        self.text.push_str(env.effective_at);
        self.events
            .push((env.seq, env.schema, payload_end, self.text.len()));
    }

    /// Empties the batch, keeping its buffers.
    fn clear(&mut self) {
        self.text.clear();
        self.events.clear();
    }

    /// Each event's seq, schema, payload and effective time.
    fn iter(&self) -> impl Iterator<Item = (i64, i64, &str, &str)> {
        let mut start = 0;
        self.events
            .iter()
            .map(move |&(seq, schema, payload_end, at_end)| {
                let payload = &self.text[start..payload_end];
                let at = &self.text[payload_end..at_end];
                start = at_end;
                (seq, schema, payload, at)
            })
    }
}

/// What the fast pass's chain scan hands each intact event to: the runs of idempotency keys
/// (invariant 5), and batches of undecoded events for the fold thread.
struct Feed {
    runs: KeyRuns,
    keys: KeyHasher,
    batch: RawBatch,
    /// None once the fold stopped receiving (an event it cannot apply): the chain is still
    /// checked to the end.
    to_fold: Option<std::sync::mpsc::SyncSender<RawBatch>>,
    /// Applied batches come back to be filled again.
    emptied: std::sync::mpsc::Receiver<RawBatch>,
}

impl Feed {
    fn send(&mut self, batch: RawBatch) {
        if let Some(to_fold) = &self.to_fold
            && !batch.events.is_empty()
            && to_fold.send(batch).is_err()
        {
            self.to_fold = None;
        }
    }

    /// Sends the last batch, closes the fold's channel, and gives the runs.
    fn finish(mut self) -> KeyRuns {
        let last = std::mem::replace(&mut self.batch, RawBatch::with_capacity(0));
        self.send(last);
        self.runs
    }
}

impl chain::Follower for Feed {
    fn follow(&mut self, env: &EnvelopeRef<'_>) {
        self.runs.push(env.seq, env.idempotency_key, &self.keys);
        self.batch.push(env);
        if self.batch.events.len() == REPLAY_BATCH {
            let empty = self
                .emptied
                .try_recv()
                .unwrap_or_else(|_| RawBatch::with_capacity(REPLAY_BATCH));
            let full = std::mem::replace(&mut self.batch, empty);
            self.send(full);
        }
    }
}

/// What the fast pass found: the chain's length and head, the fold's digests, and (when a second
/// reader was at hand) the stored tables' digests and the invariants' problems.
struct FastPass {
    events: i64,
    head_hash: String,
    folded: Result<Digests>,
    stored: Option<Result<Digests>>,
    /// Invariants 1 and 2's problems, and the idempotency records for invariant 5.
    invariants: Option<Result<(Vec<String>, Records)>>,
    runs: KeyRuns,
    /// Invariant 5's problems, when they were found during the pass.
    key_problems: Option<Vec<String>>,
}

/// A second read-only connection on the same snapshot as `conn` (its read transaction already
/// open), so the stored tables can be hashed while `conn` reads the log. None for an in-memory
/// store, or when a write committed between the two snapshots (the recorded heads differ): then
/// `conn` does it all, in turn. Only `rebuild` commits without moving the head, and what it
/// writes is the replay of the same log.
fn second_reader(conn: &Connection) -> Option<Connection> {
    let path = conn.path().filter(|p| !p.is_empty())?;
    let here = store::head(conn).ok()?;
    let other = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    other.busy_timeout(store::BUSY_TIMEOUT).ok()?;
    other
        .pragma_update(None, "cache_size", SCAN_CACHE_KIB)
        .ok()?;
    other.execute_batch("BEGIN").ok()?;
    let there = store::head(&other).ok()?;
    (here == there).then_some(other)
}

/// One pass over the log on this thread (chain, decode), the in-memory fold on a second, and
/// the stored side (digests, invariants) on a third when `second` is given.
fn fast_pass(
    conn: &Connection,
    second: Option<Connection>,
    salt: &digest::Salt,
    keys: &KeyHasher,
    problems: &mut Vec<String>,
) -> Result<FastPass> {
    use std::sync::mpsc::sync_channel;
    let spawn_error = |e: std::io::Error| Error::internal(format!("starting a verify thread: {e}"));
    std::thread::scope(|scope| {
        let stored = second
            .map(|other| {
                std::thread::Builder::new()
                    .name("verify-stored".into())
                    .spawn_scoped(scope, move || {
                        let slot = register_postings_tally(&other);
                        let also = slot
                            .as_ref()
                            .ok()
                            .map(|_| ("ledger_postings", POSTINGS_TALLY));
                        let digests = digest::stored_digests_with(&other, salt, also);
                        let mut found = Vec::new();
                        // A tally cut short by a failed scan is not used.
                        let tally = match (&digests, slot) {
                            (Ok(_), Ok(slot)) => take_tally(&slot),
                            _ => None,
                        };
                        let invariants = check_books_with(&other, tally, &mut found)
                            .and_then(|()| Ok((found, idempotency::read_records(&other, keys)?)));
                        let _ = other.execute_batch("COMMIT");
                        (digests, invariants)
                    })
            })
            .transpose()
            .map_err(spawn_error)?;
        let (to_fold, batches) = sync_channel::<RawBatch>(8);
        // Applied batches come back to be filled again: freeing a 128 KiB buffer per batch made
        // the allocator consolidate its free lists each time.
        let (to_refill, emptied) = std::sync::mpsc::channel::<RawBatch>();
        let fold = std::thread::Builder::new()
            .name("verify-fold".into())
            .spawn_scoped(scope, move || {
                let mut fold = NativeFold::new(salt);
                for mut batch in batches {
                    for (seq, schema, payload, effective_at) in batch.iter() {
                        let event = store::decode_payload(seq, "", schema, payload)?;
                        let env = Ev {
                            seq,
                            kind: event.kind(),
                            effective_at,
                        };
                        fold.apply(&env, &event)?;
                    }
                    batch.clear();
                    // The chain pass may have ended: then the buffer is simply dropped.
                    let _ = to_refill.send(batch);
                }
                Ok(fold.finish())
            })
            .map_err(spawn_error)?;
        let feed = Feed {
            runs: KeyRuns::default(),
            keys: keys.clone(),
            batch: RawBatch::with_capacity(REPLAY_BATCH),
            to_fold: Some(to_fold),
            emptied,
        };
        // The last batch goes to the fold and its channel closes when the feed finishes (or is
        // dropped, when the scan fails).
        let (chain, runs) = match check_chain_in_scan(conn, problems, feed) {
            Ok((chain, feed)) => (Ok(chain), feed.finish()),
            Err(e) => (Err(e), KeyRuns::default()),
        };
        let (stored, invariants) = match stored {
            Some(h) => {
                let (d, i) = h
                    .join()
                    .map_err(|_| Error::internal("the verify reader panicked"))?;
                (Some(d), Some(i))
            }
            None => (None, None),
        };
        // Invariant 5 while the fold finishes, when the runs cover the whole log.
        let key_problems = match (&chain, &invariants) {
            (Ok(_), Some(Ok((_, records)))) if problems.is_empty() => {
                let mut found = Vec::new();
                idempotency::check(&runs, records, &mut found);
                Some(found)
            }
            _ => None,
        };
        let folded = fold
            .join()
            .map_err(|_| Error::internal("the verify fold panicked"))?;
        let (events, head_hash) = chain?;
        Ok(FastPass {
            events,
            head_hash,
            folded,
            stored,
            invariants,
            runs,
            key_problems,
        })
    })
}

/// Invariant 3 after the SQL replay: the stored tables' digests (already taken, with `salt`)
/// against the two replayed parts', hashed at once on two threads; a table whose digests differ
/// is then compared row by row, to say which row.
fn compare_by_digest(
    store: &Connection,
    stored: &Digests,
    salt: &digest::Salt,
    replayed: Replayed,
    problems: &mut Vec<String>,
) -> Result<usize> {
    let Replayed { accounts, books } = replayed;
    let (accounts, books) = std::thread::scope(|scope| {
        let spawn = |name: &str, conn: Connection| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn_scoped(scope, move || {
                    let digests = digest::stored_digests(&conn, salt);
                    (conn, digests)
                })
                .map_err(|e| Error::internal(format!("starting a digest thread: {e}")))
        };
        let a = spawn("digest-accounts", accounts)?;
        let b = spawn("digest-books", books)?;
        let join = |h: std::thread::ScopedJoinHandle<'_, _>| {
            h.join()
                .map_err(|_| Error::internal("a digest thread panicked"))
        };
        Ok::<_, Error>((join(a)?, join(b)?))
    })?;
    let ((accounts, a), (books, b)) = (accounts, books);
    let (a, b) = (a?, b?);
    let differing: Vec<usize> = PROJECTION_TABLES
        .iter()
        .enumerate()
        .filter(|(_, (table, _))| {
            let theirs = match Part::of_table(table) {
                Part::Accounts => &a,
                Part::Books => &b,
            };
            stored.get(table) != theirs.get(table)
        })
        .map(|(i, _)| i)
        .collect();
    if !differing.is_empty() {
        let before = problems.len();
        let replayed = Replayed { accounts, books };
        compare_projections(store, &replayed, &differing, problems)?;
        if problems.len() == before {
            problems.push("projections: a table's digest differs from the replay's".into());
        }
    }
    Ok(PROJECTION_TABLES.len())
}

/// Row by row, for the tables (indexes into `PROJECTION_TABLES`) whose digests differ.
fn compare_projections(
    store: &Connection,
    replayed: &Replayed,
    tables: &[usize],
    problems: &mut Vec<String>,
) -> Result<()> {
    for (table, order) in tables.iter().map(|&i| PROJECTION_TABLES[i]) {
        let replayed = replayed.of(table);
        // Table names and orders come from the fixed schema list, never from input.
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        let mut a = store.prepare(&sql)?;
        let mut b = replayed.prepare(&sql)?;
        let n = a.column_count();
        let mut ra = a.query([])?;
        let mut rb = b.query([])?;
        let mut row = 0_u64;
        loop {
            let (x, y) = (ra.next()?, rb.next()?);
            row += 1;
            match (x, y) {
                (None, None) => break,
                (Some(_), None) => {
                    problems.push(format!(
                        "projection {table}: row {row} is not in the replay"
                    ));
                    break;
                }
                (None, Some(_)) => {
                    problems.push(format!(
                        "projection {table}: row {row} of the replay is missing"
                    ));
                    break;
                }
                (Some(x), Some(y)) => {
                    // Compared in place; values are copied only to describe a difference.
                    let mut equal = true;
                    for i in 0..n {
                        if x.get_ref(i)? != y.get_ref(i)? {
                            equal = false;
                            break;
                        }
                    }
                    if !equal {
                        let (xs, ys) = (shown_row(x, n)?, shown_row(y, n)?);
                        problems.push(format!(
                            "projection {table}: row {row} differs from the replay: stored {xs}, \
                             replayed {ys}"
                        ));
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

fn scalar(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Invariant 1 over the postings, one row at a time in (seq, idx) order: which transactions do
/// not sum to zero, and every account's total. Made by `verify`'s scan of the stored tables (the
/// postings table is keyed by (seq, idx), so its scan comes in that order), or by a query.
#[derive(Default)]
struct PostingsTally {
    totals: HashMap<String, i128, foldhash::fast::RandomState>,
    unbalanced: i64,
    current: Option<i64>,
    sum: i128,
    /// A seq smaller than the one before (the rows did not come in order), or a value of the
    /// wrong type: the tally is void, and the postings are read again by query.
    void: bool,
}

/// The SQL that tallies the postings in the scan the digests make of them.
const POSTINGS_TALLY: &str = "payctl_postings_tally(seq, account, amount_minor)";

type TallySlot = std::sync::Arc<std::sync::Mutex<Option<PostingsTally>>>;

/// `payctl_postings_tally(seq, account, amount_minor)`: `PostingsTally` as an SQL aggregate,
/// so the postings' values reach it straight from the scan; the finished tally is left in
/// `slot` (the aggregate's SQL result is NULL).
struct TallyAggregate {
    slot: TallySlot,
}

impl Aggregate<PostingsTally, Option<i64>> for TallyAggregate {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<PostingsTally> {
        Ok(PostingsTally::default())
    }

    fn step(&self, ctx: &mut Context<'_>, tally: &mut PostingsTally) -> rusqlite::Result<()> {
        use rusqlite::types::ValueRef::{Integer, Text};
        match (ctx.get_raw(0), ctx.get_raw(1), ctx.get_raw(2)) {
            (Integer(seq), Text(account), Integer(amount)) => match std::str::from_utf8(account) {
                Ok(account) => tally.posting(seq, account, amount),
                Err(_) => tally.void = true,
            },
            // Only an edit stores such a row; the query that reads the postings again names it.
            _ => tally.void = true,
        }
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut Context<'_>,
        tally: Option<PostingsTally>,
    ) -> rusqlite::Result<Option<i64>> {
        // No rows: an empty tally.
        let tally = Some(tally.unwrap_or_default());
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = tally;
        Ok(None)
    }
}

/// Makes `POSTINGS_TALLY` callable on `conn`; its tally is taken from the slot after the scan.
fn register_postings_tally(conn: &Connection) -> Result<TallySlot> {
    let slot = TallySlot::default();
    conn.create_aggregate_function(
        "payctl_postings_tally",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        TallyAggregate { slot: slot.clone() },
    )?;
    Ok(slot)
}

fn take_tally(slot: &TallySlot) -> Option<PostingsTally> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

impl PostingsTally {
    fn posting(&mut self, seq: i64, account: &str, amount: i64) {
        if self.current != Some(seq) {
            self.void |= self.current.is_some_and(|c| seq < c);
            self.close();
            (self.current, self.sum) = (Some(seq), 0);
        }
        self.sum += i128::from(amount);
        match self.totals.get_mut(account) {
            Some(total) => *total += i128::from(amount),
            None => {
                self.totals.insert(account.to_string(), i128::from(amount));
            }
        }
    }

    /// Ends the transaction being summed.
    fn close(&mut self) {
        if self.current.is_some() && self.sum != 0 {
            self.unbalanced += 1;
        }
        self.current = None;
    }
}

/// How many ledger transactions do not sum to zero, and how many accounts' recorded balances
/// differ from the sum of their postings, from `tally` when the caller's scan made one in order,
/// else from one streaming pass over the postings in their key order. (SQL would sort the
/// postings by account for the second; the tally keeps one running total per account instead.)
fn postings_against_balances(
    conn: &Connection,
    tally: Option<PostingsTally>,
) -> Result<(i64, i64)> {
    let mut tally = match tally {
        Some(tally) if !tally.void => tally,
        _ => {
            let mut tally = PostingsTally::default();
            let mut stmt = conn.prepare(
                "SELECT seq, account, amount_minor FROM ledger_postings ORDER BY seq, idx",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                tally.posting(row.get(0)?, text(row.get_ref(1)?)?, row.get(2)?);
            }
            tally
        }
    };
    tally.close();
    let (unbalanced, mut totals) = (tally.unbalanced, tally.totals);
    let mut drift = 0;
    let mut stmt = conn.prepare("SELECT account, balance_minor FROM ledger_balances")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let balance = i128::from(row.get::<_, i64>(1)?);
        let posted = totals.remove(text(row.get_ref(0)?)?).unwrap_or(0);
        if balance != posted {
            drift += 1;
        }
    }
    // Accounts with postings but no balance row.
    drift += totals.values().filter(|t| **t != 0).count() as i64;
    Ok((unbalanced, drift))
}

fn text(v: rusqlite::types::ValueRef<'_>) -> Result<&str> {
    v.as_str()
        .map_err(|e| Error::new(ErrorCode::StoreCorrupt, format!("ledger account: {e}")))
}

/// Invariants 1, 2 and 5 on the stored projections and idempotency records.
fn check_invariants(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    check_books(conn, problems)?;
    check_keys(conn, problems)
}

/// Invariants 1 and 2: the ledger balances, and no wallet is negative or differs from its
/// ledger account.
fn check_books(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    check_books_with(conn, None, problems)
}

/// `check_books`, with the postings already tallied when the caller read them anyway.
fn check_books_with(
    conn: &Connection,
    tally: Option<PostingsTally>,
    problems: &mut Vec<String>,
) -> Result<()> {
    let (unbalanced, drift) = postings_against_balances(conn, tally)?;
    if unbalanced > 0 {
        problems.push(format!(
            "invariant 1: {unbalanced} ledger transaction(s) do not balance"
        ));
    }
    let total = scalar(
        conn,
        "SELECT COALESCE(SUM(balance_minor), 0) FROM ledger_balances",
    )?;
    if total != 0 {
        problems.push(format!(
            "invariant 1: account balances sum to {total} minor units, not 0"
        ));
    }
    if drift > 0 {
        problems.push(format!(
            "invariant 1: {drift} account balance(s) differ from their postings"
        ));
    }
    let negative = scalar(
        conn,
        "SELECT COUNT(*) FROM wallets WHERE balance_minor < 0 OR balance_minor - held_minor < 0",
    )?;
    if negative > 0 {
        problems.push(format!(
            "invariant 2: {negative} wallet(s) negative (balance or available)"
        ));
    }
    let mismatched = scalar(
        conn,
        "SELECT COUNT(*) FROM wallets w WHERE w.balance_minor <>
           -COALESCE((SELECT balance_minor FROM ledger_balances
                      WHERE account = 'liabilities:wallets:mem_' || w.member), 0)",
    )?;
    if mismatched > 0 {
        problems.push(format!(
            "invariant 2: {mismatched} wallet(s) differ from their ledger account"
        ));
    }
    Ok(())
}

/// Invariant 5 in SQL (`idempotency::check` does the same in `verify`'s pass over the log).
fn check_keys(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let orphan_keys = scalar(
        conn,
        "SELECT COUNT(DISTINCT idempotency_key) FROM events e WHERE idempotency_key IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.key = e.idempotency_key)",
    )?;
    if orphan_keys > 0 {
        problems.push(format!(
            "invariant 5: {orphan_keys} idempotency key(s) on events have no recorded outcome"
        ));
    }
    let foreign = scalar(
        conn,
        "SELECT COUNT(*) FROM idempotency i WHERE i.first_seq IS NOT NULL AND EXISTS
           (SELECT 1 FROM events e WHERE e.seq BETWEEN i.first_seq AND i.last_seq
              AND (e.idempotency_key IS NOT i.key))",
    )?;
    if foreign > 0 {
        problems.push(format!(
            "invariant 5: {foreign} idempotency record(s) point at events of another request"
        ));
    }
    Ok(())
}

/// Fails with `verify_failed` (exit 6) naming the first problems.
pub fn require_ok(report: &VerifyReport) -> Result<()> {
    if report.ok() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::VerifyFailed,
            report.problems.join("; "),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The postings table's key and columns, as in the store.
    const POSTINGS: &str = "CREATE TABLE ledger_postings (seq INTEGER, idx INTEGER, account TEXT,
        amount_minor INTEGER, PRIMARY KEY (seq, idx)) WITHOUT ROWID;";

    fn tally(postings: &[(i64, &str, i64)]) -> PostingsTally {
        let mut tally = PostingsTally::default();
        for (seq, account, amount) in postings {
            tally.posting(*seq, account, *amount);
        }
        tally.close();
        tally
    }

    #[test]
    fn the_postings_tally_counts_unbalanced_transactions_and_totals_accounts() {
        let t = tally(&[
            (1, "a", 5),
            (1, "b", -5),
            (2, "a", i64::MAX),
            (2, "a", i64::MAX),
            (3, "b", 1),
        ]);
        assert_eq!(t.unbalanced, 2, "seq 2 and seq 3 do not sum to zero");
        assert_eq!(t.totals["a"], 5 + 2 * i128::from(i64::MAX), "no overflow");
        assert_eq!(t.totals["b"], -4);
        assert!(!t.void);
        assert!(tally(&[(2, "a", 1), (1, "a", -1)]).void);
    }

    #[test]
    fn the_sql_tally_equals_the_tally_of_the_same_rows_and_a_bad_value_voids_it() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(POSTINGS)?;
        conn.execute_batch(
            "INSERT INTO ledger_postings VALUES (1, 0, 'a', 5), (1, 1, 'b', -5), (2, 0, 'a', 3),
               (3, 0, 'b', -2), (3, 1, 'a', 2);",
        )?;
        let slot = register_postings_tally(&conn)?;
        let sql_tally = |conn: &Connection| -> Result<PostingsTally> {
            conn.query_row(
                &format!("SELECT {POSTINGS_TALLY} FROM ledger_postings"),
                [],
                |_| Ok(()),
            )?;
            take_tally(&slot).ok_or_else(|| Error::internal("no tally left"))
        };
        let mut t = sql_tally(&conn)?;
        t.close();
        let expected = tally(&[
            (1, "a", 5),
            (1, "b", -5),
            (2, "a", 3),
            (3, "b", -2),
            (3, "a", 2),
        ]);
        assert_eq!((t.unbalanced, t.void), (expected.unbalanced, false));
        assert_eq!(t.totals, expected.totals);
        conn.execute("DELETE FROM ledger_postings", [])?;
        let empty = sql_tally(&conn)?;
        assert!(
            empty.totals.is_empty() && !empty.void,
            "no rows: an empty tally"
        );
        conn.execute("INSERT INTO ledger_postings VALUES (1, 0, x'ff', 5)", [])?;
        assert!(sql_tally(&conn)?.void, "an account that is not text");
        conn.execute(
            "UPDATE ledger_postings SET account = 'a', amount_minor = 'five'",
            [],
        )?;
        assert!(sql_tally(&conn)?.void, "an amount that is not a number");
        Ok(())
    }

    #[test]
    fn a_scan_out_of_order_is_not_trusted_and_the_postings_are_read_again() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(POSTINGS)?;
        conn.execute_batch(
            "CREATE TABLE ledger_balances (account TEXT PRIMARY KEY, balance_minor INTEGER);
             INSERT INTO ledger_postings VALUES (1, 0, 'a', 5), (1, 1, 'b', -5);
             INSERT INTO ledger_balances VALUES ('a', 5), ('b', -5);",
        )?;
        // As if a scan had seen seq 2 before seq 1: the store itself is sound.
        let mut wrong = PostingsTally::default();
        wrong.posting(2, "a", 7);
        wrong.posting(1, "a", 5);
        wrong.posting(1, "b", -5);
        assert_eq!(postings_against_balances(&conn, Some(wrong))?, (0, 0));
        assert_eq!(postings_against_balances(&conn, None)?, (0, 0));
        conn.execute(
            "UPDATE ledger_balances SET balance_minor = 6 WHERE account = 'a'",
            [],
        )?;
        assert_eq!(postings_against_balances(&conn, None)?, (0, 1));
        Ok(())
    }
}
