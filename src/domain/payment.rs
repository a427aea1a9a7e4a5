//! Payment: merchants, payments captured at once or held, capture, void, refund.

use chrono::Duration;

use super::money::auto_recharge;
use super::{
    Applied, Command, Decision, Env, PaymentStatus, PaymentView, StateView, bank_declined,
    refuse_house, require_active, require_member, validate_bank_account, validate_name,
};
use crate::bank::BankGateway;
use crate::error::{Error, ErrorCode, Result, echoed};
use crate::event::Event;
use crate::ids::{Id, Kind};
use crate::money::FeeRate;

pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    match command {
        Command::RegisterMerchant {
            name,
            code,
            fee_rate,
            bank,
            account,
        } => {
            let name = validate_name("name", name)?;
            let code = validate_code(code)?;
            let fee_rate = fee_rate_of(*fee_rate)?;
            let account = validate_bank_account(bank, account)?;
            refuse_house(env, "account", &account)?;
            if state.code_taken(&code)? {
                return Err(Error::new(
                    ErrorCode::Duplicate,
                    format!("merchant code {:?} is already registered", echoed(&code)),
                ));
            }
            if let Err(reason) = banks.verify(&account)? {
                return Err(bank_declined(
                    &format!("settlement account {account}"),
                    &reason,
                ));
            }
            let merchant = env.next_id(state, Kind::Merchant)?;
            Ok(Decision::applied(
                vec![Event::MerchantRegistered {
                    merchant,
                    name,
                    code,
                    fee_rate,
                    account,
                }],
                Applied::id(merchant),
            ))
        }
        Command::UpdateMerchant {
            merchant,
            fee_rate,
            bank,
            account,
        } => {
            let m = state
                .merchant(merchant)?
                .ok_or_else(|| Error::not_found("merchant", merchant))?;
            let fee_rate = fee_rate.map(fee_rate_of).transpose()?;
            let new_account = match (bank, account) {
                (None, None) => None,
                (Some(b), Some(a)) => Some(validate_bank_account(b, a)?),
                (Some(b), None) => Some(validate_bank_account(b, &m.account.account)?),
                (None, Some(a)) => Some(validate_bank_account(&m.account.bank, a)?),
            };
            if fee_rate.is_none() && new_account.is_none() {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    "nothing to update: give --fee-rate and/or --bank/--account",
                ));
            }
            if let Some(a) = &new_account {
                refuse_house(env, "account", a)?;
            }
            let new_account = new_account.filter(|a| !a.same_as(&m.account));
            if let Some(a) = &new_account {
                if let Err(reason) = banks.verify(a)? {
                    return Err(bank_declined(&format!("settlement account {a}"), &reason));
                }
            }
            Ok(Decision::applied(
                vec![Event::MerchantUpdated {
                    merchant: m.id,
                    fee_rate,
                    account: new_account,
                }],
                Applied::id(m.id),
            ))
        }
        Command::Pay {
            member,
            merchant,
            amount,
            reference,
            hold,
            auto_recharge: auto,
        } => {
            let payer = require_member(state, "member", member)?;
            let m = state
                .merchant(merchant)?
                .ok_or_else(|| Error::not_found("merchant", merchant))?;
            require_active(&payer)?;
            let amount = env.amount("amount", *amount)?;
            let reference = reference.as_deref().map(validate_reference).transpose()?;
            if let Some(r) = &reference {
                if state.reference_taken(r)? {
                    return Err(Error::new(
                        ErrorCode::Duplicate,
                        format!("payment ref {:?} is already used", echoed(r)),
                    ));
                }
            }
            let mut events = Vec::new();
            let recharge =
                match auto_recharge(env, state, banks, &payer, amount, *auto, &mut events)? {
                    Ok(r) => r,
                    Err(e) => {
                        return Ok(Decision {
                            events,
                            outcome: Err(e),
                        });
                    }
                };
            let payment = env.next_id(state, Kind::Payment)?;
            let status;
            if *hold {
                let expires_at = Duration::try_seconds(env.settings.hold_expiry_secs)
                    .and_then(|d| env.at.checked_add_signed(d))
                    .ok_or_else(|| Error::internal("hold expiry out of range"))?;
                status = "authorized";
                events.push(Event::PaymentAuthorized {
                    payment,
                    member: payer.id,
                    merchant: m.id,
                    amount,
                    fee_rate: m.fee_rate,
                    reference,
                    recharge,
                    expires_at,
                });
            } else {
                status = "captured";
                events.push(Event::PaymentCaptured {
                    payment,
                    member: payer.id,
                    merchant: m.id,
                    amount,
                    fee_rate: m.fee_rate,
                    reference,
                    recharge,
                });
            }
            let mut applied = Applied::id(payment)
                .with("status", status)
                .with("amount", amount.to_string())
                .with("member", payer.id.to_string())
                .with("merchant", m.id.to_string());
            if let Some(r) = recharge {
                applied = applied.with("recharge", r.to_string());
            }
            Ok(Decision::applied(events, applied))
        }
        Command::Capture { payment, amount } => {
            let p = require_payment(state, payment)?;
            let amount = amount.map(|a| env.amount("amount", a)).transpose()?;
            require_open_hold(&p, env, "capture")?;
            let authorized = env.from_minor(p.amount_minor);
            let amount = amount.unwrap_or(authorized);
            if env.minor(amount) > p.amount_minor {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    format!(
                        "cannot capture {}: payment {} authorized only {}",
                        env.shown(amount),
                        p.id,
                        env.shown(authorized)
                    ),
                ));
            }
            let released = env.from_minor(p.amount_minor - env.minor(amount));
            Ok(Decision::applied(
                vec![Event::HoldCaptured {
                    payment: p.id,
                    member: p.member,
                    merchant: p.merchant,
                    amount,
                    released,
                }],
                Applied::id(p.id)
                    .with("status", "captured")
                    .with("amount", amount.to_string())
                    .with("released", released.to_string()),
            ))
        }
        Command::Void { payment } => {
            let p = require_payment(state, payment)?;
            require_open_hold(&p, env, "void")?;
            let amount = env.from_minor(p.amount_minor);
            Ok(Decision::applied(
                vec![Event::HoldVoided {
                    payment: p.id,
                    member: p.member,
                    amount,
                }],
                Applied::id(p.id)
                    .with("status", "voided")
                    .with("released", amount.to_string()),
            ))
        }
        Command::Refund { payment, amount } => {
            let p = require_payment(state, payment)?;
            let amount = amount.map(|a| env.amount("amount", a)).transpose()?;
            if p.status != PaymentStatus::Captured {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    format!(
                        "payment {} is {}, only captured payments can be refunded",
                        p.id,
                        p.status.as_str()
                    ),
                ));
            }
            let left_minor = p.captured_minor - p.refunded_minor;
            let amount = match amount {
                Some(a) => a,
                None if left_minor > 0 => env.from_minor(left_minor),
                None => {
                    return Err(Error::new(
                        ErrorCode::RefundExceedsPayment,
                        format!("payment {} is already fully refunded", p.id),
                    ));
                }
            };
            if env.minor(amount) > left_minor {
                return Err(Error::new(
                    ErrorCode::RefundExceedsPayment,
                    format!(
                        "refund {} exceeds what is left of payment {} ({})",
                        env.shown(amount),
                        p.id,
                        env.shown_minor(left_minor)
                    ),
                ));
            }
            let refund = env.next_id(state, Kind::Refund)?;
            Ok(Decision::applied(
                vec![Event::RefundIssued {
                    refund,
                    payment: p.id,
                    member: p.member,
                    merchant: p.merchant,
                    amount,
                    after_settlement: p.settled,
                }],
                Applied::id(refund)
                    .with("payment", p.id.to_string())
                    .with("amount", amount.to_string()),
            ))
        }
        _ => Err(Error::internal("payment got a command of another service")),
    }
}

fn require_payment(state: &dyn StateView, reference: &str) -> Result<PaymentView> {
    state
        .payment(reference)?
        .ok_or_else(|| Error::not_found("payment", reference))
}

/// Capture and void need a hold that is still authorized and not past its expiry.
fn require_open_hold(p: &PaymentView, env: &Env<'_>, verb: &str) -> Result<()> {
    let expired = p.expires_at.is_some_and(|e| env.at >= e);
    let why = match p.status {
        PaymentStatus::Authorized if !expired => return Ok(()),
        PaymentStatus::Authorized | PaymentStatus::Expired => "its hold has expired",
        PaymentStatus::Captured if !p.held => "it was captured at once",
        PaymentStatus::Captured => "it is already captured",
        PaymentStatus::Voided => "it is voided",
    };
    Err(Error::new(
        ErrorCode::InvalidState,
        format!("cannot {verb} payment {}: {why}", p.id),
    ))
}

fn fee_rate_of(value: rust_decimal::Decimal) -> Result<FeeRate> {
    FeeRate::new(value).map_err(|e| Error::new(ErrorCode::InvalidInput, format!("fee_rate: {e}")))
}

fn validate_code(code: &str) -> Result<String> {
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !ok {
        return Err(Error::invalid(
            "code",
            code,
            "use letters, digits, '-', '_' or '.' (at most 64)",
        ));
    }
    if Id::parse(code).is_some() {
        return Err(Error::invalid(
            "code",
            code,
            "looks like an id; choose another code",
        ));
    }
    Ok(code.to_string())
}

fn validate_reference(reference: &str) -> Result<String> {
    if reference.is_empty() || reference.len() > 255 || reference.chars().any(char::is_control) {
        return Err(Error::invalid(
            "ref",
            reference,
            "must be 1 to 255 printable characters",
        ));
    }
    if Id::parse(reference).is_some() {
        return Err(Error::invalid(
            "ref",
            reference,
            "looks like a payment id; choose another ref",
        ));
    }
    Ok(reference.to_string())
}
