//! The double-entry view (SPEC §4): which events move money, and their balanced postings.
//! Signs as in hledger: assets positive, liabilities and income negative.
#![deny(clippy::wildcard_enum_match_arm)] // every kind of event is decided on, by name

use crate::event::{Destination, Event};
use crate::ids::Id;
use crate::money::Currency;

pub const HOUSE: &str = "assets:bank:house";
pub const FEES: &str = "income:fees";

/// A ledger account. Its `Display` is its name in the books and the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Account {
    House,
    Fees,
    Wallet(Id),
    Merchant(Id),
}

impl Account {
    /// The account's name as fixed words and the id that ends it, if any: the one spelling
    /// `Display` and `verify`'s row hashing both write.
    pub fn name_parts(&self) -> (&'static str, Option<&Id>) {
        match self {
            Account::House => (HOUSE, None),
            Account::Fees => (FEES, None),
            Account::Wallet(member) => ("liabilities:wallets:", Some(member)),
            Account::Merchant(merchant) => ("liabilities:merchants:", Some(merchant)),
        }
    }
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (words, id) = self.name_parts();
        f.write_str(words)?;
        match id {
            Some(id) => write!(f, "{id}"),
            None => Ok(()),
        }
    }
}

pub fn wallet_account(member: &Id) -> String {
    Account::Wallet(*member).to_string()
}

pub fn merchant_account(merchant: &Id) -> String {
    Account::Merchant(*merchant).to_string()
}

/// One ledger transaction: a description and postings that sum to zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub description: String,
    pub postings: Vec<(String, i64)>,
}

/// The transaction an event records, if it moves money. Zero postings are omitted.
pub fn transaction(event: &Event, currency: Currency) -> Option<Transaction> {
    let movement = movement(event, currency)?;
    Some(Transaction {
        description: movement.description().to_string(),
        postings: movement
            .postings()
            .iter()
            .map(|(account, amount)| (account.to_string(), *amount))
            .collect(),
    })
}

/// An event's transaction before anything is formatted or allocated (what `verify`'s fold
/// reads, a million times over): at most four postings, none zero.
pub struct Movement<'a> {
    event: &'a Event,
    postings: [(Account, i64); 4],
    len: usize,
}

impl<'a> Movement<'a> {
    pub fn postings(&self) -> &[(Account, i64)] {
        &self.postings[..self.len]
    }

    /// The description, formatted when displayed.
    pub fn description(&self) -> Description<'a> {
        Description(self.event)
    }
}

/// The transaction an event records, if it moves money. Zero postings are omitted.
pub fn movement(event: &Event, currency: Currency) -> Option<Movement<'_>> {
    let m = |a: &crate::money::Amount| a.to_minor(currency);
    let postings: &[(Account, i64)] = match event {
        Event::RechargeCompleted { member, amount, .. } => &[
            (Account::House, m(amount)),
            (Account::Wallet(*member), -m(amount)),
        ],
        Event::WithdrawalCompleted { member, amount, .. } => &[
            (Account::Wallet(*member), m(amount)),
            (Account::House, -m(amount)),
        ],
        Event::RemittanceCompleted {
            from, to, amount, ..
        } => {
            let to = match to {
                Destination::Member(to) => Account::Wallet(*to),
                Destination::Bank(_) => Account::House,
            };
            &[(Account::Wallet(*from), m(amount)), (to, -m(amount))]
        }
        Event::PaymentCaptured {
            member,
            merchant,
            amount,
            ..
        }
        | Event::HoldCaptured {
            member,
            merchant,
            amount,
            ..
        } => &[
            (Account::Wallet(*member), m(amount)),
            (Account::Merchant(*merchant), -m(amount)),
        ],
        Event::RefundIssued {
            member,
            merchant,
            amount,
            ..
        } => &[
            (Account::Merchant(*merchant), m(amount)),
            (Account::Wallet(*member), -m(amount)),
        ],
        Event::SettlementCompleted(f) => {
            let fee = m(&f.fee);
            let payout = f.payout_minor.max(0);
            &[
                (Account::Merchant(f.merchant), fee),
                (Account::Fees, -fee),
                (Account::Merchant(f.merchant), payout),
                (Account::House, -payout),
            ]
        }
        // These move no money (a hold is not a posting; a failed transfer moved nothing).
        Event::StoreInitialized { .. }
        | Event::MemberRegistered { .. }
        | Event::MemberUpdated { .. }
        | Event::MemberDeactivated { .. }
        | Event::MemberReactivated { .. }
        | Event::BankAccountLinked { .. }
        | Event::BankAccountUnlinked { .. }
        | Event::BankSimConfigured { .. }
        | Event::FirmBankingCompleted { .. }
        | Event::FirmBankingFailed { .. }
        | Event::RechargeFailed { .. }
        | Event::WithdrawalFailed { .. }
        | Event::RemittanceFailed { .. }
        | Event::MerchantRegistered { .. }
        | Event::MerchantUpdated { .. }
        | Event::PaymentAuthorized { .. }
        | Event::HoldVoided { .. }
        | Event::HoldExpired { .. }
        | Event::SettlementFailed { .. } => return None,
    };
    let mut movement = Movement {
        event,
        postings: [(Account::House, 0); 4],
        len: 0,
    };
    for &(account, amount) in postings.iter().filter(|(_, v)| *v != 0) {
        movement.postings[movement.len] = (account, amount);
        movement.len += 1;
    }
    (movement.len > 0).then_some(movement)
}

/// A transaction's description, written out only when displayed.
pub struct Description<'a>(&'a Event);

/// A piece of a description: an id, a bank account, or fixed words.
pub enum Part<'a> {
    Id(&'a Id),
    Bank(&'a crate::event::BankAccount),
    Words(&'static str),
}

impl<'a> Description<'a> {
    /// The description, piece by piece (at most five pieces).
    pub fn parts(&self) -> [Option<Part<'a>>; 5] {
        use Part::{Id as I, Words as W};
        match self.0 {
            Event::RechargeCompleted {
                recharge, member, ..
            } => [
                Some(I(recharge)),
                Some(W(" recharge ")),
                Some(I(member)),
                None,
                None,
            ],
            Event::WithdrawalCompleted {
                withdrawal, member, ..
            } => [
                Some(I(withdrawal)),
                Some(W(" withdraw ")),
                Some(I(member)),
                None,
                None,
            ],
            Event::RemittanceCompleted {
                remittance,
                from,
                to,
                ..
            } => {
                let to = match to {
                    Destination::Member(to) => I(to),
                    Destination::Bank(acct) => Part::Bank(acct),
                };
                [
                    Some(I(remittance)),
                    Some(W(" remit ")),
                    Some(I(from)),
                    Some(W(" to ")),
                    Some(to),
                ]
            }
            Event::PaymentCaptured {
                payment,
                member,
                merchant,
                ..
            }
            | Event::HoldCaptured {
                payment,
                member,
                merchant,
                ..
            } => [
                Some(I(payment)),
                Some(W(" capture ")),
                Some(I(member)),
                Some(W(" at ")),
                Some(I(merchant)),
            ],
            Event::RefundIssued {
                refund,
                payment,
                member,
                ..
            } => [
                Some(I(refund)),
                Some(W(" refund ")),
                Some(I(payment)),
                Some(W(" to ")),
                Some(I(member)),
            ],
            Event::SettlementCompleted(s) => [
                Some(I(&s.settlement)),
                Some(W(" settle ")),
                Some(I(&s.merchant)),
                None,
                None,
            ],
            // `movement` makes descriptions only of the events above.
            other @ (Event::StoreInitialized { .. }
            | Event::MemberRegistered { .. }
            | Event::MemberUpdated { .. }
            | Event::MemberDeactivated { .. }
            | Event::MemberReactivated { .. }
            | Event::BankAccountLinked { .. }
            | Event::BankAccountUnlinked { .. }
            | Event::BankSimConfigured { .. }
            | Event::FirmBankingCompleted { .. }
            | Event::FirmBankingFailed { .. }
            | Event::RechargeFailed { .. }
            | Event::WithdrawalFailed { .. }
            | Event::RemittanceFailed { .. }
            | Event::MerchantRegistered { .. }
            | Event::MerchantUpdated { .. }
            | Event::PaymentAuthorized { .. }
            | Event::HoldVoided { .. }
            | Event::HoldExpired { .. }
            | Event::SettlementFailed { .. }) => [Some(W(other.kind())), None, None, None, None],
        }
    }
}

impl std::fmt::Display for Description<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in self.parts().into_iter().flatten() {
            match part {
                Part::Id(id) => write!(f, "{id}")?,
                Part::Bank(account) => write!(f, "{account}")?,
                Part::Words(words) => f.write_str(words)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Kind;
    use crate::money::Amount;

    #[test]
    fn accounts_and_descriptions_read_as_in_the_journal() {
        let (member, merchant) = (Id::new(Kind::Member, 7), Id::new(Kind::Merchant, 2));
        assert_eq!(wallet_account(&member), "liabilities:wallets:mem_7");
        assert_eq!(merchant_account(&merchant), "liabilities:merchants:mer_2");
        let event = Event::HoldCaptured {
            payment: Id::new(Kind::Payment, 9),
            member,
            merchant,
            amount: Amount::from_minor(1500, Currency::Krw),
            released: Amount::from_minor(0, Currency::Krw),
        };
        let tx = transaction(&event, Currency::Krw).expect("a capture moves money");
        assert_eq!(tx.description, "pay_9 capture mem_7 at mer_2");
        assert_eq!(
            tx.postings,
            [
                ("liabilities:wallets:mem_7".to_string(), 1500),
                ("liabilities:merchants:mer_2".to_string(), -1500)
            ]
        );
        let zero = Event::HoldCaptured {
            payment: Id::new(Kind::Payment, 9),
            member,
            merchant,
            amount: Amount::from_minor(0, Currency::Krw),
            released: Amount::from_minor(1500, Currency::Krw),
        };
        assert!(
            movement(&zero, Currency::Krw).is_none(),
            "zero postings are omitted"
        );
    }
}
