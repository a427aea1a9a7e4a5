//! Settings, members and their linked bank accounts.

use super::{ApplyContext, found};
use crate::domain::membership::email_key;
use crate::error::Result;
use crate::event::Event;
use crate::ports::MembersModel;
use crate::projections::rows::{LinkRow, MemberRow, SettingsRow};

pub fn apply<P: MembersModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::StoreInitialized {
            store_id,
            currency,
            auto_recharge_unit,
            hold_expiry_secs,
            house,
        } => port.put_settings(&SettingsRow {
            store_id: store_id.clone(),
            currency: *currency,
            auto_recharge_unit_minor: auto_recharge_unit.to_minor(*currency),
            hold_expiry_secs: *hold_expiry_secs,
            house: house.clone(),
        }),
        Event::MemberRegistered {
            member,
            name,
            email,
            address,
            corporate,
        } => port.add_member(&MemberRow {
            id: member.n,
            name: name.clone(),
            email: email.clone(),
            email_key: email_key(email),
            address: address.clone(),
            corporate: *corporate,
            active: true,
            registered_at: cx.at.to_string(),
        }),
        Event::MemberUpdated {
            member,
            name,
            address,
        } => found(
            port.rename_member(member.n, name.as_deref(), address.as_deref())?,
            "member",
            cx,
        ),
        Event::MemberDeactivated { member } => {
            found(port.set_member_active(member.n, false)?, "member", cx)
        }
        Event::MemberReactivated { member } => {
            found(port.set_member_active(member.n, true)?, "member", cx)
        }
        Event::BankAccountLinked {
            link,
            member,
            account,
            primary,
        } => port.add_link(&LinkRow {
            id: link.n,
            member: member.n,
            account: account.clone(),
            primary: *primary,
            active: true,
            linked_at: cx.at.to_string(),
        }),
        Event::BankAccountUnlinked {
            link, new_primary, ..
        } => {
            found(port.unlink(link.n)?, "bank link", cx)?;
            match new_primary {
                Some(p) => found(port.make_primary(p.n)?, "bank link", cx),
                None => Ok(()),
            }
        }
        Event::BankSimConfigured { .. }
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
        | Event::RefundIssued { .. }
        | Event::SettlementCompleted(_)
        | Event::SettlementFailed { .. } => Ok(()),
    }
}
