//! The double-entry view (SPEC §4): which events move money, and their balanced postings.
//! Signs as in hledger: assets positive, liabilities and income negative.

use crate::event::{Destination, Event};
use crate::ids::Id;
use crate::money::Currency;

pub const HOUSE: &str = "assets:bank:house";
pub const FEES: &str = "income:fees";

pub fn wallet_account(member: &Id) -> String {
    format!("liabilities:wallets:{member}")
}

pub fn merchant_account(merchant: &Id) -> String {
    format!("liabilities:merchants:{merchant}")
}

/// One ledger transaction: a description and postings that sum to zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub description: String,
    pub postings: Vec<(String, i64)>,
}

/// The transaction an event records, if it moves money. Zero postings are omitted.
pub fn transaction(event: &Event, currency: Currency) -> Option<Transaction> {
    let m = |a: &crate::money::Amount| a.to_minor(currency);
    let tx = |description: String, postings: Vec<(String, i64)>| {
        let postings: Vec<_> = postings.into_iter().filter(|(_, v)| *v != 0).collect();
        (!postings.is_empty()).then_some(Transaction {
            description,
            postings,
        })
    };
    match event {
        Event::RechargeCompleted {
            recharge,
            member,
            amount,
            ..
        } => tx(
            format!("{recharge} recharge {member}"),
            vec![
                (HOUSE.into(), m(amount)),
                (wallet_account(member), -m(amount)),
            ],
        ),
        Event::WithdrawalCompleted {
            withdrawal,
            member,
            amount,
            ..
        } => tx(
            format!("{withdrawal} withdraw {member}"),
            vec![
                (wallet_account(member), m(amount)),
                (HOUSE.into(), -m(amount)),
            ],
        ),
        Event::RemittanceCompleted {
            remittance,
            from,
            to,
            amount,
            ..
        } => match to {
            Destination::Member(to) => tx(
                format!("{remittance} remit {from} to {to}"),
                vec![
                    (wallet_account(from), m(amount)),
                    (wallet_account(to), -m(amount)),
                ],
            ),
            Destination::Bank(acct) => tx(
                format!("{remittance} remit {from} to {acct}"),
                vec![
                    (wallet_account(from), m(amount)),
                    (HOUSE.into(), -m(amount)),
                ],
            ),
        },
        Event::PaymentCaptured {
            payment,
            member,
            merchant,
            amount,
            ..
        }
        | Event::HoldCaptured {
            payment,
            member,
            merchant,
            amount,
            ..
        } => tx(
            format!("{payment} capture {member} at {merchant}"),
            vec![
                (wallet_account(member), m(amount)),
                (merchant_account(merchant), -m(amount)),
            ],
        ),
        Event::RefundIssued {
            refund,
            payment,
            member,
            merchant,
            amount,
            ..
        } => tx(
            format!("{refund} refund {payment} to {member}"),
            vec![
                (merchant_account(merchant), m(amount)),
                (wallet_account(member), -m(amount)),
            ],
        ),
        Event::SettlementCompleted(f) => {
            let fee = m(&f.fee);
            let payout = f.payout_minor.max(0);
            tx(
                format!("{} settle {}", f.settlement, f.merchant),
                vec![
                    (merchant_account(&f.merchant), fee),
                    (FEES.into(), -fee),
                    (merchant_account(&f.merchant), payout),
                    (HOUSE.into(), -payout),
                ],
            )
        }
        _ => None,
    }
}
