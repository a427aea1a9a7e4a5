//! Wallets (balance, active holds), each member's statement, and the recharges, withdrawals and
//! remittances behind them.

use super::{ApplyContext, corrupt};
use crate::error::Result;
use crate::event::{Destination, Event};
use crate::ids::Id;
use crate::ports::WalletsModel;
use crate::projections::rows::{
    Counterparty, RemittanceRow, StatementLine, Table, TransferRow, outcome,
};

/// One movement of a wallet and the statement line that records it.
struct Move<'a> {
    member: Id,
    kind: &'static str,
    reference: Id,
    counterparty: Option<Counterparty<'a>>,
    amount_minor: i64,
    held_minor: i64,
    status: &'static str,
}

impl<'a> Move<'a> {
    fn new(member: Id, kind: &'static str, reference: Id, amount: i64, held: i64) -> Move<'a> {
        Move {
            member,
            kind,
            reference,
            counterparty: None,
            amount_minor: amount,
            held_minor: held,
            status: outcome(None),
        }
    }

    fn with(mut self, counterparty: Counterparty<'a>) -> Move<'a> {
        self.counterparty = Some(counterparty);
        self
    }

    fn failed_if(mut self, reason: Option<&str>) -> Move<'a> {
        self.status = outcome(reason);
        self
    }

    fn record<P: WalletsModel + ?Sized>(self, cx: &ApplyContext<'_>, port: &mut P) -> Result<()> {
        let Some(balance) = port.move_wallet(self.member.n, self.amount_minor, self.held_minor)?
        else {
            return Err(corrupt(cx, "wallet"));
        };
        port.add_statement_line(&StatementLine {
            member: self.member.n,
            seq: cx.seq,
            at: cx.at,
            kind: self.kind,
            reference: self.reference,
            counterparty: self.counterparty,
            amount_minor: self.amount_minor,
            held_minor: self.held_minor,
            balance_after_minor: balance,
            status: self.status,
        })
    }
}

pub fn apply<P: WalletsModel + ?Sized>(
    event: &Event,
    cx: &ApplyContext<'_>,
    port: &mut P,
) -> Result<()> {
    match event {
        Event::MemberRegistered { member, .. } => port.open_wallet(member.n),
        Event::RechargeCompleted {
            recharge,
            member,
            link,
            amount,
            firm_banking,
        } => transfer(
            cx,
            port,
            Table::Recharges,
            *recharge,
            *member,
            *link,
            cx.minor(amount),
            *firm_banking,
            None,
        ),
        Event::RechargeFailed {
            recharge,
            member,
            link,
            amount,
            firm_banking,
            reason,
        } => transfer(
            cx,
            port,
            Table::Recharges,
            *recharge,
            *member,
            *link,
            cx.minor(amount),
            *firm_banking,
            Some(reason),
        ),
        Event::WithdrawalCompleted {
            withdrawal,
            member,
            link,
            amount,
            firm_banking,
        } => transfer(
            cx,
            port,
            Table::Withdrawals,
            *withdrawal,
            *member,
            *link,
            cx.minor(amount),
            *firm_banking,
            None,
        ),
        Event::WithdrawalFailed {
            withdrawal,
            member,
            link,
            amount,
            firm_banking,
            reason,
        } => transfer(
            cx,
            port,
            Table::Withdrawals,
            *withdrawal,
            *member,
            *link,
            cx.minor(amount),
            *firm_banking,
            Some(reason),
        ),
        Event::RemittanceCompleted {
            remittance,
            from,
            to,
            amount,
            firm_banking,
            recharge,
        } => remit(
            cx,
            port,
            *remittance,
            *from,
            to,
            cx.minor(amount),
            *firm_banking,
            *recharge,
            None,
        ),
        Event::RemittanceFailed {
            remittance,
            from,
            to,
            amount,
            firm_banking,
            recharge,
            reason,
        } => remit(
            cx,
            port,
            *remittance,
            *from,
            to,
            cx.minor(amount),
            *firm_banking,
            *recharge,
            Some(reason),
        ),
        Event::PaymentCaptured {
            payment,
            member,
            merchant,
            amount,
            ..
        } => Move::new(*member, "payment", *payment, -cx.minor(amount), 0)
            .with(Counterparty::Id(*merchant))
            .record(cx, port),
        Event::PaymentAuthorized {
            payment,
            member,
            merchant,
            amount,
            ..
        } => Move::new(*member, "hold", *payment, 0, cx.minor(amount))
            .with(Counterparty::Id(*merchant))
            .record(cx, port),
        Event::HoldCaptured {
            payment,
            member,
            merchant,
            amount,
            released,
        } => {
            let held = cx.minor(amount) + cx.minor(released);
            Move::new(*member, "capture", *payment, -cx.minor(amount), -held)
                .with(Counterparty::Id(*merchant))
                .record(cx, port)
        }
        Event::HoldVoided {
            payment,
            member,
            amount,
        } => Move::new(*member, "void", *payment, 0, -cx.minor(amount)).record(cx, port),
        Event::HoldExpired {
            payment,
            member,
            amount,
            ..
        } => Move::new(*member, "hold_expired", *payment, 0, -cx.minor(amount)).record(cx, port),
        Event::RefundIssued {
            refund,
            payment,
            member,
            amount,
            ..
        } => Move::new(*member, "refund", *refund, cx.minor(amount), 0)
            .with(Counterparty::Id(*payment))
            .record(cx, port),
        Event::StoreInitialized { .. }
        | Event::MemberUpdated { .. }
        | Event::MemberDeactivated { .. }
        | Event::MemberReactivated { .. }
        | Event::BankAccountLinked { .. }
        | Event::BankAccountUnlinked { .. }
        | Event::BankSimConfigured { .. }
        | Event::FirmBankingCompleted { .. }
        | Event::FirmBankingFailed { .. }
        | Event::MerchantRegistered { .. }
        | Event::MerchantUpdated { .. }
        | Event::SettlementCompleted(_)
        | Event::SettlementFailed { .. } => Ok(()),
    }
}

/// A recharge (money in) or a withdrawal (money out): its row, and the wallet moved unless the
/// bank refused.
#[allow(clippy::too_many_arguments)] // the columns of one row
fn transfer<P: WalletsModel + ?Sized>(
    cx: &ApplyContext<'_>,
    port: &mut P,
    table: Table,
    id: Id,
    member: Id,
    link: Id,
    amount: i64,
    firm_banking: Id,
    reason: Option<&str>,
) -> Result<()> {
    port.add_transfer(&TransferRow {
        table,
        id: id.n,
        member: member.n,
        link: link.n,
        amount_minor: amount,
        firm_banking: firm_banking.n,
        reason,
        at: cx.at,
    })?;
    let (kind, sign) = if table == Table::Withdrawals {
        ("withdrawal", -1)
    } else {
        ("recharge", 1)
    };
    let delta = if reason.is_some() { 0 } else { sign * amount };
    Move::new(member, kind, id, delta, 0)
        .with(Counterparty::Id(link))
        .failed_if(reason)
        .record(cx, port)
}

/// A remittance: its row, the sender's line, and the receiver's when it reached a member.
#[allow(clippy::too_many_arguments)] // the columns of one row
fn remit<P: WalletsModel + ?Sized>(
    cx: &ApplyContext<'_>,
    port: &mut P,
    id: Id,
    from: Id,
    to: &Destination,
    amount: i64,
    firm_banking: Option<Id>,
    recharge: Option<Id>,
    reason: Option<&str>,
) -> Result<()> {
    port.add_remittance(&RemittanceRow {
        id: id.n,
        from_member: from.n,
        to,
        amount_minor: amount,
        firm_banking: firm_banking.map(|f| f.n),
        recharge: recharge.map(|r| r.n),
        reason,
        at: cx.at,
    })?;
    let counterparty = match to {
        Destination::Member(m) => Counterparty::Id(*m),
        Destination::Bank(b) => Counterparty::Bank(b),
    };
    let delta = if reason.is_some() { 0 } else { -amount };
    Move::new(from, "remit_out", id, delta, 0)
        .with(counterparty)
        .failed_if(reason)
        .record(cx, port)?;
    match (reason, to) {
        (None, Destination::Member(receiver)) => Move::new(*receiver, "remit_in", id, amount, 0)
            .with(Counterparty::Id(from))
            .record(cx, port),
        _ => Ok(()),
    }
}
