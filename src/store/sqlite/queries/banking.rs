//! Firm-banking requests.

use super::super::SqliteStore;
use super::*;

impl SqliteStore {
    /// Firm-banking requests, newest first.
    pub(super) fn firm_banking(&self, page: Page) -> Result<Vec<FirmBanking>> {
        self.firm_banking_where(None, page)
    }

    /// What happened to one firm-banking request (`fb_N`): the gateway's answer, as recorded.
    pub(super) fn firm_banking_request(&self, reference: &str) -> Result<FirmBanking> {
        let id = Id::parse_kind(reference, Kind::FirmBanking)
            .ok_or_else(|| Error::not_found("firm-banking request", reference))?;
        self.firm_banking_where(Some(id.n), Page::default())?
            .pop()
            .ok_or_else(|| Error::not_found("firm-banking request", reference))
    }

    pub(super) fn firm_banking_where(
        &self,
        id: Option<i64>,
        page: Page,
    ) -> Result<Vec<FirmBanking>> {
        let c = self.currency()?;
        let (limit, offset) = page.bounded();
        let mut f = Filters::default();
        f.eq("id = ?", int(id));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, from_bank, from_account, to_bank, to_account, amount_minor, purpose, status,
                    reason, requested_at
             FROM firm_banking WHERE 1 = 1{} ORDER BY id DESC LIMIT ? OFFSET ?",
            f.sql
        ))?;
        let rows = stmt.query_map(
            rusqlite::params_from_iter(f.params(&[limit, offset])),
            |r| {
                Ok(FirmBanking {
                    id: Id::new(Kind::FirmBanking, r.get(0)?).to_string(),
                    from: format!("{} {}", r.get::<_, String>(1)?, r.get::<_, String>(2)?),
                    to: format!("{} {}", r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                    amount: dec(r.get(5)?, c),
                    purpose: r.get(6)?,
                    status: r.get(7)?,
                    reason: r.get(8)?,
                    requested_at: show_time(&r.get::<_, String>(9)?),
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn count_firm_banking(&self) -> Result<i64> {
        self.count("SELECT COUNT(*) FROM firm_banking", &Filters::default())
    }
}
