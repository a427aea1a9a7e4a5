//! What the rules read (`StateView`) and what the write path reads besides (`StoreState`), over
//! the read models, inside the command's own transaction.

use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;

use crate::bank::{SimAccount, SimAccounts};
use crate::clock::{self, Timestamp};
use crate::domain::membership::email_key;
use crate::domain::{
    LinkView, MemberView, MerchantView, PaymentStatus, PaymentView, StateView, WalletView,
};
use crate::error::{Error, ErrorCode, Result};
use crate::event::BankAccount;
use crate::ids::{Id, Kind};
use crate::money::{Amount, Currency, FeeRate};
use crate::ports::{HoldDue, StoreState};
use crate::projections::Settings;

impl SqliteStore {
    /// A member reference: `mem_N` or an email (compared as `email_key` compares them).
    pub(super) fn member_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Member) {
            return Ok(Some(id));
        }
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM members WHERE email_key = ?1")?
            .query_row([email_key(reference)], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|n| Id::new(Kind::Member, n)))
    }

    /// A merchant reference: `mer_N` or its code (case-insensitive).
    pub(super) fn merchant_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Merchant) {
            return Ok(Some(id));
        }
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM merchants WHERE code_key = ?1")?
            .query_row([reference.to_lowercase()], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|n| Id::new(Kind::Merchant, n)))
    }

    /// A payment reference: `pay_N` or the `ref` given when it was made.
    pub(super) fn payment_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Payment) {
            return Ok(Some(id));
        }
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM payments WHERE reference = ?1")?
            .query_row([reference], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|n| Id::new(Kind::Payment, n)))
    }
}

fn corrupt(what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!("unreadable {what} in projections"),
    )
}

fn fee_rate(text: &str) -> Result<FeeRate> {
    FeeRate::parse(text).map_err(|_| corrupt("fee rate"))
}

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<LinkView> {
    Ok(LinkView {
        id: Id::new(Kind::Link, r.get(0)?),
        member: Id::new(Kind::Member, r.get(1)?),
        account: BankAccount {
            bank: r.get(2)?,
            account: r.get(3)?,
        },
        primary: r.get(4)?,
        active: r.get::<_, String>(5)? == "active",
    })
}

const LINK_COLUMNS: &str = "id, member, bank, account, is_primary, status";

type PaymentRow = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    bool,
    Option<String>,
    Option<i64>,
);

const PAYMENT_COLUMNS: &str = "id, member, merchant, amount_minor, captured_minor, refunded_minor, \
                               fee_rate, status, held, expires_at, settlement";

fn payment_row(r: &Row<'_>) -> rusqlite::Result<PaymentRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

fn payment_view(row: PaymentRow) -> Result<PaymentView> {
    let (id, member, merchant, amount, captured, refunded, rate, status, held, expires, stl) = row;
    Ok(PaymentView {
        id: Id::new(Kind::Payment, id),
        member: Id::new(Kind::Member, member),
        merchant: Id::new(Kind::Merchant, merchant),
        amount_minor: amount,
        captured_minor: captured,
        refunded_minor: refunded,
        fee_rate: fee_rate(&rate)?,
        status: PaymentStatus::parse(&status).ok_or_else(|| corrupt("payment status"))?,
        held,
        expires_at: expires
            .map(|e| clock::from_storage(&e).ok_or_else(|| corrupt("time")))
            .transpose()?,
        settled: stl.is_some(),
    })
}

type MerchantRow = (i64, String, String, String, String, i64);

fn merchant_view(row: MerchantRow) -> Result<MerchantView> {
    let (id, code, rate, bank, account, deficit) = row;
    Ok(MerchantView {
        id: Id::new(Kind::Merchant, id),
        code,
        fee_rate: fee_rate(&rate)?,
        account: BankAccount { bank, account },
        deficit_minor: deficit,
    })
}

fn merchant_row(r: &Row<'_>) -> rusqlite::Result<MerchantRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

impl SimAccounts for SqliteStore {
    fn sim_account(&self, account: &BankAccount) -> Result<SimAccount> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT balance_minor, closed FROM sim_accounts WHERE bank = ?1 AND account = ?2",
            )?
            .query_row(params![account.bank, account.account], |r| {
                Ok(SimAccount {
                    balance_minor: r.get(0)?,
                    closed: r.get(1)?,
                })
            })
            .optional()?
            .unwrap_or_default())
    }
}

impl StateView for SqliteStore {
    fn member(&self, reference: &str) -> Result<Option<MemberView>> {
        // One lookup, by id or by email: this runs for nearly every command.
        let row = |r: &Row<'_>| {
            Ok(MemberView {
                id: Id::new(Kind::Member, r.get(0)?),
                name: r.get(1)?,
                email: r.get(2)?,
                active: r.get::<_, String>(3)? == "active",
            })
        };
        Ok(match Id::parse_kind(reference, Kind::Member) {
            Some(id) => self
                .conn
                .prepare_cached("SELECT id, name, email, status FROM members WHERE id = ?1")?
                .query_row([id.n], row)
                .optional()?,
            None => self
                .conn
                .prepare_cached("SELECT id, name, email, status FROM members WHERE email_key = ?1")?
                .query_row([email_key(reference)], row)
                .optional()?,
        })
    }

    fn email_taken(&self, email: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM members WHERE email_key = ?1")?
            .exists([email_key(email)])?)
    }

    fn wallet(&self, member: Id) -> Result<WalletView> {
        Ok(self
            .conn
            .prepare_cached("SELECT balance_minor, held_minor FROM wallets WHERE member = ?1")?
            .query_row([member.n], |r| {
                Ok(WalletView {
                    balance_minor: r.get(0)?,
                    held_minor: r.get(1)?,
                })
            })
            .optional()?
            .unwrap_or_default())
    }

    fn link(&self, id: Id) -> Result<Option<LinkView>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {LINK_COLUMNS} FROM bank_links WHERE id = ?1"
            ))?
            .query_row([id.n], link_from_row)
            .optional()?)
    }

    fn primary_link(&self, member: Id) -> Result<Option<LinkView>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {LINK_COLUMNS} FROM bank_links
                 WHERE member = ?1 AND status = 'active' AND is_primary = 1"
            ))?
            .query_row([member.n], link_from_row)
            .optional()?)
    }

    fn links(&self, member: Id) -> Result<Vec<LinkView>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LINK_COLUMNS} FROM bank_links WHERE member = ?1 AND status = 'active' ORDER BY id"
        ))?;
        let rows = stmt.query_map([member.n], link_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn merchant(&self, reference: &str) -> Result<Option<MerchantView>> {
        let found = match Id::parse_kind(reference, Kind::Merchant) {
            Some(id) => self
                .conn
                .prepare_cached(
                    "SELECT id, code, fee_rate, bank, account, deficit_minor FROM merchants
                     WHERE id = ?1",
                )?
                .query_row([id.n], merchant_row)
                .optional()?,
            None => self
                .conn
                .prepare_cached(
                    "SELECT id, code, fee_rate, bank, account, deficit_minor FROM merchants
                     WHERE code_key = ?1",
                )?
                .query_row([reference.to_lowercase()], merchant_row)
                .optional()?,
        };
        found.map(merchant_view).transpose()
    }

    fn code_taken(&self, code: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM merchants WHERE code_key = ?1")?
            .exists([code.to_lowercase()])?)
    }

    fn payment(&self, reference: &str) -> Result<Option<PaymentView>> {
        let found = match Id::parse_kind(reference, Kind::Payment) {
            Some(id) => self
                .conn
                .prepare_cached(&format!(
                    "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"
                ))?
                .query_row([id.n], payment_row)
                .optional()?,
            None => self
                .conn
                .prepare_cached(&format!(
                    "SELECT {PAYMENT_COLUMNS} FROM payments WHERE reference = ?1"
                ))?
                .query_row([reference], payment_row)
                .optional()?,
        };
        found.map(payment_view).transpose()
    }

    fn reference_taken(&self, reference: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM payments WHERE reference = ?1")?
            .exists([reference])?)
    }

    fn merchants_to_settle(&self, cutoff: Timestamp) -> Result<Vec<MerchantView>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, code, fee_rate, bank, account, deficit_minor FROM merchants m
             WHERE EXISTS (SELECT 1 FROM payments p WHERE p.merchant = m.id
                           AND p.settlement IS NULL AND p.status = 'captured' AND p.captured_at < ?1)
             ORDER BY id",
        )?;
        let rows = stmt
            .query_map([clock::to_storage(cutoff)], merchant_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(merchant_view).collect()
    }

    fn payments_to_settle(&self, merchant: Id, cutoff: Timestamp) -> Result<Vec<PaymentView>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments
             WHERE merchant = ?1 AND settlement IS NULL AND status = 'captured' AND captured_at < ?2
             ORDER BY id"
        ))?;
        let rows = stmt
            .query_map(params![merchant.n, clock::to_storage(cutoff)], payment_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(payment_view).collect()
    }

    fn last_id(&self, kind: Kind) -> Result<i64> {
        // Ids are the integer keys of their tables, never deleted: the largest is the last.
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
        Ok(self.conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
    }

    fn account_balance(&self, account: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT balance_minor FROM ledger_balances WHERE account = ?1")?
            .query_row([account], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }
}

impl StoreState for SqliteStore {
    fn settings(&self) -> Result<Option<Settings>> {
        let row = self
            .conn
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

    fn earliest_hold_expiry(&self) -> Result<Option<String>> {
        // One step down the partial index of open holds.
        Ok(self
            .conn
            .prepare_cached("SELECT MIN(expires_at) FROM payments WHERE status = 'authorized'")?
            .query_row([], |r| r.get(0))?)
    }

    fn holds_due(&self, at: &str) -> Result<Vec<HoldDue>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, member, amount_minor, expires_at FROM payments
             WHERE status = 'authorized' AND expires_at <= ?1 ORDER BY expires_at, id",
        )?;
        let rows = stmt.query_map([at], |r| {
            Ok(HoldDue {
                payment: r.get(0)?,
                member: r.get(1)?,
                amount_minor: r.get(2)?,
                expires_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
