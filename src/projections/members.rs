//! Members, linked bank accounts, settings and store identity.

use rusqlite::{Connection, params};

use super::{ApplyContext, one_row};
use crate::error::Result;
use crate::event::Event;

pub(super) fn apply(conn: &Connection, cx: &ApplyContext<'_>, event: &Event) -> Result<()> {
    match event {
        Event::StoreInitialized {
            store_id,
            currency,
            auto_recharge_unit,
            hold_expiry_secs,
            house,
        } => {
            conn.prepare_cached(
                "INSERT INTO settings (id, store_id, currency, auto_recharge_unit_minor,
                                       hold_expiry_secs, house_bank, house_account)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                store_id,
                currency.code(),
                auto_recharge_unit.to_minor(*currency),
                hold_expiry_secs,
                house.bank,
                house.account
            ])?;
        }
        Event::MemberRegistered {
            member,
            name,
            email,
            address,
            corporate,
        } => {
            conn.prepare_cached(
                "INSERT INTO members (id, name, email, email_key, address, corporate, status,
                                      registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7)",
            )?
            .execute(params![
                member.n,
                name,
                email,
                crate::domain::membership::email_key(email),
                address,
                corporate,
                cx.at()
            ])?;
            conn.prepare_cached(
                "INSERT INTO wallets (member, balance_minor, held_minor) VALUES (?1, 0, 0)",
            )?
            .execute([member.n])?;
        }
        Event::MemberUpdated {
            member,
            name,
            address,
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE members SET name = COALESCE(?2, name), address = COALESCE(?3, address)
                     WHERE id = ?1",
                )?
                .execute(params![member.n, name, address])?;
            one_row(n, "member", cx.env)?;
        }
        Event::MemberDeactivated { member } => {
            let n = conn
                .prepare_cached("UPDATE members SET status = 'inactive' WHERE id = ?1")?
                .execute([member.n])?;
            one_row(n, "member", cx.env)?;
        }
        Event::MemberReactivated { member } => {
            let n = conn
                .prepare_cached("UPDATE members SET status = 'active' WHERE id = ?1")?
                .execute([member.n])?;
            one_row(n, "member", cx.env)?;
        }
        Event::BankAccountLinked {
            link,
            member,
            account,
            primary,
        } => {
            conn.prepare_cached(
                "INSERT INTO bank_links (id, member, bank, account, is_primary, status, linked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)",
            )?
            .execute(params![
                link.n,
                member.n,
                account.bank,
                account.account,
                primary,
                cx.at()
            ])?;
        }
        Event::BankAccountUnlinked {
            link, new_primary, ..
        } => {
            let n = conn
                .prepare_cached(
                    "UPDATE bank_links SET status = 'unlinked', is_primary = 0 WHERE id = ?1",
                )?
                .execute([link.n])?;
            one_row(n, "bank link", cx.env)?;
            if let Some(p) = new_primary {
                let n = conn
                    .prepare_cached("UPDATE bank_links SET is_primary = 1 WHERE id = ?1")?
                    .execute([p.n])?;
                one_row(n, "bank link", cx.env)?;
            }
        }
        _ => {}
    }
    Ok(())
}
