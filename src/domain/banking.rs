//! Banking: linking external accounts (verified with the bank) and configuring the simulator.

use super::{
    Applied, Command, Decision, Env, LinkRef, StateView, bank_declined, refuse_house,
    require_active, require_member, validate_bank_account,
};
use crate::bank::BankGateway;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{BankAccount, Event};
use crate::ids::{Id, Kind};
use crate::money::Amount;

pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    match command {
        Command::LinkBank {
            member,
            bank,
            account,
        } => {
            let m = require_member(state, "member", member)?;
            require_active(&m)?;
            let account = validate_bank_account(bank, account)?;
            refuse_house(env, "account", &account)?;
            let links = state.links(m.id)?;
            if links.iter().any(|l| l.account.same_as(&account)) {
                return Err(Error::new(
                    ErrorCode::Duplicate,
                    format!("{account} is already linked to {}", m.id),
                ));
            }
            if let Err(reason) = banks.verify(&account)? {
                return Err(bank_declined(&format!("linking {account}"), &reason));
            }
            let link = env.next_id(state, Kind::Link)?;
            let primary = links.is_empty();
            Ok(Decision::applied(
                vec![Event::BankAccountLinked {
                    link,
                    member: m.id,
                    account,
                    primary,
                }],
                Applied::id(link)
                    .with("member", m.id.to_string())
                    .with("primary", primary),
            ))
        }
        Command::UnlinkBank { link } => {
            let (m, l) = match link {
                LinkRef::Id(text) => {
                    let l = Id::parse_kind(text, Kind::Link)
                        .map(|id| state.link(id))
                        .transpose()?
                        .flatten()
                        .filter(|l| l.active)
                        .ok_or_else(|| Error::not_found("link", text))?;
                    let m = require_member(state, "member", &l.member.to_string())?;
                    (m, l)
                }
                LinkRef::Account {
                    member,
                    bank,
                    account,
                } => {
                    let m = require_member(state, "member", member)?;
                    let named = BankAccount {
                        bank: bank.clone(),
                        account: account.clone(),
                    };
                    let l = state
                        .links(m.id)?
                        .into_iter()
                        .find(|l| l.account.same_as(&named))
                        .ok_or_else(|| {
                            Error::not_found("linked account", &format!("{bank} {account}"))
                        })?;
                    (m, l)
                }
            };
            require_active(&m)?;
            let new_primary = if l.primary {
                state
                    .links(m.id)?
                    .into_iter()
                    .find(|o| o.id != l.id)
                    .map(|o| o.id)
            } else {
                None
            };
            Ok(Decision::applied(
                vec![Event::BankAccountUnlinked {
                    link: l.id,
                    member: m.id,
                    new_primary,
                }],
                Applied::id(l.id).with("member", m.id.to_string()),
            ))
        }
        Command::SimSet {
            bank,
            account,
            balance,
            closed,
        } => {
            let account = validate_bank_account(bank, account)?;
            if account.same_as(&env.settings.house) {
                return Err(Error::invalid(
                    "account",
                    &account.account,
                    "is the house account, which is outside the simulator",
                ));
            }
            let balance = balance
                .map(|b| {
                    Amount::new(b, env.currency())
                        .map_err(|e| Error::new(ErrorCode::InvalidInput, format!("balance: {e}")))
                })
                .transpose()?;
            let applied = Applied::default()
                .with("bank", account.bank.clone())
                .with("account", account.account.clone());
            Ok(Decision::applied(
                vec![Event::BankSimConfigured {
                    account,
                    balance,
                    closed: *closed,
                }],
                applied,
            ))
        }
        _ => Err(Error::internal("banking got a command of another service")),
    }
}
