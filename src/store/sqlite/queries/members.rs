//! Members and their linked bank accounts.

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    pub(super) fn require_member_id(&self, reference: &str) -> Result<Id> {
        let id = self.member_id(reference)?;
        match id {
            Some(id)
                if self
                    .conn
                    .prepare_cached("SELECT 1 FROM members WHERE id = ?1")?
                    .exists([id.n])? =>
            {
                Ok(id)
            }
            _ => Err(Error::not_found("member", reference)),
        }
    }

    pub(super) fn member(&self, reference: &str, now: Timestamp) -> Result<Member> {
        let id = self.require_member_id(reference)?;
        let mut f = Filters::default();
        f.eq("m.id = ?", int(Some(id.n)));
        let mut list = self.members_where(
            &f,
            Page {
                limit: 1,
                offset: 0,
            },
            now,
        )?;
        list.pop()
            .ok_or_else(|| Error::not_found("member", reference))
    }

    /// Members by id; `search` matches name or email (case-insensitive substring).
    pub(super) fn members(
        &self,
        search: Option<&str>,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Member>> {
        self.members_where(&member_search(search), page, now)
    }

    pub(super) fn members_where(
        &self,
        f: &Filters,
        page: Page,
        now: Timestamp,
    ) -> Result<Vec<Member>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        // Holds past their expiry count as released (SPEC §3, reads show "now").
        let sql = format!(
            "SELECT m.id, m.name, m.email, m.address, m.corporate, m.status, m.registered_at,
                    w.balance_minor,
                    (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p
                     WHERE p.member = m.id AND p.status = 'authorized' AND p.expires_at > ?)
             FROM members m JOIN wallets w ON w.member = m.id
             WHERE 1 = 1{} ORDER BY m.id LIMIT ? OFFSET ?",
            f.sql
        );
        let mut values = vec![rusqlite::types::Value::Text(clock::to_storage(now))];
        values.extend(f.params(&[limit, offset]));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((
                    (
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, bool>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, i64>(7)?,
                    ),
                    r.get::<_, i64>(8)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(
                |((n, name, email, address, corporate, status, at, balance), held)| {
                    let id = Id::new(Kind::Member, n);
                    Ok(Member {
                        id: id.to_string(),
                        name,
                        email,
                        address,
                        corporate,
                        status,
                        registered_at: show_time(&at),
                        balance: dec(balance, c),
                        available: dec(balance - held, c),
                        currency: c,
                    })
                },
            )
            .collect()
    }

    /// Linked accounts (active and unlinked), of one member or of all, by id.
    pub(super) fn links(&self, member: Option<&str>, page: Page) -> Result<Vec<Link>> {
        let (limit, offset) = page.bounded();
        let member = member.map(|m| self.require_member_id(m)).transpose()?;
        let mut f = Filters::default();
        f.eq("member = ?", int(member.map(|m| m.n)));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, member, bank, account, is_primary, status, linked_at FROM bank_links
             WHERE 1 = 1{} ORDER BY id LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                Ok(Link {
                    id: Id::new(Kind::Link, r.get(0)?).to_string(),
                    member: Id::new(Kind::Member, r.get(1)?).to_string(),
                    bank: r.get(2)?,
                    account: r.get(3)?,
                    primary: r.get(4)?,
                    status: r.get(5)?,
                    linked_at: show_time(&r.get::<_, String>(6)?),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Members `members` lists for this search.
    pub(super) fn count_members(&self, search: Option<&str>) -> Result<i64> {
        let f = member_search(search);
        let sql = format!("SELECT COUNT(*) FROM members m WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }

    /// Linked accounts `links` lists, of one member or of all.
    pub(super) fn count_links(&self, member: Option<&str>) -> Result<i64> {
        let member = member.map(|m| self.require_member_id(m)).transpose()?;
        let mut f = Filters::default();
        f.eq("member = ?", int(member.map(|m| m.n)));
        let sql = format!("SELECT COUNT(*) FROM bank_links WHERE 1 = 1{}", f.sql);
        self.count(&sql, &f)
    }
}
