//! The read models' ports in shared SQL: each kind of change the fold asks for, as a statement
//! with bound values. New rows go through the adapter's insert of a row (`SqlConn::insert_row`),
//! their values taken from the row itself, so a row's columns are said once.

use super::{Dialect, Param, SqlConn, SqlStore};
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
    RefundRow, RemittanceRow, SettingsRow, SettlementPaymentRow, SettlementRow, StatementLine,
    TransactionRow, TransferRow, status,
};

impl<C: SqlConn> MembersModel for SqlStore<C> {
    fn put_settings(&mut self, row: &SettingsRow) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_member(&mut self, row: &MemberRow) -> Result<()> {
        self.conn.insert_row(row)
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
            &[Param::from(member), Param::from(name), Param::from(address)],
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
            &[Param::from(member), Param::from(state)],
        )
    }

    fn add_link(&mut self, row: &LinkRow) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn unlink(&mut self, link: i64) -> Result<bool> {
        self.update(
            "UPDATE bank_links SET status = ?2, is_primary = 0 WHERE id = ?1",
            &[Param::from(link), Param::from(status::UNLINKED)],
        )
    }

    fn make_primary(&mut self, link: i64) -> Result<bool> {
        self.update(
            "UPDATE bank_links SET is_primary = 1 WHERE id = ?1",
            &[link.into()],
        )
    }
}

impl<C: SqlConn> BankingModel for SqlStore<C> {
    fn configure_sim(
        &mut self,
        account: &BankAccount,
        balance_minor: Option<i64>,
        closed: Option<bool>,
    ) -> Result<()> {
        self.conn.write(
            "INSERT INTO sim_accounts (bank, account, balance_minor, closed)
             VALUES (?1, ?2, CAST(?3 AS BIGINT), COALESCE(CAST(?4 AS BIGINT), 0))
             ON CONFLICT (bank, account) DO UPDATE SET
                 balance_minor = COALESCE(CAST(?3 AS BIGINT), sim_accounts.balance_minor),
                 closed = COALESCE(CAST(?4 AS BIGINT), sim_accounts.closed)",
            &[
                Param::Text(&account.bank),
                Param::Text(&account.account),
                balance_minor.into(),
                closed.into(),
            ],
            Some(1),
        )
    }

    fn move_sim_balance(&mut self, account: &BankAccount, delta_minor: i64) -> Result<()> {
        // Only accounts with a balance track it; the rest (and the house) are unlimited.
        self.conn.write(
            "UPDATE sim_accounts SET balance_minor = balance_minor + ?3
             WHERE bank = ?1 AND account = ?2 AND balance_minor IS NOT NULL",
            &[
                Param::Text(&account.bank),
                Param::Text(&account.account),
                delta_minor.into(),
            ],
            None,
        )
    }

    fn add_firm_banking(&mut self, row: &FirmBankingRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }
}

impl<C: SqlConn> WalletsModel for SqlStore<C> {
    fn open_wallet(&mut self, member: i64) -> Result<()> {
        self.conn.write(
            "INSERT INTO wallets (member, balance_minor, held_minor) VALUES (?1, 0, 0)",
            &[member.into()],
            Some(1),
        )
    }

    fn move_wallet(
        &mut self,
        member: i64,
        balance_delta: i64,
        held_delta: i64,
    ) -> Result<Option<i64>> {
        let params = [
            Param::from(member),
            Param::from(balance_delta),
            Param::from(held_delta),
        ];
        if self.conn.dialect() == Dialect::Postgres {
            // One round trip.
            return self.one(
                "UPDATE wallets SET balance_minor = balance_minor + ?2,
                                    held_minor = held_minor + ?3
                 WHERE member = ?1 RETURNING balance_minor",
                &params,
                |r| r.int(0),
            );
        }
        // An UPDATE, then a SELECT of the new balance: cheaper on SQLite than `UPDATE …
        // RETURNING`, which it journals as a statement it may have to undo alone (BENCHMARKS.md).
        let moved = self.update(
            "UPDATE wallets SET balance_minor = balance_minor + ?2, held_minor = held_minor + ?3
             WHERE member = ?1",
            &params,
        )?;
        if !moved {
            return Ok(None);
        }
        self.one(
            "SELECT balance_minor FROM wallets WHERE member = ?1",
            &[member.into()],
            |r| r.int(0),
        )
    }

    fn add_statement_line(&mut self, line: &StatementLine<'_>) -> Result<()> {
        self.conn.insert_row(line)
    }

    fn add_transfer(&mut self, row: &TransferRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_remittance(&mut self, row: &RemittanceRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }
}

impl<C: SqlConn> MerchantsModel for SqlStore<C> {
    fn add_merchant(&mut self, row: &MerchantRow) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn change_terms(
        &mut self,
        merchant: i64,
        fee_rate: Option<FeeRate>,
        account: Option<&BankAccount>,
    ) -> Result<bool> {
        let rate = fee_rate.map(|f| f.to_string());
        self.update(
            "UPDATE merchants SET fee_rate = COALESCE(?2, fee_rate),
                    bank = COALESCE(?3, bank), account = COALESCE(?4, account)
             WHERE id = ?1",
            &[
                merchant.into(),
                Param::from(rate.as_deref()),
                Param::from(account.map(|a| a.bank.as_str())),
                Param::from(account.map(|a| a.account.as_str())),
            ],
        )
    }

    fn add_deficit(&mut self, merchant: i64, amount_minor: i64) -> Result<bool> {
        self.update(
            "UPDATE merchants SET deficit_minor = deficit_minor + ?2 WHERE id = ?1",
            &[Param::from(merchant), Param::from(amount_minor)],
        )
    }

    fn settled(&mut self, merchant: i64, carried_minor: i64, settlement: i64) -> Result<bool> {
        self.update(
            "UPDATE merchants SET deficit_minor = ?2, last_settlement = ?3 WHERE id = ?1",
            &[
                Param::from(merchant),
                Param::from(carried_minor),
                Param::from(settlement),
            ],
        )
    }
}

impl<C: SqlConn> PaymentsModel for SqlStore<C> {
    fn add_payment(&mut self, row: PaymentRow) -> Result<()> {
        self.conn.insert_row(&row)
    }

    fn capture_hold(&mut self, payment: i64, captured_minor: i64, at: &str) -> Result<bool> {
        self.update(
            "UPDATE payments SET status = ?2, captured_minor = ?3, captured_at = ?4 WHERE id = ?1",
            &[
                Param::from(payment),
                Param::from(PaymentState::Captured.as_str()),
                Param::from(captured_minor),
                Param::from(at),
            ],
        )
    }

    fn close_hold(&mut self, payment: i64, state: PaymentState, at: &str) -> Result<bool> {
        self.update(
            "UPDATE payments SET status = ?2, closed_at = ?3 WHERE id = ?1",
            &[
                Param::from(payment),
                Param::from(state.as_str()),
                Param::from(at),
            ],
        )
    }

    fn add_refund(&mut self, row: &RefundRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_refunded(&mut self, payment: i64, amount_minor: i64) -> Result<bool> {
        self.update(
            "UPDATE payments SET refunded_minor = refunded_minor + ?2 WHERE id = ?1",
            &[Param::from(payment), Param::from(amount_minor)],
        )
    }

    fn mark_settled(&mut self, payment: i64, settlement: i64) -> Result<bool> {
        self.update(
            "UPDATE payments SET settlement = ?2 WHERE id = ?1",
            &[Param::from(payment), Param::from(settlement)],
        )
    }
}

impl<C: SqlConn> SettlementsModel for SqlStore<C> {
    fn add_settlement(&mut self, row: &SettlementRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_settlement_payment(&mut self, row: &SettlementPaymentRow) -> Result<()> {
        self.conn.insert_row(row)
    }
}

impl<C: SqlConn> LedgerModel for SqlStore<C> {
    fn add_transaction(&mut self, row: &TransactionRow<'_>) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_posting(&mut self, row: &PostingRow) -> Result<()> {
        self.conn.insert_row(row)
    }

    fn add_to_balance(&mut self, account: Account, delta_minor: i64) -> Result<()> {
        let name = account.to_string();
        let params = [Param::Text(&name), delta_minor.into()];
        if self.conn.dialect() == Dialect::Postgres {
            // One statement, sent with the next.
            return self.conn.write(
                "INSERT INTO ledger_balances (account, balance_minor) VALUES (?1, ?2)
                 ON CONFLICT (account) DO UPDATE
                 SET balance_minor = ledger_balances.balance_minor + excluded.balance_minor",
                &params,
                Some(1),
            );
        }
        // An UPDATE, and an INSERT only for a new account: cheaper on SQLite than an upsert
        // (BENCHMARKS.md).
        let updated = self.update(
            "UPDATE ledger_balances SET balance_minor = balance_minor + ?2 WHERE account = ?1",
            &params,
        )?;
        if !updated {
            self.conn.write(
                "INSERT INTO ledger_balances (account, balance_minor) VALUES (?1, ?2)",
                &params,
                Some(1),
            )?;
        }
        Ok(())
    }
}
