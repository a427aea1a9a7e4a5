//! Payments (captured at once, or held) and their refunds.

use super::{ApplyContext, found};
use crate::clock;
use crate::error::Result;
use crate::event::Event;
use crate::ports::PaymentsModel;
use crate::projections::rows::{PaymentRow, PaymentState, RefundRow};

pub fn apply<P: PaymentsModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::PaymentCaptured {
            payment,
            member,
            merchant,
            amount,
            fee_rate,
            reference,
            recharge,
        } => port.add_payment(PaymentRow {
            id: payment.n,
            member: member.n,
            merchant: merchant.n,
            reference: reference.clone(),
            amount_minor: cx.minor(amount),
            captured_minor: cx.minor(amount),
            refunded_minor: 0,
            fee_rate: *fee_rate,
            state: PaymentState::Captured,
            held: false,
            recharge: recharge.map(|r| r.n),
            created_at: cx.at.to_string(),
            expires_at: None,
            captured_at: Some(cx.at.to_string()),
            closed_at: None,
            settlement: None,
        }),
        Event::PaymentAuthorized {
            payment,
            member,
            merchant,
            amount,
            fee_rate,
            reference,
            recharge,
            expires_at,
        } => port.add_payment(PaymentRow {
            id: payment.n,
            member: member.n,
            merchant: merchant.n,
            reference: reference.clone(),
            amount_minor: cx.minor(amount),
            captured_minor: 0,
            refunded_minor: 0,
            fee_rate: *fee_rate,
            state: PaymentState::Authorized,
            held: true,
            recharge: recharge.map(|r| r.n),
            created_at: cx.at.to_string(),
            expires_at: Some(clock::to_storage(*expires_at)),
            captured_at: None,
            closed_at: None,
            settlement: None,
        }),
        Event::HoldCaptured {
            payment, amount, ..
        } => found(
            port.capture_hold(payment.n, cx.minor(amount), cx.at)?,
            "payment",
            cx,
        ),
        Event::HoldVoided { payment, .. } => found(
            port.close_hold(payment.n, PaymentState::Voided, cx.at)?,
            "payment",
            cx,
        ),
        Event::HoldExpired { payment, .. } => found(
            port.close_hold(payment.n, PaymentState::Expired, cx.at)?,
            "payment",
            cx,
        ),
        Event::RefundIssued {
            refund,
            payment,
            amount,
            after_settlement,
            ..
        } => {
            port.add_refund(&RefundRow {
                id: refund.n,
                payment: payment.n,
                amount_minor: cx.minor(amount),
                after_settlement: *after_settlement,
                at: cx.at,
            })?;
            found(
                port.add_refunded(payment.n, cx.minor(amount))?,
                "payment",
                cx,
            )
        }
        Event::SettlementCompleted(f) => {
            for p in &f.payments {
                found(
                    port.mark_settled(p.payment.n, f.settlement.n)?,
                    "payment",
                    cx,
                )?;
            }
            Ok(())
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
        | Event::MerchantRegistered { .. }
        | Event::MerchantUpdated { .. }
        | Event::SettlementFailed { .. } => Ok(()),
    }
}
