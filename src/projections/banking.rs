//! The bank simulator's accounts and the firm-banking requests (the outside world, kept beside
//! the ledger so a command with a bank step stays one transaction; replay reads outcomes, never
//! asks a bank).

use super::ApplyContext;
use crate::error::Result;
use crate::event::Event;
use crate::ports::BankingModel;
use crate::projections::rows::FirmBankingRow;

pub fn apply<P: BankingModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::BankSimConfigured {
            account,
            balance,
            closed,
        } => port.configure_sim(account, balance.map(|b| cx.minor(&b)), *closed),
        Event::FirmBankingCompleted {
            request,
            from,
            to,
            amount,
            purpose,
        } => {
            let amount = cx.minor(amount);
            port.add_firm_banking(&FirmBankingRow {
                id: request.n,
                from,
                to,
                amount_minor: amount,
                purpose: *purpose,
                reason: None,
                requested_at: cx.at,
            })?;
            // Money left one simulated account and reached another.
            port.move_sim_balance(from, -amount)?;
            port.move_sim_balance(to, amount)
        }
        Event::FirmBankingFailed {
            request,
            from,
            to,
            amount,
            purpose,
            reason,
        } => port.add_firm_banking(&FirmBankingRow {
            id: request.n,
            from,
            to,
            amount_minor: cx.minor(amount),
            purpose: *purpose,
            reason: Some(reason),
            requested_at: cx.at,
        }),
        Event::StoreInitialized { .. }
        | Event::MemberRegistered { .. }
        | Event::MemberUpdated { .. }
        | Event::MemberDeactivated { .. }
        | Event::MemberReactivated { .. }
        | Event::BankAccountLinked { .. }
        | Event::BankAccountUnlinked { .. }
        | Event::RechargeCompleted { .. }
        | Event::RechargeFailed { .. }
        | Event::WithdrawalCompleted { .. }
        | Event::WithdrawalFailed { .. }
        | Event::RemittanceCompleted { .. }
        | Event::RemittanceFailed { .. }
        | Event::MerchantRegistered { .. }
        | Event::MerchantUpdated { .. }
        | Event::PaymentCaptured { .. }
        | Event::PaymentAuthorized { .. }
        | Event::HoldCaptured { .. }
        | Event::HoldVoided { .. }
        | Event::HoldExpired { .. }
        | Event::RefundIssued { .. }
        | Event::SettlementCompleted(_)
        | Event::SettlementFailed { .. } => Ok(()),
    }
}
