//! Settlements and the payments each one included.

use super::ApplyContext;
use crate::clock;
use crate::error::Result;
use crate::event::{Event, SettlementFigures};
use crate::ports::SettlementsModel;
use crate::projections::rows::{SettlementPaymentRow, SettlementRow};

pub fn apply<P: SettlementsModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::SettlementCompleted(f) => record(cx, port, f, None),
        Event::SettlementFailed { figures, reason } => record(cx, port, figures, Some(reason)),
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
        | Event::MerchantRegistered { .. }
        | Event::MerchantUpdated { .. }
        | Event::PaymentCaptured { .. }
        | Event::PaymentAuthorized { .. }
        | Event::HoldCaptured { .. }
        | Event::HoldVoided { .. }
        | Event::HoldExpired { .. }
        | Event::RefundIssued { .. } => Ok(()),
    }
}

fn record<P: SettlementsModel + ?Sized>(
    cx: &ApplyContext<'_>,
    port: &mut P,
    f: &SettlementFigures,
    reason: Option<&str>,
) -> Result<()> {
    port.add_settlement(&SettlementRow {
        id: f.settlement.n,
        merchant: f.merchant.n,
        cutoff: clock::to_storage(f.cutoff),
        gross_minor: cx.minor(&f.gross),
        refunds_minor: cx.minor(&f.refunds),
        fee_minor: cx.minor(&f.fee),
        deficit_minor: cx.minor(&f.deficit),
        payout_minor: f.payout_minor,
        firm_banking: f.firm_banking.map(|x| x.n),
        reason,
        at: cx.at,
    })?;
    for p in &f.payments {
        port.add_settlement_payment(&SettlementPaymentRow {
            settlement: f.settlement.n,
            payment: p.payment.n,
            captured_minor: cx.minor(&p.captured),
            refunded_minor: cx.minor(&p.refunded),
            fee_minor: cx.minor(&p.fee),
        })?;
    }
    Ok(())
}
