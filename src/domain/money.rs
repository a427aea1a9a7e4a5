//! Money: recharge (bank → wallet), withdraw (wallet → bank), and the seed's auto-recharge rule.

use super::{
    Applied, Command, Decision, Env, LinkView, MemberView, StateView, bank_declined, firm_banking,
    require_active, require_member,
};
use crate::bank::BankGateway;
use crate::error::{Error, ErrorCode, Result};
use crate::event::Event;
use crate::ids::{Id, Kind};
use crate::money::Amount;

pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    match command {
        Command::Recharge {
            member,
            amount,
            link,
        } => {
            let m = require_member(state, "member", member)?;
            let named = resolve_link(state, &m, link.as_deref())?;
            require_active(&m)?;
            let amount = env.amount("amount", *amount)?;
            let link = linked_account(state, &m, named)?;
            let mut events = Vec::new();
            let (recharge, result) = recharge(env, state, banks, &m, &link, amount, &mut events)?;
            let outcome = match result {
                Ok(()) => Ok(Applied::id(recharge)
                    .with("member", m.id.to_string())
                    .with("amount", amount.to_string())),
                Err(e) => Err(e),
            };
            Ok(Decision { events, outcome })
        }
        Command::Withdraw {
            member,
            amount,
            link,
        } => {
            let m = require_member(state, "member", member)?;
            let named = resolve_link(state, &m, link.as_deref())?;
            let amount = env.amount("amount", *amount)?;
            let link = linked_account(state, &m, named)?;
            let wallet = state.wallet(m.id)?;
            if wallet.available_minor() < env.minor(amount) {
                return Err(insufficient(env, &m, wallet.available_minor(), amount));
            }
            let withdrawal = env.next_id(state, Kind::Withdrawal)?;
            let mut events = Vec::new();
            let house = env.settings.house.clone();
            let (fb, result) = firm_banking(
                env,
                state,
                banks,
                (&house, &link.account, amount),
                withdrawal,
                &mut events,
            )?;
            let outcome = match result {
                Ok(()) => {
                    events.push(Event::WithdrawalCompleted {
                        withdrawal,
                        member: m.id,
                        link: link.id,
                        amount,
                        firm_banking: fb,
                    });
                    Ok(Applied::id(withdrawal)
                        .with("member", m.id.to_string())
                        .with("amount", amount.to_string()))
                }
                Err(reason) => {
                    events.push(Event::WithdrawalFailed {
                        withdrawal,
                        member: m.id,
                        link: link.id,
                        amount,
                        firm_banking: fb,
                        reason: reason.clone(),
                    });
                    Err(bank_declined(&format!("withdrawal {withdrawal}"), &reason))
                }
            };
            Ok(Decision { events, outcome })
        }
        _ => Err(Error::internal("money got a command of another service")),
    }
}

/// A named link must be an active link of this member (`not_found` otherwise).
fn resolve_link(
    state: &dyn StateView,
    m: &MemberView,
    link: Option<&str>,
) -> Result<Option<LinkView>> {
    let Some(text) = link else { return Ok(None) };
    let found = Id::parse_kind(text, Kind::Link)
        .map(|id| state.link(id))
        .transpose()?
        .flatten()
        .filter(|l| l.active && l.member == m.id);
    found
        .map(Some)
        .ok_or_else(|| Error::not_found("account", text))
}

fn linked_account(
    state: &dyn StateView,
    m: &MemberView,
    named: Option<LinkView>,
) -> Result<LinkView> {
    match named {
        Some(l) => Ok(l),
        None => state.primary_link(m.id)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NoLinkedAccount,
                format!(
                    "member {} has no linked bank account: `payctl bank link` one first",
                    m.id
                ),
            )
        }),
    }
}

pub fn insufficient(env: &Env<'_>, m: &MemberView, available_minor: i64, amount: Amount) -> Error {
    Error::new(
        ErrorCode::InsufficientFunds,
        format!(
            "member {} has {} available, needs {}",
            m.id,
            env.shown_minor(available_minor),
            env.shown(amount)
        ),
    )
}

/// One recharge from `link` into the wallet: its events, and `bank_declined` if the bank refused.
pub fn recharge(
    env: &mut Env<'_>,
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    m: &MemberView,
    link: &LinkView,
    amount: Amount,
    events: &mut Vec<Event>,
) -> Result<(Id, Result<(), Error>)> {
    let recharge = env.next_id(state, Kind::Recharge)?;
    let house = env.settings.house.clone();
    let (fb, result) = firm_banking(
        env,
        state,
        banks,
        (&link.account, &house, amount),
        recharge,
        events,
    )?;
    match result {
        Ok(()) => {
            events.push(Event::RechargeCompleted {
                recharge,
                member: m.id,
                link: link.id,
                amount,
                firm_banking: fb,
            });
            Ok((recharge, Ok(())))
        }
        Err(reason) => {
            events.push(Event::RechargeFailed {
                recharge,
                member: m.id,
                link: link.id,
                amount,
                firm_banking: fb,
                reason: reason.clone(),
            });
            Ok((
                recharge,
                Err(bank_declined(&format!("recharge {recharge}"), &reason)),
            ))
        }
    }
}

/// The seed rule: when `available < amount`, recharge `ceil(short / unit) × unit` from the primary
/// account first. `Ok(None)`: no recharge needed. The events of a failed recharge are kept in
/// `events` (recorded on purpose) and the error is `bank_declined`.
pub fn auto_recharge(
    env: &mut Env<'_>,
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    m: &MemberView,
    amount: Amount,
    enabled: bool,
    events: &mut Vec<Event>,
) -> Result<Result<Option<Id>, Error>> {
    let available = state.wallet(m.id)?.available_minor();
    let needed = env.minor(amount);
    if available >= needed {
        return Ok(Ok(None));
    }
    if !enabled {
        return Err(insufficient(env, m, available, amount));
    }
    let Some(link) = state.primary_link(m.id)? else {
        return Err(insufficient(env, m, available, amount));
    };
    let unit = env.minor(env.settings.auto_recharge_unit).max(1);
    let short = needed - available;
    let top_up = short
        .checked_add(unit - 1)
        .map(|x| x / unit)
        .and_then(|k| k.checked_mul(unit))
        .ok_or_else(|| Error::new(ErrorCode::InvalidInput, "amount too large to auto-recharge"))?;
    let top_up = Amount::new(env.from_minor(top_up).decimal(), env.currency())?;
    let (recharge_id, result) = recharge(env, state, banks, m, &link, top_up, events)?;
    Ok(result.map(|()| Some(recharge_id)))
}
