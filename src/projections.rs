//! Read models. `apply` is the only code that changes them: live commands call it right after
//! appending each event, `rebuild` and `verify` call it while replaying the log.

mod banking;
pub mod digest;
mod ledger;
mod members;
mod merchants;
pub mod native;
mod payments;
mod settlements;
mod wallets;

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Envelope, Event};
use crate::ids::Kind;
use crate::money::{Amount, Currency};

/// Store settings (SPEC §1), projected from `StoreInitialized`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    pub store_id: String,
    pub currency: Currency,
    pub auto_recharge_unit: Amount,
    pub hold_expiry_secs: i64,
    pub house: BankAccount,
}

impl Settings {
    pub fn load(conn: &Connection) -> Result<Option<Settings>> {
        let row = conn
            .prepare_cached(
                "SELECT store_id, currency, auto_recharge_unit_minor, hold_expiry_secs, house_bank,
                        house_account FROM settings WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .optional()?;
        let Some((store_id, currency, unit, hold_expiry_secs, bank, account)) = row else {
            return Ok(None);
        };
        let currency: Currency = currency
            .parse()
            .map_err(|_| Error::new(ErrorCode::StoreCorrupt, "unknown currency in settings"))?;
        Ok(Some(Settings {
            store_id,
            currency,
            auto_recharge_unit: Amount::from_minor(unit, currency),
            hold_expiry_secs,
            house: BankAccount { bank, account },
        }))
    }
}

/// What `apply` needs besides the event: its envelope and the store currency.
pub struct ApplyContext<'a> {
    pub env: &'a Envelope,
    pub currency: Currency,
}

impl ApplyContext<'_> {
    pub fn minor(&self, a: &Amount) -> i64 {
        a.to_minor(self.currency)
    }

    pub fn at(&self) -> &str {
        &self.env.effective_at
    }
}

/// The read models fall in two parts that share no table: each part's `apply` reads and writes
/// only its own tables, so a replay can run the parts on two threads into two scratch stores
/// (`verify`). Live commands and `rebuild` apply both, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Members, bank links, the simulator, firm banking, wallets and their statements.
    Accounts,
    /// Merchants, payments, refunds, settlements and the ledger.
    Books,
}

impl Part {
    /// The projection tables of each part (a test checks the two lists cover the schema).
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Part::Accounts => &[
                "settings",
                "members",
                "wallets",
                "wallet_entries",
                "bank_links",
                "sim_accounts",
                "firm_banking",
                "recharges",
                "withdrawals",
                "remittances",
            ],
            Part::Books => &[
                "merchants",
                "payments",
                "refunds",
                "settlements",
                "settlement_payments",
                "ledger_transactions",
                "ledger_postings",
                "ledger_balances",
            ],
        }
    }

    pub fn of_table(table: &str) -> Part {
        if Part::Accounts.tables().contains(&table) {
            Part::Accounts
        } else {
            Part::Books
        }
    }
}

/// Applies one event to every read model. `currency` is the store's (for `StoreInitialized`,
/// the event's own is used).
pub fn apply(conn: &Connection, env: &Envelope, event: &Event, currency: Currency) -> Result<()> {
    apply_part(conn, env, event, currency, Part::Accounts)?;
    apply_part(conn, env, event, currency, Part::Books)
}

/// Applies one event to one part of the read models.
pub fn apply_part(
    conn: &Connection,
    env: &Envelope,
    event: &Event,
    currency: Currency,
    part: Part,
) -> Result<()> {
    let currency = match event {
        Event::StoreInitialized { currency, .. } => *currency,
        _ => currency,
    };
    let cx = ApplyContext { env, currency };
    match part {
        Part::Accounts => {
            members::apply(conn, &cx, event)?;
            banking::apply(conn, &cx, event)?;
            wallets::apply(conn, &cx, event)?;
        }
        Part::Books => {
            merchants::apply(conn, &cx, event)?;
            payments::apply(conn, &cx, event)?;
            settlements::apply(conn, &cx, event)?;
            ledger::apply(conn, &cx, event)?;
        }
    }
    Ok(())
}

/// The last number handed out for a kind (0 when none): ids are the integer keys of their
/// tables, and nothing is ever deleted, so the largest key is the last id.
pub fn last_id(conn: &Connection, kind: Kind) -> Result<i64> {
    let sql = match kind {
        Kind::Member => "SELECT COALESCE(MAX(id), 0) FROM members",
        Kind::Link => "SELECT COALESCE(MAX(id), 0) FROM bank_links",
        Kind::Merchant => "SELECT COALESCE(MAX(id), 0) FROM merchants",
        Kind::Recharge => "SELECT COALESCE(MAX(id), 0) FROM recharges",
        Kind::Withdrawal => "SELECT COALESCE(MAX(id), 0) FROM withdrawals",
        Kind::Remittance => "SELECT COALESCE(MAX(id), 0) FROM remittances",
        Kind::Payment => "SELECT COALESCE(MAX(id), 0) FROM payments",
        Kind::Refund => "SELECT COALESCE(MAX(id), 0) FROM refunds",
        Kind::Settlement => "SELECT COALESCE(MAX(id), 0) FROM settlements",
        Kind::FirmBanking => "SELECT COALESCE(MAX(id), 0) FROM firm_banking",
    };
    Ok(conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
}

/// Deletes every projection row (for `rebuild`).
pub fn clear(conn: &Connection) -> Result<()> {
    for (table, _) in crate::store::schema::PROJECTION_TABLES {
        // Table names come from a fixed list in the code, never from input.
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// Checks that an UPDATE touched exactly one row: a projection out of step with the log is a
/// corrupt store, never something to paper over.
fn one_row(changed: usize, what: &str, env: &Envelope) -> Result<()> {
    if changed == 1 {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::StoreCorrupt,
            format!(
                "event {} ({}) refers to a missing {what}",
                env.seq, env.kind
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Part;
    use crate::store::schema::PROJECTION_TABLES;

    /// Every projection table belongs to exactly one part (the split replay relies on it).
    #[test]
    fn the_two_parts_cover_every_projection_table_once() {
        let mut listed: Vec<&str> = Part::Accounts
            .tables()
            .iter()
            .chain(Part::Books.tables())
            .copied()
            .collect();
        listed.sort_unstable();
        let mut schema: Vec<&str> = PROJECTION_TABLES.iter().map(|(t, _)| *t).collect();
        schema.sort_unstable();
        assert_eq!(listed, schema);
    }
}
