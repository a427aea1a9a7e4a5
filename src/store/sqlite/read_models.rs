//! The read models' ports in SQL: each kind of change the fold asks for, as prepared
//! statements with bound values. New rows go through one INSERT per table, its values taken
//! from the row itself (`Row::values`), so a row's columns are said once.

use std::sync::OnceLock;

use rusqlite::{CachedStatement, OptionalExtension, params};

use super::SqliteStore;
use crate::digest::Spell;
use crate::error::Result;
use crate::event::BankAccount;
use crate::ledger::Account;
use crate::money::FeeRate;
use crate::ports::{
    BankingModel, LedgerModel, MembersModel, MerchantsModel, PaymentsModel, SettlementsModel,
    WalletsModel,
};
use crate::projections::rows::{
    FirmBankingRow, LinkRow, MemberRow, MerchantRow, PaymentRow, PaymentState, PostingRow,
    RefundRow, RemittanceRow, Row, SettingsRow, SettlementPaymentRow, SettlementRow, StatementLine,
    Table, TransactionRow, TransferRow, Values, status,
};

/// `INSERT INTO <table> (<columns>) VALUES (?1, …)` for each table, made once.
pub(super) fn insert_sql(table: Table) -> &'static str {
    static SQL: OnceLock<Vec<String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        Table::ALL
            .iter()
            .map(|t| {
                let column_list = t.columns().join(", ");
                let marks: Vec<String> = (1..=t.columns().len()).map(|i| format!("?{i}")).collect();
                let placeholders = marks.join(", ");
                format!(
                    "INSERT INTO {} ({column_list}) VALUES ({placeholders})",
                    t.name()
                )
            })
            .collect()
    });
    let at = Table::ALL.iter().position(|t| *t == table).unwrap_or(0);
    all.get(at).map_or("", String::as_str)
}

/// Binds a row's values to an INSERT, in order.
struct Binder<'s, 'c> {
    stmt: &'s mut CachedStatement<'c>,
    at: usize,
    spelled: Vec<u8>,
    failed: Option<rusqlite::Error>,
}

impl Binder<'_, '_> {
    fn bind<T: rusqlite::ToSql>(&mut self, v: T) {
        self.at += 1;
        if self.failed.is_none() {
            if let Err(e) = self.stmt.raw_bind_parameter(self.at, v) {
                self.failed = Some(e);
            }
        }
    }
}

impl Values for Binder<'_, '_> {
    fn null(&mut self) {
        self.bind(rusqlite::types::Null);
    }
    fn int(&mut self, v: i64) {
        self.bind(v);
    }
    fn text(&mut self, v: &str) {
        self.bind(v);
    }
    fn spelled(&mut self, v: &dyn Spell) {
        let mut buf = std::mem::take(&mut self.spelled);
        buf.clear();
        v.spell(&mut buf);
        // Spellings are ASCII ids, accounts and rates, or the stored texts they are made of.
        match std::str::from_utf8(&buf) {
            Ok(text) => self.bind(text),
            Err(_) => self.bind(String::from_utf8_lossy(&buf).as_ref()),
        }
        self.spelled = buf;
    }
}

impl SqliteStore {
    /// Inserts one row of its table.
    pub(super) fn insert(&self, row: &dyn Row) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(insert_sql(row.table()))?;
        let mut binder = Binder {
            stmt: &mut stmt,
            at: 0,
            spelled: Vec::new(),
            failed: None,
        };
        row.values(&mut binder);
        if let Some(e) = binder.failed {
            return Err(e.into());
        }
        stmt.raw_execute()?;
        Ok(())
    }

    /// Runs an UPDATE; whether it changed exactly one row.
    fn update(&self, sql: &str, values: impl rusqlite::Params) -> Result<bool> {
        Ok(self.conn.prepare_cached(sql)?.execute(values)? == 1)
    }
}

impl MembersModel for SqliteStore {
    fn put_settings(&mut self, row: &SettingsRow) -> Result<()> {
        self.insert(row)
    }

    fn add_member(&mut self, row: &MemberRow) -> Result<()> {
        self.insert(row)
    }

    fn rename_member(
        &mut self,
        member: i64,
        name: Option<&str>,
        address: Option<&str>,
    ) -> Result<bool> {
        self.update(
            "UPDATE members SET name = COALESCE(?2, name), address = COALESCE(?3, address)
             WHERE id = ?1",
            params![member, name, address],
        )
    }

    fn set_member_active(&mut self, member: i64, active: bool) -> Result<bool> {
        let state = if active {
            status::ACTIVE
        } else {
            status::INACTIVE
        };
        self.update(
            "UPDATE members SET status = ?2 WHERE id = ?1",
            params![member, state],
        )
    }

    fn add_link(&mut self, row: &LinkRow) -> Result<()> {
        self.insert(row)
    }

    fn unlink(&mut self, link: i64) -> Result<bool> {
        self.update(
            "UPDATE bank_links SET status = ?2, is_primary = 0 WHERE id = ?1",
            params![link, status::UNLINKED],
        )
    }

    fn make_primary(&mut self, link: i64) -> Result<bool> {
        self.update("UPDATE bank_links SET is_primary = 1 WHERE id = ?1", [link])
    }
}

impl BankingModel for SqliteStore {
    fn configure_sim(
        &mut self,
        account: &BankAccount,
        balance_minor: Option<i64>,
        closed: Option<bool>,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sim_accounts (bank, account, balance_minor, closed)
                 VALUES (?1, ?2, ?3, COALESCE(?4, 0))
                 ON CONFLICT (bank, account) DO UPDATE SET
                     balance_minor = COALESCE(?3, balance_minor),
                     closed = COALESCE(?4, closed)",
            )?
            .execute(params![
                account.bank,
                account.account,
                balance_minor,
                closed
            ])?;
        Ok(())
    }

    fn move_sim_balance(&mut self, account: &BankAccount, delta_minor: i64) -> Result<()> {
        // Only accounts with a balance track it; the rest (and the house) are unlimited.
        self.conn
            .prepare_cached(
                "UPDATE sim_accounts SET balance_minor = balance_minor + ?3
                 WHERE bank = ?1 AND account = ?2 AND balance_minor IS NOT NULL",
            )?
            .execute(params![account.bank, account.account, delta_minor])?;
        Ok(())
    }

    fn add_firm_banking(&mut self, row: &FirmBankingRow<'_>) -> Result<()> {
        self.insert(row)
    }
}

impl WalletsModel for SqliteStore {
    fn open_wallet(&mut self, member: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO wallets (member, balance_minor, held_minor) VALUES (?1, 0, 0)",
            )?
            .execute([member])?;
        Ok(())
    }

    fn move_wallet(
        &mut self,
        member: i64,
        balance_delta: i64,
        held_delta: i64,
    ) -> Result<Option<i64>> {
        // An UPDATE, then a SELECT of the new balance: cheaper than `UPDATE … RETURNING`,
        // which SQLite journals as a statement it may have to undo alone (BENCHMARKS.md).
        let moved = self.update(
            "UPDATE wallets SET balance_minor = balance_minor + ?2, held_minor = held_minor + ?3
             WHERE member = ?1",
            params![member, balance_delta, held_delta],
        )?;
        if !moved {
            return Ok(None);
        }
        Ok(self
            .conn
            .prepare_cached("SELECT balance_minor FROM wallets WHERE member = ?1")?
            .query_row([member], |r| r.get(0))
            .optional()?)
    }

    fn add_statement_line(&mut self, line: &StatementLine<'_>) -> Result<()> {
        self.insert(line)
    }

    fn add_transfer(&mut self, row: &TransferRow<'_>) -> Result<()> {
        self.insert(row)
    }

    fn add_remittance(&mut self, row: &RemittanceRow<'_>) -> Result<()> {
        self.insert(row)
    }
}

impl MerchantsModel for SqliteStore {
    fn add_merchant(&mut self, row: &MerchantRow) -> Result<()> {
        self.insert(row)
    }

    fn change_terms(
        &mut self,
        merchant: i64,
        fee_rate: Option<FeeRate>,
        account: Option<&BankAccount>,
    ) -> Result<bool> {
        self.update(
            "UPDATE merchants SET fee_rate = COALESCE(?2, fee_rate),
                    bank = COALESCE(?3, bank), account = COALESCE(?4, account)
             WHERE id = ?1",
            params![
                merchant,
                fee_rate.map(|f| f.to_string()),
                account.map(|a| &a.bank),
                account.map(|a| &a.account)
            ],
        )
    }

    fn add_deficit(&mut self, merchant: i64, amount_minor: i64) -> Result<bool> {
        self.update(
            "UPDATE merchants SET deficit_minor = deficit_minor + ?2 WHERE id = ?1",
            params![merchant, amount_minor],
        )
    }

    fn settled(&mut self, merchant: i64, carried_minor: i64, settlement: i64) -> Result<bool> {
        self.update(
            "UPDATE merchants SET deficit_minor = ?2, last_settlement = ?3 WHERE id = ?1",
            params![merchant, carried_minor, settlement],
        )
    }
}

impl PaymentsModel for SqliteStore {
    fn add_payment(&mut self, row: PaymentRow) -> Result<()> {
        self.insert(&row)
    }

    fn capture_hold(&mut self, payment: i64, captured_minor: i64, at: &str) -> Result<bool> {
        self.update(
            "UPDATE payments SET status = ?2, captured_minor = ?3, captured_at = ?4 WHERE id = ?1",
            params![payment, PaymentState::Captured.as_str(), captured_minor, at],
        )
    }

    fn close_hold(&mut self, payment: i64, state: PaymentState, at: &str) -> Result<bool> {
        self.update(
            "UPDATE payments SET status = ?2, closed_at = ?3 WHERE id = ?1",
            params![payment, state.as_str(), at],
        )
    }

    fn add_refund(&mut self, row: &RefundRow<'_>) -> Result<()> {
        self.insert(row)
    }

    fn add_refunded(&mut self, payment: i64, amount_minor: i64) -> Result<bool> {
        self.update(
            "UPDATE payments SET refunded_minor = refunded_minor + ?2 WHERE id = ?1",
            params![payment, amount_minor],
        )
    }

    fn mark_settled(&mut self, payment: i64, settlement: i64) -> Result<bool> {
        self.update(
            "UPDATE payments SET settlement = ?2 WHERE id = ?1",
            params![payment, settlement],
        )
    }
}

impl SettlementsModel for SqliteStore {
    fn add_settlement(&mut self, row: &SettlementRow<'_>) -> Result<()> {
        self.insert(row)
    }

    fn add_settlement_payment(&mut self, row: &SettlementPaymentRow) -> Result<()> {
        self.insert(row)
    }
}

impl LedgerModel for SqliteStore {
    fn add_transaction(&mut self, row: &TransactionRow<'_>) -> Result<()> {
        self.insert(row)
    }

    fn add_posting(&mut self, row: &PostingRow) -> Result<()> {
        self.insert(row)
    }

    fn add_to_balance(&mut self, account: Account, delta_minor: i64) -> Result<()> {
        // An UPDATE, and an INSERT only for a new account: cheaper than an upsert
        // (BENCHMARKS.md).
        let name = account.to_string();
        let updated = self.update(
            "UPDATE ledger_balances SET balance_minor = balance_minor + ?2 WHERE account = ?1",
            params![name, delta_minor],
        )?;
        if !updated {
            self.conn
                .prepare_cached(
                    "INSERT INTO ledger_balances (account, balance_minor) VALUES (?1, ?2)",
                )?
                .execute(params![name, delta_minor])?;
        }
        Ok(())
    }
}
