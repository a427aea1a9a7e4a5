//! What the rules read (`StateView`) and what the write path reads besides (`StoreState`), over
//! the read models, inside the command's own transaction.

use super::{Param, SqlConn, SqlRow, SqlStore};
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

impl<C: SqlConn> SqlStore<C> {
    /// A member reference: `mem_N` or an email (compared as `email_key` compares them).
    pub(super) fn member_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Member) {
            return Ok(Some(id));
        }
        let key = email_key(reference);
        Ok(self
            .one(
                "SELECT id FROM members WHERE email_key = ?1",
                &[Param::Text(&key)],
                |r| r.int(0),
            )?
            .map(|n| Id::new(Kind::Member, n)))
    }

    /// A merchant reference: `mer_N` or its code (case-insensitive).
    pub(super) fn merchant_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Merchant) {
            return Ok(Some(id));
        }
        let key = reference.to_lowercase();
        Ok(self
            .one(
                "SELECT id FROM merchants WHERE code_key = ?1",
                &[Param::Text(&key)],
                |r| r.int(0),
            )?
            .map(|n| Id::new(Kind::Merchant, n)))
    }

    /// A payment reference: `pay_N` or the `ref` given when it was made.
    pub(super) fn payment_id(&self, reference: &str) -> Result<Option<Id>> {
        if let Some(id) = Id::parse_kind(reference, Kind::Payment) {
            return Ok(Some(id));
        }
        Ok(self
            .one(
                "SELECT id FROM payments WHERE reference = ?1",
                &[reference.into()],
                |r| r.int(0),
            )?
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

const LINK_COLUMNS: &str = "id, member, bank, account, is_primary, status";

fn link_view(r: &dyn SqlRow) -> Result<LinkView> {
    Ok(LinkView {
        id: Id::new(Kind::Link, r.int(0)?),
        member: Id::new(Kind::Member, r.int(1)?),
        account: BankAccount {
            bank: r.text(2)?.to_string(),
            account: r.text(3)?.to_string(),
        },
        primary: r.flag(4)?,
        active: r.text(5)? == "active",
    })
}

const PAYMENT_COLUMNS: &str = "id, member, merchant, amount_minor, captured_minor, refunded_minor, \
                               fee_rate, status, held, expires_at, settlement";

fn payment_view(r: &dyn SqlRow) -> Result<PaymentView> {
    Ok(PaymentView {
        id: Id::new(Kind::Payment, r.int(0)?),
        member: Id::new(Kind::Member, r.int(1)?),
        merchant: Id::new(Kind::Merchant, r.int(2)?),
        amount_minor: r.int(3)?,
        captured_minor: r.int(4)?,
        refunded_minor: r.int(5)?,
        fee_rate: fee_rate(r.text(6)?)?,
        status: PaymentStatus::parse(r.text(7)?).ok_or_else(|| corrupt("payment status"))?,
        held: r.flag(8)?,
        expires_at: r
            .opt_text(9)?
            .map(|e| clock::from_storage(e).ok_or_else(|| corrupt("time")))
            .transpose()?,
        settled: r.opt_int(10)?.is_some(),
    })
}

const MERCHANT_COLUMNS: &str = "id, code, fee_rate, bank, account, deficit_minor";

fn merchant_view(r: &dyn SqlRow) -> Result<MerchantView> {
    Ok(MerchantView {
        id: Id::new(Kind::Merchant, r.int(0)?),
        code: r.text(1)?.to_string(),
        fee_rate: fee_rate(r.text(2)?)?,
        account: BankAccount {
            bank: r.text(3)?.to_string(),
            account: r.text(4)?.to_string(),
        },
        deficit_minor: r.int(5)?,
    })
}

fn member_view(r: &dyn SqlRow) -> Result<MemberView> {
    Ok(MemberView {
        id: Id::new(Kind::Member, r.int(0)?),
        name: r.text(1)?.to_string(),
        email: r.text(2)?.to_string(),
        active: r.text(3)? == "active",
    })
}

impl<C: SqlConn> SimAccounts for SqlStore<C> {
    fn sim_account(&self, account: &BankAccount) -> Result<SimAccount> {
        Ok(self
            .one(
                "SELECT balance_minor, closed FROM sim_accounts WHERE bank = ?1 AND account = ?2",
                &[Param::Text(&account.bank), Param::Text(&account.account)],
                |r| {
                    Ok(SimAccount {
                        balance_minor: r.opt_int(0)?,
                        closed: r.flag(1)?,
                    })
                },
            )?
            .unwrap_or_default())
    }
}

impl<C: SqlConn> StateView for SqlStore<C> {
    fn member(&self, reference: &str) -> Result<Option<MemberView>> {
        // One lookup, by id or by email: this runs for nearly every command.
        match Id::parse_kind(reference, Kind::Member) {
            Some(id) => self.one(
                "SELECT id, name, email, status FROM members WHERE id = ?1",
                &[id.n.into()],
                member_view,
            ),
            None => {
                let key = email_key(reference);
                self.one(
                    "SELECT id, name, email, status FROM members WHERE email_key = ?1",
                    &[Param::Text(&key)],
                    member_view,
                )
            }
        }
    }

    fn email_taken(&self, email: &str) -> Result<bool> {
        let key = email_key(email);
        self.exists(
            "SELECT 1 FROM members WHERE email_key = ?1",
            &[Param::Text(&key)],
        )
    }

    fn wallet(&self, member: Id) -> Result<WalletView> {
        Ok(self
            .one(
                "SELECT balance_minor, held_minor FROM wallets WHERE member = ?1",
                &[member.n.into()],
                |r| {
                    Ok(WalletView {
                        balance_minor: r.int(0)?,
                        held_minor: r.int(1)?,
                    })
                },
            )?
            .unwrap_or_default())
    }

    fn link(&self, id: Id) -> Result<Option<LinkView>> {
        self.one(
            &format!("SELECT {LINK_COLUMNS} FROM bank_links WHERE id = ?1"),
            &[id.n.into()],
            link_view,
        )
    }

    fn primary_link(&self, member: Id) -> Result<Option<LinkView>> {
        self.one(
            &format!(
                "SELECT {LINK_COLUMNS} FROM bank_links
                 WHERE member = ?1 AND status = 'active' AND is_primary = 1"
            ),
            &[member.n.into()],
            link_view,
        )
    }

    fn links(&self, member: Id) -> Result<Vec<LinkView>> {
        self.all(
            &format!(
                "SELECT {LINK_COLUMNS} FROM bank_links WHERE member = ?1 AND status = 'active'
                 ORDER BY id"
            ),
            &[member.n.into()],
            link_view,
        )
    }

    fn merchant(&self, reference: &str) -> Result<Option<MerchantView>> {
        match Id::parse_kind(reference, Kind::Merchant) {
            Some(id) => self.one(
                &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE id = ?1"),
                &[id.n.into()],
                merchant_view,
            ),
            None => {
                let key = reference.to_lowercase();
                self.one(
                    &format!("SELECT {MERCHANT_COLUMNS} FROM merchants WHERE code_key = ?1"),
                    &[Param::Text(&key)],
                    merchant_view,
                )
            }
        }
    }

    fn code_taken(&self, code: &str) -> Result<bool> {
        let key = code.to_lowercase();
        self.exists(
            "SELECT 1 FROM merchants WHERE code_key = ?1",
            &[Param::Text(&key)],
        )
    }

    fn payment(&self, reference: &str) -> Result<Option<PaymentView>> {
        match Id::parse_kind(reference, Kind::Payment) {
            Some(id) => self.one(
                &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"),
                &[id.n.into()],
                payment_view,
            ),
            None => self.one(
                &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE reference = ?1"),
                &[reference.into()],
                payment_view,
            ),
        }
    }

    fn reference_taken(&self, reference: &str) -> Result<bool> {
        self.exists(
            "SELECT 1 FROM payments WHERE reference = ?1",
            &[reference.into()],
        )
    }

    fn merchants_to_settle(&self, cutoff: Timestamp) -> Result<Vec<MerchantView>> {
        let cutoff = clock::to_storage(cutoff);
        self.all(
            &format!(
                "SELECT {MERCHANT_COLUMNS} FROM merchants m
                 WHERE EXISTS (SELECT 1 FROM payments p WHERE p.merchant = m.id
                               AND p.settlement IS NULL AND p.status = 'captured'
                               AND p.captured_at < ?1)
                 ORDER BY id"
            ),
            &[Param::Text(&cutoff)],
            merchant_view,
        )
    }

    fn payments_to_settle(&self, merchant: Id, cutoff: Timestamp) -> Result<Vec<PaymentView>> {
        let cutoff = clock::to_storage(cutoff);
        self.all(
            &format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments
                 WHERE merchant = ?1 AND settlement IS NULL AND status = 'captured'
                   AND captured_at < ?2
                 ORDER BY id"
            ),
            &[merchant.n.into(), Param::Text(&cutoff)],
            payment_view,
        )
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
        self.scalar(sql, &[])
    }

    fn account_balance(&self, account: &str) -> Result<i64> {
        self.scalar(
            "SELECT balance_minor FROM ledger_balances WHERE account = ?1",
            &[account.into()],
        )
    }
}

impl<C: SqlConn> StoreState for SqlStore<C> {
    fn settings(&self) -> Result<Option<Settings>> {
        let row = self.one(
            "SELECT store_id, currency, auto_recharge_unit_minor, hold_expiry_secs, house_bank,
                    house_account FROM settings WHERE id = 1",
            &[],
            |r| {
                Ok((
                    r.text(0)?.to_string(),
                    r.text(1)?.to_string(),
                    r.int(2)?,
                    r.int(3)?,
                    r.text(4)?.to_string(),
                    r.text(5)?.to_string(),
                ))
            },
        )?;
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
            .one(
                "SELECT MIN(expires_at) FROM payments WHERE status = 'authorized'",
                &[],
                |r| Ok(r.opt_text(0)?.map(str::to_string)),
            )?
            .flatten())
    }

    fn holds_due(&self, at: &str) -> Result<Vec<HoldDue>> {
        self.all(
            "SELECT id, member, amount_minor, expires_at FROM payments
             WHERE status = 'authorized' AND expires_at <= ?1 ORDER BY expires_at, id",
            &[at.into()],
            |r| {
                Ok(HoldDue {
                    payment: r.int(0)?,
                    member: r.int(1)?,
                    amount_minor: r.int(2)?,
                    expires_at: r.text(3)?.to_string(),
                })
            },
        )
    }
}
