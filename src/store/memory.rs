//! The read models in memory: what `verify`, `rebuild` and the as-of queries fold the log into.
//! Rows that change (members, wallets, payments, …) are kept in maps; rows written once and
//! never changed (statements, postings, requests, …) go to a `RowSink` as they are made: hashed
//! into a digest (`verify`), loaded into a store (`rebuild`), kept, or dropped. The fold is the
//! same one live commands run; only where its rows go differs.

mod kept;
mod sinks;

use std::collections::{HashMap, HashSet};

use self::kept::Kept;
use crate::error::{Error, ErrorCode, Result};
use crate::event::BankAccount;
use crate::ledger::Account;
use crate::money::FeeRate;
use crate::ports::{
    BankingModel, LedgerModel, MembersModel, MerchantsModel, PaymentsModel, SettlementsModel,
    WalletsModel,
};
use crate::projections::rows::{
    BalanceRow, FirmBankingRow, LinkRow, MemberRow, MerchantRow, PaymentRow, PaymentState,
    PostingRow, RefundRow, RemittanceRow, SettingsRow, SettlementPaymentRow, SettlementRow,
    SimAccountRow, StatementLine, TransactionRow, TransferRow, WalletRow,
};

pub use sinks::{Buffering, Digesting, Dropping, Keeping, RowBatch, RowSink};

/// Maps keyed by ids and names from the store: a fast hash, seeded per process.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type Set<K> = HashSet<K, foldhash::fast::RandomState>;

/// The read models in memory; write-once rows go to `S`.
pub struct MemoryStore<S: RowSink> {
    sink: S,
    settings: Option<SettingsRow>,
    members: Map<i64, MemberRow>,
    email_keys: Set<String>,
    wallets: Map<i64, WalletRow>,
    links: Map<i64, LinkRow>,
    sims: Map<BankAccount, SimAccountRow>,
    merchants: Map<i64, MerchantRow>,
    code_keys: Set<String>,
    payments: Kept<PaymentRow>,
    balances: Map<Account, i64>,
}

impl<S: RowSink> MemoryStore<S> {
    pub fn new(sink: S) -> MemoryStore<S> {
        MemoryStore {
            sink,
            settings: None,
            members: Map::default(),
            email_keys: Set::default(),
            wallets: Map::default(),
            links: Map::default(),
            sims: Map::default(),
            merchants: Map::default(),
            code_keys: Set::default(),
            payments: Kept::default(),
            balances: Map::default(),
        }
    }

    pub fn sink(&self) -> &S {
        &self.sink
    }

    pub fn sink_mut(&mut self) -> &mut S {
        &mut self.sink
    }

    /// Hands every kept row to the sink (the write-once ones went as they were made) and
    /// returns it: the whole read models have then passed through it.
    pub fn finish(mut self) -> Result<S> {
        if let Some(row) = &self.settings {
            self.sink.row(row)?;
        }
        for row in self.members.values() {
            self.sink.row(row)?;
        }
        for row in self.wallets.values() {
            self.sink.row(row)?;
        }
        for row in self.links.values() {
            self.sink.row(row)?;
        }
        for row in self.sims.values() {
            self.sink.row(row)?;
        }
        for row in self.merchants.values() {
            self.sink.row(row)?;
        }
        for (_, row) in self.payments.iter() {
            self.sink.row(row)?;
        }
        for (account, balance) in &self.balances {
            self.sink.row(&BalanceRow {
                account: *account,
                balance_minor: *balance,
            })?;
        }
        Ok(self.sink)
    }

    // Reads of the state folded so far (the as-of queries and verify's invariants).

    pub fn wallet(&self, member: i64) -> Option<WalletRow> {
        self.wallets.get(&member).copied()
    }

    pub fn wallets(&self) -> impl Iterator<Item = &WalletRow> {
        self.wallets.values()
    }

    pub fn balances(&self) -> impl Iterator<Item = (&Account, &i64)> {
        self.balances.iter()
    }

    /// The member's authorized holds: amount and expiry (storage form).
    pub fn open_holds(&self, member: i64) -> impl Iterator<Item = (i64, &str)> {
        self.payments
            .iter()
            .filter(move |(_, p)| p.member == member && p.state == PaymentState::Authorized)
            .map(|(_, p)| (p.amount_minor, p.expires_at.as_deref().unwrap_or("")))
    }

    pub fn settings(&self) -> Option<&SettingsRow> {
        self.settings.as_ref()
    }
}

fn duplicate(what: &str) -> Error {
    Error::new(
        ErrorCode::StoreCorrupt,
        format!("the log records a {what} twice"),
    )
}

impl<S: RowSink> MembersModel for MemoryStore<S> {
    fn put_settings(&mut self, row: &SettingsRow) -> Result<()> {
        if self.settings.is_some() {
            return Err(duplicate("store initialization"));
        }
        self.settings = Some(row.clone());
        Ok(())
    }

    fn add_member(&mut self, row: &MemberRow) -> Result<()> {
        if self.members.contains_key(&row.id) || !self.email_keys.insert(row.email_key.clone()) {
            return Err(duplicate("member or email"));
        }
        self.members.insert(row.id, row.clone());
        Ok(())
    }

    fn rename_member(
        &mut self,
        member: i64,
        name: Option<&str>,
        address: Option<&str>,
    ) -> Result<bool> {
        let Some(m) = self.members.get_mut(&member) else {
            return Ok(false);
        };
        if let Some(name) = name {
            m.name = name.to_string();
        }
        if let Some(address) = address {
            m.address = Some(address.to_string());
        }
        Ok(true)
    }

    fn set_member_active(&mut self, member: i64, active: bool) -> Result<bool> {
        Ok(self
            .members
            .get_mut(&member)
            .map(|m| m.active = active)
            .is_some())
    }

    fn add_link(&mut self, row: &LinkRow) -> Result<()> {
        if self.links.insert(row.id, row.clone()).is_some() {
            return Err(duplicate("bank link"));
        }
        Ok(())
    }

    fn unlink(&mut self, link: i64) -> Result<bool> {
        Ok(self
            .links
            .get_mut(&link)
            .map(|l| {
                l.active = false;
                l.primary = false;
            })
            .is_some())
    }

    fn make_primary(&mut self, link: i64) -> Result<bool> {
        Ok(self
            .links
            .get_mut(&link)
            .map(|l| l.primary = true)
            .is_some())
    }
}

impl<S: RowSink> BankingModel for MemoryStore<S> {
    fn configure_sim(
        &mut self,
        account: &BankAccount,
        balance_minor: Option<i64>,
        closed: Option<bool>,
    ) -> Result<()> {
        let sim = self
            .sims
            .entry(account.clone())
            .or_insert_with(|| SimAccountRow {
                account: account.clone(),
                balance_minor: None,
                closed: false,
            });
        if balance_minor.is_some() {
            sim.balance_minor = balance_minor;
        }
        if let Some(closed) = closed {
            sim.closed = closed;
        }
        Ok(())
    }

    fn move_sim_balance(&mut self, account: &BankAccount, delta_minor: i64) -> Result<()> {
        match self
            .sims
            .get_mut(account)
            .and_then(|s| s.balance_minor.as_mut())
        {
            Some(balance) => add(balance, delta_minor, "simulated account's balance"),
            None => Ok(()),
        }
    }

    fn add_firm_banking(&mut self, row: &FirmBankingRow<'_>) -> Result<()> {
        self.sink.row(row)
    }
}

impl<S: RowSink> WalletsModel for MemoryStore<S> {
    fn open_wallet(&mut self, member: i64) -> Result<()> {
        let wallet = WalletRow {
            member,
            ..WalletRow::default()
        };
        if self.wallets.insert(member, wallet).is_some() {
            return Err(duplicate("wallet"));
        }
        Ok(())
    }

    fn move_wallet(
        &mut self,
        member: i64,
        balance_delta: i64,
        held_delta: i64,
    ) -> Result<Option<i64>> {
        let Some(w) = self.wallets.get_mut(&member) else {
            return Ok(None);
        };
        add(&mut w.balance_minor, balance_delta, "wallet balance")?;
        add(&mut w.held_minor, held_delta, "wallet's held amount")?;
        Ok(Some(w.balance_minor))
    }

    fn add_statement_line(&mut self, line: &StatementLine<'_>) -> Result<()> {
        self.sink.row(line)
    }

    fn add_transfer(&mut self, row: &TransferRow<'_>) -> Result<()> {
        self.sink.row(row)
    }

    fn add_remittance(&mut self, row: &RemittanceRow<'_>) -> Result<()> {
        self.sink.row(row)
    }
}

impl<S: RowSink> MerchantsModel for MemoryStore<S> {
    fn add_merchant(&mut self, row: &MerchantRow) -> Result<()> {
        if self.merchants.contains_key(&row.id) || !self.code_keys.insert(row.code_key.clone()) {
            return Err(duplicate("merchant or code"));
        }
        self.merchants.insert(row.id, row.clone());
        Ok(())
    }

    fn change_terms(
        &mut self,
        merchant: i64,
        fee_rate: Option<FeeRate>,
        account: Option<&BankAccount>,
    ) -> Result<bool> {
        let Some(m) = self.merchants.get_mut(&merchant) else {
            return Ok(false);
        };
        if let Some(rate) = fee_rate {
            m.fee_rate = rate;
        }
        if let Some(account) = account {
            m.account = account.clone();
        }
        Ok(true)
    }

    fn add_deficit(&mut self, merchant: i64, amount_minor: i64) -> Result<bool> {
        match self.merchants.get_mut(&merchant) {
            Some(m) => add(&mut m.deficit_minor, amount_minor, "merchant's deficit").map(|()| true),
            None => Ok(false),
        }
    }

    fn settled(&mut self, merchant: i64, carried_minor: i64, settlement: i64) -> Result<bool> {
        Ok(self
            .merchants
            .get_mut(&merchant)
            .map(|m| {
                m.deficit_minor = carried_minor;
                m.last_settlement = Some(settlement);
            })
            .is_some())
    }
}

impl<S: RowSink> PaymentsModel for MemoryStore<S> {
    fn add_payment(&mut self, row: PaymentRow) -> Result<()> {
        if !self.payments.insert(row.id, row) {
            return Err(duplicate("payment"));
        }
        Ok(())
    }

    fn capture_hold(&mut self, payment: i64, captured_minor: i64, at: &str) -> Result<bool> {
        Ok(self
            .payments
            .get_mut(payment)
            .map(|p| {
                p.state = PaymentState::Captured;
                p.captured_minor = captured_minor;
                p.captured_at = Some(at.to_string());
            })
            .is_some())
    }

    fn close_hold(&mut self, payment: i64, state: PaymentState, at: &str) -> Result<bool> {
        Ok(self
            .payments
            .get_mut(payment)
            .map(|p| {
                p.state = state;
                p.closed_at = Some(at.to_string());
            })
            .is_some())
    }

    fn add_refund(&mut self, row: &RefundRow<'_>) -> Result<()> {
        self.sink.row(row)
    }

    fn add_refunded(&mut self, payment: i64, amount_minor: i64) -> Result<bool> {
        match self.payments.get_mut(payment) {
            Some(p) => add(&mut p.refunded_minor, amount_minor, "payment's refunds").map(|()| true),
            None => Ok(false),
        }
    }

    fn mark_settled(&mut self, payment: i64, settlement: i64) -> Result<bool> {
        Ok(self
            .payments
            .get_mut(payment)
            .map(|p| p.settlement = Some(settlement))
            .is_some())
    }
}

impl<S: RowSink> SettlementsModel for MemoryStore<S> {
    fn add_settlement(&mut self, row: &SettlementRow<'_>) -> Result<()> {
        self.sink.row(row)
    }

    fn add_settlement_payment(&mut self, row: &SettlementPaymentRow) -> Result<()> {
        self.sink.row(row)
    }
}

impl<S: RowSink> LedgerModel for MemoryStore<S> {
    fn add_transaction(&mut self, row: &TransactionRow<'_>) -> Result<()> {
        self.sink.row(row)
    }

    fn add_posting(&mut self, row: &PostingRow) -> Result<()> {
        self.sink.row(row)
    }

    fn add_to_balance(&mut self, account: Account, delta_minor: i64) -> Result<()> {
        add(
            self.balances.entry(account).or_default(),
            delta_minor,
            "ledger balance",
        )
    }
}

/// `total + delta`, or `store_corrupt`: only an edited log makes a balance overflow.
fn add(total: &mut i64, delta: i64, what: &str) -> Result<()> {
    *total = total
        .checked_add(delta)
        .ok_or_else(|| Error::new(ErrorCode::StoreCorrupt, format!("the {what} overflows")))?;
    Ok(())
}
