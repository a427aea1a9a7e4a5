//! The ledger: balances and transactions.

use super::*;
use crate::queries::Posting;
use crate::store::sql::Param;

/// Current account balances, accounts in name order, zero ones kept.
pub(super) fn balances<C: SqlConn>(s: &SqlStore<C>) -> Result<Vec<AccountBalance>> {
    let c = s.currency()?;
    s.all(
        "SELECT account, balance_minor FROM ledger_balances ORDER BY account",
        &[],
        |r| {
            Ok(AccountBalance {
                account: r.text(0)?.to_string(),
                balance: dec(r.int(1)?, c),
            })
        },
    )
}

/// The transactions touching an account (exact, or a prefix ending in `:`), or all of them.
const TOUCHING: &str = "(CAST(?1 AS TEXT) IS NULL AND CAST(?2 AS TEXT) IS NULL)
    OR EXISTS (SELECT 1 FROM ledger_postings p WHERE p.seq = t.seq
               AND (p.account = ?1 OR p.account LIKE ?2))";

/// Ledger transactions in log order, optionally only those touching an account.
pub(super) fn transactions<C: SqlConn>(
    s: &SqlStore<C>,
    account: Option<&str>,
    page: Page,
) -> Result<Vec<LedgerTransaction>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let (exact, prefix) = account_match(account);
    let heads = s.all(
        &format!(
            "SELECT t.seq, t.at, t.description FROM ledger_transactions t WHERE {TOUCHING}
             AND t.seq > ?5 ORDER BY t.seq LIMIT ?3 OFFSET ?4"
        ),
        &[
            exact.into(),
            Param::from(prefix.as_deref()),
            limit.into(),
            offset.into(),
            page.past.unwrap_or(0).into(),
        ],
        |r| Ok((r.int(0)?, r.text(1)?.to_string(), r.text(2)?.to_string())),
    )?;
    heads
        .into_iter()
        .map(|(seq, at, description)| {
            let postings = s.all(
                "SELECT account, amount_minor FROM ledger_postings WHERE seq = ?1 ORDER BY idx",
                &[seq.into()],
                |r| {
                    Ok(Posting {
                        account: r.text(0)?.to_string(),
                        amount: dec(r.int(1)?, c),
                    })
                },
            )?;
            Ok(LedgerTransaction {
                seq,
                at: show_time(&at),
                description,
                postings,
            })
        })
        .collect()
}

/// Ledger transactions touching an account (exact, or a prefix ending in `:`), or all.
pub(super) fn count_transactions<C: SqlConn>(
    s: &SqlStore<C>,
    account: Option<&str>,
) -> Result<i64> {
    let (exact, prefix) = account_match(account);
    s.scalar(
        &format!("SELECT COUNT(*) FROM ledger_transactions t WHERE {TOUCHING}"),
        &[exact.into(), Param::from(prefix.as_deref())],
    )
}

/// Every posting with its transaction, in log order.
pub(super) fn scan<C: SqlConn>(
    s: &SqlStore<C>,
    f: &mut dyn FnMut(&LedgerLine<'_>) -> Result<()>,
) -> Result<()> {
    s.conn.query(
        "SELECT t.seq, t.at, t.description, p.account, p.amount_minor
         FROM ledger_transactions t JOIN ledger_postings p ON p.seq = t.seq
         ORDER BY t.seq, p.idx",
        &[],
        &mut |r| {
            f(&LedgerLine {
                seq: r.int(0)?,
                at: r.text(1)?,
                description: r.text(2)?,
                account: r.text(3)?,
                amount_minor: r.int(4)?,
            })?;
            Ok(true)
        },
    )
}
