//! Wallets: balances and statements.

use super::*;
use crate::clock;
use crate::store::sql::Param;

/// Balance and available as of `now` (a hold past its expiry counts as released, SPEC §3).
pub(super) fn balance<C: SqlConn>(
    s: &SqlStore<C>,
    reference: &str,
    now: Timestamp,
) -> Result<Balance> {
    let id = s.require_member_id(reference)?;
    let c = s.currency()?;
    let now = clock::to_storage(now);
    let (balance, held) = s
        .one(
            "SELECT w.balance_minor,
                    (SELECT COALESCE(CAST(SUM(p.amount_minor) AS BIGINT), 0) FROM payments p
                     WHERE p.member = w.member AND p.status = 'authorized' AND p.expires_at > ?2)
             FROM wallets w WHERE w.member = ?1",
            &[id.n.into(), Param::Text(&now)],
            |r| Ok((r.int(0)?, r.int(1)?)),
        )?
        .unwrap_or_default();
    Ok(Balance {
        member: id.to_string(),
        balance: dec(balance, c),
        available: dec(balance - held, c),
        currency: c,
    })
}

/// A member's statement, newest first.
pub(super) fn history<C: SqlConn>(
    s: &SqlStore<C>,
    reference: &str,
    page: Page,
) -> Result<Vec<WalletEntry>> {
    let id = s.require_member_id(reference)?;
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    s.all(
        "SELECT seq, at, kind, reference, counterparty, amount_minor, held_minor,
                balance_after_minor, status
         FROM wallet_entries WHERE member = ?1 AND seq < ?4 ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
        &[
            id.n.into(),
            limit.into(),
            offset.into(),
            page.past.unwrap_or(i64::MAX).into(),
        ],
        |r| {
            Ok(WalletEntry {
                seq: r.int(0)?,
                at: show_time(r.text(1)?),
                kind: r.text(2)?.to_string(),
                reference: r.text(3)?.to_string(),
                counterparty: r.opt_text(4)?.map(str::to_string),
                amount: dec(r.int(5)?, c),
                held: dec(r.int(6)?, c),
                balance: dec(r.int(7)?, c),
                status: r.text(8)?.to_string(),
            })
        },
    )
}

/// Lines of a member's statement.
pub(super) fn count_history<C: SqlConn>(s: &SqlStore<C>, reference: &str) -> Result<i64> {
    let id = s.require_member_id(reference)?;
    s.scalar(
        "SELECT COUNT(*) FROM wallet_entries WHERE member = ?1",
        &[id.n.into()],
    )
}
