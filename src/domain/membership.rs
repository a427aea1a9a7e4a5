//! Membership: register, update, deactivate, reactivate.

use super::{
    Applied, Command, Decision, Env, StateView, require_active, require_member, validate_name,
};
use crate::bank::BankGateway;
use crate::error::{Error, ErrorCode, Result, echoed};
use crate::event::Event;
use crate::ids::Kind;
use unicode_normalization::UnicodeNormalization;

pub fn decide(
    state: &dyn StateView,
    _banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    match command {
        Command::RegisterMember {
            name,
            email,
            address,
            corporate,
        } => {
            let name = validate_name("name", name)?;
            let email = validate_email(email)?;
            let address = validate_address(address.as_deref())?;
            if state.email_taken(&email)? {
                return Err(Error::new(
                    ErrorCode::Duplicate,
                    format!("email {:?} is already registered", echoed(&email)),
                ));
            }
            let member = env.next_id(state, Kind::Member)?;
            Ok(Decision::applied(
                vec![Event::MemberRegistered {
                    member,
                    name,
                    email,
                    address,
                    corporate: *corporate,
                }],
                Applied::id(member),
            ))
        }
        Command::UpdateMember {
            member,
            name,
            address,
        } => {
            let m = require_member(state, "member", member)?;
            require_active(&m)?;
            let name = name
                .as_deref()
                .map(|n| validate_name("name", n))
                .transpose()?;
            let address = validate_address(address.as_deref())?;
            if name.is_none() && address.is_none() {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    "nothing to update: give --name and/or --address",
                ));
            }
            Ok(Decision::applied(
                vec![Event::MemberUpdated {
                    member: m.id,
                    name,
                    address,
                }],
                Applied::id(m.id),
            ))
        }
        Command::DeactivateMember { member } => {
            let m = require_member(state, "member", member)?;
            require_active(&m)?;
            Ok(Decision::applied(
                vec![Event::MemberDeactivated { member: m.id }],
                Applied::id(m.id),
            ))
        }
        Command::ReactivateMember { member } => {
            let m = require_member(state, "member", member)?;
            if m.active {
                return Err(Error::new(
                    ErrorCode::InvalidState,
                    format!(
                        "member {} is active: only a deactivated member can be reactivated",
                        m.id
                    ),
                ));
            }
            Ok(Decision::applied(
                vec![Event::MemberReactivated { member: m.id }],
                Applied::id(m.id),
            ))
        }
        _ => Err(Error::internal(
            "membership got a command of another service",
        )),
    }
}

/// The form two emails are compared in: NFKC-normalized and case-folded, so `ＫＩＭ@example.com`
/// (full-width) and `kim@example.com` are one address.
pub fn email_key(email: &str) -> String {
    let e = email.trim();
    if e.is_ascii() {
        return e.to_ascii_lowercase();
    }
    let folded = caseless::default_case_fold_str(&e.nfkc().collect::<String>());
    folded.nfkc().collect()
}

/// A plausible address shape: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Kept in NFKC form (full-width letters become plain ones), as typed otherwise.
pub fn validate_email(email: &str) -> Result<String> {
    let bad = || Error::invalid("email", email, "is not a valid email address");
    let normalized: String = email.trim().nfkc().collect();
    let e = normalized.as_str();
    if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok {
        return Err(bad());
    }
    Ok(e.to_string())
}

fn validate_address(address: Option<&str>) -> Result<Option<String>> {
    match address {
        Some(a) if a.chars().count() > 500 => Err(Error::invalid(
            "address",
            a,
            "is longer than 500 characters",
        )),
        Some(a) => Ok(Some(a.trim().to_string())),
        None => Ok(None),
    }
}
