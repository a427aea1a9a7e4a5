//! Members and their linked bank accounts.

use super::*;
use crate::clock;
use crate::ids::Kind;
use crate::store::sql::Param;

pub(super) fn one<C: SqlConn>(s: &SqlStore<C>, reference: &str, now: Timestamp) -> Result<Member> {
    let id = s.require_member_id(reference)?;
    let mut f = Filters::default();
    f.eq("m.id = ?", int(Some(id.n)));
    let page = Page {
        limit: 1,
        ..Page::default()
    };
    list(s, &f, page, now)?
        .pop()
        .ok_or_else(|| Error::not_found("member", reference))
}

/// Members by id, filtered by `f`.
pub(super) fn list<C: SqlConn>(
    s: &SqlStore<C>,
    f: &Filters,
    page: Page,
    now: Timestamp,
) -> Result<Vec<Member>> {
    let c = s.currency()?;
    let (limit, offset) = page.bounded();
    let mut f = f.clone();
    f.eq("m.id > ?", int(page.past));
    // Holds past their expiry count as released (SPEC §3, reads show "now").
    let sql = format!(
        "SELECT m.id, m.name, m.email, m.address, m.corporate, m.status, m.registered_at,
                w.balance_minor,
                (SELECT COALESCE(CAST(SUM(p.amount_minor) AS BIGINT), 0) FROM payments p
                 WHERE p.member = m.id AND p.status = 'authorized' AND p.expires_at > ?)
         FROM members m JOIN wallets w ON w.member = m.id
         WHERE 1 = 1{} ORDER BY m.id LIMIT ? OFFSET ?",
        f.sql
    );
    let now = clock::to_storage(now);
    s.all(
        &sql,
        &f.params(&[Param::Text(&now)], &[limit, offset]),
        |r| {
            let (balance, held) = (r.int(7)?, r.int(8)?);
            Ok(Member {
                id: Id::new(Kind::Member, r.int(0)?).to_string(),
                name: r.text(1)?.to_string(),
                email: r.text(2)?.to_string(),
                address: r.opt_text(3)?.map(str::to_string),
                corporate: r.flag(4)?,
                status: r.text(5)?.to_string(),
                registered_at: show_time(r.text(6)?),
                balance: dec(balance, c),
                available: dec(balance - held, c),
                currency: c,
            })
        },
    )
}

/// Members `list` shows for this search.
pub(super) fn count<C: SqlConn>(s: &SqlStore<C>, search: Option<&str>) -> Result<i64> {
    let f = member_search(search);
    s.count(
        &format!("SELECT COUNT(*) FROM members m WHERE 1 = 1{}", f.sql),
        &f,
    )
}

/// The filter of a link list: one member's, or everyone's.
fn link_filter<C: SqlConn>(s: &SqlStore<C>, member: Option<&str>) -> Result<Filters> {
    let member = member.map(|m| s.require_member_id(m)).transpose()?;
    let mut f = Filters::default();
    f.eq("member = ?", int(member.map(|m| m.n)));
    Ok(f)
}

/// Linked accounts (active and unlinked), of one member or of all, by id.
pub(super) fn links<C: SqlConn>(
    s: &SqlStore<C>,
    member: Option<&str>,
    page: Page,
) -> Result<Vec<Link>> {
    let (limit, offset) = page.bounded();
    let mut f = link_filter(s, member)?;
    f.eq("id > ?", int(page.past));
    let sql = format!(
        "SELECT id, member, bank, account, is_primary, status, linked_at FROM bank_links
         WHERE 1 = 1{} ORDER BY id LIMIT ? OFFSET ?",
        f.sql
    );
    s.all(&sql, &f.params(&[], &[limit, offset]), |r| {
        Ok(Link {
            id: Id::new(Kind::Link, r.int(0)?).to_string(),
            member: Id::new(Kind::Member, r.int(1)?).to_string(),
            bank: r.text(2)?.to_string(),
            account: r.text(3)?.to_string(),
            primary: r.flag(4)?,
            status: r.text(5)?.to_string(),
            linked_at: show_time(r.text(6)?),
        })
    })
}

/// Linked accounts `links` lists, of one member or of all.
pub(super) fn count_links<C: SqlConn>(s: &SqlStore<C>, member: Option<&str>) -> Result<i64> {
    let f = link_filter(s, member)?;
    s.count(
        &format!("SELECT COUNT(*) FROM bank_links WHERE 1 = 1{}", f.sql),
        &f,
    )
}
