//! Remittance: member → member (internal) or member → bank account (external), with auto-recharge.

use super::money::auto_recharge;
use super::{
    Applied, Command, Decision, Env, RemitTo, StateView, bank_declined, firm_banking, refuse_house,
    require_active, require_member, validate_bank_account,
};
use crate::bank::BankGateway;
use crate::error::{Error, Result};
use crate::event::{Destination, Event};
use crate::ids::Kind;

pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    let Command::Remit {
        from,
        amount,
        to,
        auto_recharge: auto,
    } = command
    else {
        return Err(Error::internal(
            "remittance got a command of another service",
        ));
    };
    let sender = require_member(state, "from", from)?;
    let receiver = match to {
        RemitTo::Member(r) => Some(require_member(state, "to", r)?),
        RemitTo::Bank { .. } => None,
    };
    require_active(&sender)?;
    if let Some(r) = &receiver {
        require_active(r)?;
        if r.id == sender.id {
            return Err(Error::invalid(
                "to",
                &r.id.to_string(),
                "a member cannot remit to itself",
            ));
        }
    }
    let amount = env.amount("amount", *amount)?;
    let destination = match (to, &receiver) {
        (RemitTo::Bank { bank, account }, _) => {
            let account = validate_bank_account(bank, account)?;
            refuse_house(env, "to-account", &account)?;
            Destination::Bank(account)
        }
        (RemitTo::Member(_), Some(r)) => Destination::Member(r.id),
        (RemitTo::Member(r), None) => return Err(Error::not_found("to", r)),
    };
    let mut events = Vec::new();
    let recharge = match auto_recharge(env, state, banks, &sender, amount, *auto, &mut events)? {
        Ok(r) => r,
        Err(e) => {
            return Ok(Decision {
                events,
                outcome: Err(e),
            });
        }
    };
    let remittance = env.next_id(state, Kind::Remittance)?;
    let applied = |fb: Option<crate::ids::Id>| {
        let mut a = Applied::id(remittance)
            .with("from", sender.id.to_string())
            .with("amount", amount.to_string());
        if let Some(r) = recharge {
            a = a.with("recharge", r.to_string());
        }
        if let Some(fb) = fb {
            a = a.with("firm_banking", fb.to_string());
        }
        a
    };
    match &destination {
        Destination::Member(_) => {
            events.push(Event::RemittanceCompleted {
                remittance,
                from: sender.id,
                to: destination.clone(),
                amount,
                firm_banking: None,
                recharge,
            });
            Ok(Decision::applied(events, applied(None)))
        }
        Destination::Bank(account) => {
            let house = env.settings.house.clone();
            let (fb, result) = firm_banking(
                env,
                state,
                banks,
                (&house, account, amount),
                remittance,
                &mut events,
            )?;
            match result {
                Ok(()) => {
                    events.push(Event::RemittanceCompleted {
                        remittance,
                        from: sender.id,
                        to: destination.clone(),
                        amount,
                        firm_banking: Some(fb),
                        recharge,
                    });
                    Ok(Decision::applied(events, applied(Some(fb))))
                }
                Err(reason) => {
                    events.push(Event::RemittanceFailed {
                        remittance,
                        from: sender.id,
                        to: destination.clone(),
                        amount,
                        firm_banking: Some(fb),
                        recharge,
                        reason: reason.clone(),
                    });
                    Ok(Decision {
                        events,
                        outcome: Err(bank_declined(&format!("remittance {remittance}"), &reason)),
                    })
                }
            }
        }
    }
}
