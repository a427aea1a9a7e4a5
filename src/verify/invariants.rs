//! Invariants 1 and 2 (SPEC §5): every ledger transaction balances and all balances sum to zero;
//! no wallet is negative, and each equals its ledger account. Checked on the replayed read
//! models (`verify`: they equal the stored ones when the digests agree) or on the stored rows.

use std::collections::HashMap;

use crate::error::Result;
use crate::ids::{Id, Kind};
use crate::ledger::Account;
use crate::ports::{Maintenance, Value};
use crate::projections::rows::Table;
use crate::store::memory::{MemoryStore, RowSink};

/// The books as the invariants see them.
#[derive(Default)]
struct Books {
    /// Transactions whose postings do not sum to zero.
    unbalanced: u64,
    /// Accounts whose balance differs from the sum of their postings.
    drift: u64,
    /// Σ of every account's balance (i128: a sum of i64s cannot overflow it).
    total: i128,
    /// Wallets: (balance, held), and the balance of the member's ledger account.
    wallets: Vec<(i64, i64, i64)>,
}

impl Books {
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.unbalanced > 0 {
            problems.push(format!(
                "invariant 1: {} ledger transaction(s) do not balance",
                self.unbalanced
            ));
        }
        if self.total != 0 {
            problems.push(format!(
                "invariant 1: account balances sum to {} minor units, not 0",
                self.total
            ));
        }
        if self.drift > 0 {
            problems.push(format!(
                "invariant 1: {} account balance(s) differ from their postings",
                self.drift
            ));
        }
        let negative = self
            .wallets
            .iter()
            .filter(|(balance, held, _)| *balance < 0 || i128::from(*balance) < i128::from(*held))
            .count();
        if negative > 0 {
            problems.push(format!(
                "invariant 2: {negative} wallet(s) negative (balance or available)"
            ));
        }
        let mismatched = self
            .wallets
            .iter()
            .filter(|(balance, _, account)| i128::from(*balance) != -i128::from(*account))
            .count();
        if mismatched > 0 {
            problems.push(format!(
                "invariant 2: {mismatched} wallet(s) differ from their ledger account"
            ));
        }
        problems
    }
}

/// The invariants on a replay (each transaction was checked to balance as it was applied).
pub fn replayed<S: RowSink>(state: &MemoryStore<S>) -> Vec<String> {
    let balances: HashMap<&Account, i64> = state.balances().map(|(a, b)| (a, *b)).collect();
    let books = Books {
        total: balances.values().map(|b| i128::from(*b)).sum(),
        wallets: state
            .wallets()
            .map(|w| {
                let account = Account::Wallet(Id::new(Kind::Member, w.member));
                (
                    w.balance_minor,
                    w.held_minor,
                    balances.get(&account).copied().unwrap_or(0),
                )
            })
            .collect(),
        ..Books::default()
    };
    books.problems()
}

/// The invariants on the stored rows: postings, balances and wallets as the store holds them.
pub fn stored(store: &dyn Maintenance) -> Result<Vec<String>> {
    let mut books = Books::default();
    let mut posted: HashMap<String, i128> = HashMap::new();
    let mut current: Option<(i64, i128)> = None;
    store.scan_table(Table::LedgerPostings, &mut |row| {
        if let [Value::Int(seq), _, Value::Text(account), Value::Int(amount)] = row {
            *posted.entry(account.clone()).or_default() += i128::from(*amount);
            match &mut current {
                Some((s, sum)) if s == seq => *sum += i128::from(*amount),
                _ => {
                    if current.is_some_and(|(_, sum)| sum != 0) {
                        books.unbalanced += 1;
                    }
                    current = Some((*seq, i128::from(*amount)));
                }
            }
        } else {
            books.unbalanced += 1; // a row payctl did not write
        }
        Ok(true)
    })?;
    if current.is_some_and(|(_, sum)| sum != 0) {
        books.unbalanced += 1;
    }
    let mut balances: HashMap<String, i64> = HashMap::new();
    store.scan_table(Table::LedgerBalances, &mut |row| {
        if let [Value::Text(account), Value::Int(balance)] = row {
            books.total += i128::from(*balance);
            if posted.remove(account).unwrap_or(0) != i128::from(*balance) {
                books.drift += 1;
            }
            balances.insert(account.clone(), *balance);
        } else {
            books.drift += 1;
        }
        Ok(true)
    })?;
    books.drift += posted.values().filter(|sum| **sum != 0).count() as u64;
    store.scan_table(Table::Wallets, &mut |row| {
        if let [Value::Int(member), Value::Int(balance), Value::Int(held)] = row {
            let account = Account::Wallet(Id::new(Kind::Member, *member)).to_string();
            let ledger = balances.get(&account).copied().unwrap_or(0);
            books.wallets.push((*balance, *held, ledger));
        } else {
            books.wallets.push((-1, 0, 0)); // a row payctl did not write
        }
        Ok(true)
    })?;
    Ok(books.problems())
}
