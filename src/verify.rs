//! `verify` (the log is intact, projections equal a replay, invariants hold) and `rebuild`
//! (drop the projections and replay the log through the same `apply`).

use rusqlite::{Connection, TransactionBehavior, types::Value};
use serde::Serialize;

use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::event::Event;
use crate::projections;
use crate::store::{self, schema::PROJECTION_TABLES};

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

    /// Invariants 1, 2 and 5 alone (no replay): cheap enough to check after every command.
    pub fn check_invariants(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        check_invariants(&self.conn, &mut problems)?;
        Ok(problems)
    }

    /// Replays the whole log into fresh projections, in one write transaction.
    pub fn rebuild(&mut self) -> Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        projections::clear(&tx)?;
        let count = replay(&tx, &tx)?;
        tx.commit()?;
        Ok(count)
    }
}

/// Applies every event of `source`'s log to the projections of `target`. Returns the count.
fn replay(source: &Connection, target: &Connection) -> Result<i64> {
    let mut stmt = source.prepare(&format!(
        "SELECT {} FROM events ORDER BY seq",
        store::ENVELOPE_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    let mut currency = None;
    while let Some(row) = rows.next()? {
        let env = store::envelope_from_row(row)?;
        let event = store::decode(&env)?;
        if let Event::StoreInitialized { currency: c, .. } = &event {
            currency = Some(*c);
        }
        let c = currency.ok_or_else(|| {
            Error::new(
                ErrorCode::StoreCorrupt,
                format!("event {} precedes the store's initialization", env.seq),
            )
        })?;
        projections::apply(target, &env, &event, c)?;
        n += 1;
    }
    Ok(n)
}

fn verify_snapshot(conn: &Connection) -> Result<VerifyReport> {
    let mut problems = Vec::new();
    let (events, head_hash) = check_chain(conn, &mut problems)?;
    let mut tables_compared = 0;
    if problems.is_empty() {
        let replayed = store::open_in_memory()?;
        // A scratch copy: no journal, and the whole replay is one transaction.
        replayed.execute_batch("PRAGMA journal_mode=OFF; BEGIN")?;
        match replay(conn, &replayed) {
            Ok(_) => {
                tables_compared = compare_projections(conn, &replayed, &mut problems)?;
            }
            Err(e) => problems.push(format!("replay failed: {e}")),
        }
    }
    check_invariants(conn, &mut problems)?;
    problems.truncate(MAX_PROBLEMS);
    Ok(VerifyReport {
        events,
        head_hash,
        tables_compared,
        problems,
    })
}

/// Invariant 4: seqs contiguous from 1, every hash recomputes, the recorded head matches.
fn check_chain(conn: &Connection, problems: &mut Vec<String>) -> Result<(i64, String)> {
    let store_id = store::meta_get(conn, "store_id")?.unwrap_or_default();
    let mut prev = store::genesis_hash(&store_id);
    let mut expected_seq = 1;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM events ORDER BY seq",
        store::ENVELOPE_COLUMNS
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let env = store::envelope_from_row(row)?;
        if env.seq != expected_seq {
            problems.push(format!(
                "event log: expected seq {expected_seq}, found {} (events missing or reordered)",
                env.seq
            ));
            return Ok((expected_seq - 1, prev));
        }
        let hash = store::event_hash(&prev, &env);
        if hash != env.hash {
            problems.push(format!(
                "event {} ({}): hash does not match its content or its predecessor (edited)",
                env.seq, env.kind
            ));
            return Ok((env.seq, prev));
        }
        if let Err(e) = store::decode(&env) {
            problems.push(e.message);
            return Ok((env.seq, prev));
        }
        if env.seq == 1 && env.kind != "StoreInitialized" {
            problems.push("event 1 is not StoreInitialized".to_string());
        }
        prev = hash;
        expected_seq += 1;
    }
    let count = expected_seq - 1;
    let (head_seq, head_hash) = store::head(conn)?;
    if head_seq != count || (count > 0 && head_hash != prev) {
        problems.push(format!(
            "event log: the recorded head is seq {head_seq} but the log ends at seq {count} \
             (events after {count} were deleted)"
        ));
    }
    Ok((count, prev))
}

/// Invariant 3: every projection row equals the replay's, table by table, row by row.
fn compare_projections(
    store: &Connection,
    replayed: &Connection,
    problems: &mut Vec<String>,
) -> Result<usize> {
    for (table, order) in PROJECTION_TABLES {
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
                    let xs: Vec<Value> =
                        (0..n).map(|i| x.get(i)).collect::<rusqlite::Result<_>>()?;
                    let ys: Vec<Value> =
                        (0..n).map(|i| y.get(i)).collect::<rusqlite::Result<_>>()?;
                    if xs != ys {
                        problems.push(format!(
                            "projection {table}: row {row} differs from the replay: stored {xs:?}, \
                             replayed {ys:?}"
                        ));
                        break;
                    }
                }
            }
        }
    }
    Ok(PROJECTION_TABLES.len())
}

fn scalar(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Invariants 1, 2 and 5 on the stored projections and idempotency records.
fn check_invariants(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let unbalanced = scalar(
        conn,
        "SELECT COUNT(*) FROM (SELECT seq FROM ledger_postings GROUP BY seq HAVING SUM(amount_minor) <> 0)",
    )?;
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
    // One grouped pass over the postings (no per-account subquery: postings have no account
    // index, and a correlated sum would scan them once per account).
    let drift = scalar(
        conn,
        "SELECT COUNT(*) FROM ledger_balances b
           LEFT JOIN (SELECT account, SUM(amount_minor) AS total FROM ledger_postings
                      GROUP BY account) p ON p.account = b.account
         WHERE b.balance_minor <> COALESCE(p.total, 0)",
    )?;
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
