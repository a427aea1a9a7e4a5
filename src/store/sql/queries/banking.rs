//! Firm-banking requests.

use super::*;
use crate::ids::Kind;

/// What happened to one firm-banking request (`fb_N`): the gateway's answer, as recorded.
pub(super) fn one<C: SqlConn>(s: &SqlStore<C>, reference: &str) -> Result<FirmBanking> {
    let id = Id::parse_kind(reference, Kind::FirmBanking)
        .ok_or_else(|| Error::not_found("firm-banking request", reference))?;
    list(s, Some(id.n), Page::default())?
        .pop()
        .ok_or_else(|| Error::not_found("firm-banking request", reference))
}

/// Firm-banking requests, newest first (or the one of `id`).
pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    id: Option<i64>,
    page: Page,
) -> Result<Vec<FirmBanking>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let mut f = Filters::default();
    f.eq("id = ?", int(id));
    f.eq("id < ?", int(page.past));
    let sql = format!(
        "SELECT id, from_bank, from_account, to_bank, to_account, amount_minor, purpose, status,
                reason, requested_at
         FROM firm_banking WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
        f.sql
    );
    s.all(&sql, &f.params(&[], &[limit, offset]), |r| {
        Ok(FirmBanking {
            id: Id::new(Kind::FirmBanking, r.int(0)?).to_string(),
            from: format!("{} {}", r.text(1)?, r.text(2)?),
            to: format!("{} {}", r.text(3)?, r.text(4)?),
            amount: dec(r.int(5)?, c),
            purpose: r.text(6)?.to_string(),
            status: r.text(7)?.to_string(),
            reason: r.opt_text(8)?.map(str::to_string),
            requested_at: show_time(r.text(9)?),
        })
    })
}
