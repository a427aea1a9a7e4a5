//! Merchants: fee rate in force, settlement account, and the deficit waiting for the next
//! settlement.

use super::{ApplyContext, found};
use crate::error::Result;
use crate::event::Event;
use crate::ports::MerchantsModel;
use crate::projections::rows::MerchantRow;

pub fn apply<P: MerchantsModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::MerchantRegistered {
            merchant,
            name,
            code,
            fee_rate,
            account,
        } => port.add_merchant(&MerchantRow {
            id: merchant.n,
            name: name.clone(),
            code: code.clone(),
            code_key: code.to_lowercase(),
            fee_rate: *fee_rate,
            account: account.clone(),
            registered_at: cx.at.to_string(),
            deficit_minor: 0,
            last_settlement: None,
        }),
        Event::MerchantUpdated {
            merchant,
            fee_rate,
            account,
        } => found(
            port.change_terms(merchant.n, *fee_rate, account.as_ref())?,
            "merchant",
            cx,
        ),
        Event::RefundIssued {
            merchant,
            amount,
            after_settlement,
            ..
        } => match after_settlement {
            // A refund of a settled payment is paid for by the merchant's next settlement.
            true => found(
                port.add_deficit(merchant.n, cx.minor(amount))?,
                "merchant",
                cx,
            ),
            false => Ok(()),
        },
        Event::SettlementCompleted(f) => {
            // The deficit is paid off by this settlement; a negative payout is carried instead.
            let carried = (-f.payout_minor).max(0);
            found(
                port.settled(f.merchant.n, carried, f.settlement.n)?,
                "merchant",
                cx,
            )
        }
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
        | Event::RechargeCompleted { .. }
        | Event::RechargeFailed { .. }
        | Event::WithdrawalCompleted { .. }
        | Event::WithdrawalFailed { .. }
        | Event::RemittanceCompleted { .. }
        | Event::RemittanceFailed { .. }
        | Event::PaymentCaptured { .. }
        | Event::PaymentAuthorized { .. }
        | Event::HoldCaptured { .. }
        | Event::HoldVoided { .. }
        | Event::HoldExpired { .. }
        | Event::SettlementFailed { .. } => Ok(()),
    }
}
