//! Settlement: per merchant, every captured, unsettled payment captured before the cutoff; fees
//! per payment rounded half up; deficits from late refunds and carried negative payouts.

use super::{Applied, Command, Decision, Env, StateView, firm_banking, limits};
use crate::bank::BankGateway;
use crate::error::{Error, ErrorCode, Result};
use crate::event::{Event, SettledPayment, SettlementFigures};
use crate::ids::Kind;
use crate::money::Amount;

pub fn decide(
    state: &dyn StateView,
    banks: &mut dyn BankGateway,
    env: &mut Env<'_>,
    command: &Command,
) -> Result<Decision> {
    let Command::Settle { merchant, cutoff } = command else {
        return Err(Error::internal(
            "settlement got a command of another service",
        ));
    };
    let cutoff = cutoff.unwrap_or(env.at);
    let merchants = match merchant {
        Some(r) => {
            let m = state
                .merchant(r)?
                .ok_or_else(|| Error::not_found("merchant", r))?;
            vec![m]
        }
        None => state.merchants_to_settle(cutoff)?,
    };
    let currency = env.currency();
    let mut events = Vec::new();
    let mut settled = Vec::new();
    let mut failed = Vec::new();
    for m in merchants {
        let payments = state.payments_to_settle(m.id, cutoff)?;
        if payments.is_empty() {
            continue; // nothing to settle: its deficit waits
        }
        let (mut gross, mut refunds, mut fee) = (0_i64, 0_i64, 0_i64);
        let mut included = Vec::with_capacity(payments.len());
        for p in &payments {
            let net = p.captured_minor - p.refunded_minor;
            let fee_p = p.fee_rate.fee_minor(net, currency)?;
            let sums = limits::figure(env, "gross", gross, p.captured_minor)
                .and_then(|g| {
                    Ok((
                        g,
                        limits::figure(env, "refunds", refunds, p.refunded_minor)?,
                    ))
                })
                .and_then(|(g, r)| Ok((g, r, limits::figure(env, "fee", fee, fee_p)?)));
            match sums {
                Ok((g, r, f)) => (gross, refunds, fee) = (g, r, f),
                Err(e) => return Ok(Decision::refused(e)),
            }
            included.push(SettledPayment {
                payment: p.id,
                captured: Amount::from_minor(p.captured_minor, currency),
                refunded: Amount::from_minor(p.refunded_minor, currency),
                fee: Amount::from_minor(fee_p, currency),
            });
        }
        // Each term is within the limit, so the difference fits in 64 bits.
        let payout = gross - refunds - fee - m.deficit_minor;
        let settlement = env.next_id(state, Kind::Settlement)?;
        let mut figures = SettlementFigures {
            settlement,
            merchant: m.id,
            cutoff,
            payments: included,
            gross: Amount::from_minor(gross, currency),
            refunds: Amount::from_minor(refunds, currency),
            fee: Amount::from_minor(fee, currency),
            deficit: Amount::from_minor(m.deficit_minor, currency),
            payout_minor: payout,
            firm_banking: None,
        };
        if payout > 0 {
            let house = env.settings.house.clone();
            let transfer = (&house, &m.account, Amount::from_minor(payout, currency));
            let (fb, result) = firm_banking(env, state, banks, transfer, settlement, &mut events)?;
            figures.firm_banking = Some(fb);
            if let Err(reason) = result {
                failed.push(format!("{settlement} ({}): {reason}", m.id));
                events.push(Event::SettlementFailed { figures, reason });
                continue;
            }
        }
        settled.push(settlement);
        events.push(Event::SettlementCompleted(figures));
    }
    let applied = Applied {
        id: None,
        settled: settled.clone(),
        details: serde_json::Map::new(),
    };
    if failed.is_empty() {
        return Ok(Decision::applied(events, applied));
    }
    let settled_text: Vec<String> = settled.iter().map(ToString::to_string).collect();
    Ok(Decision {
        events,
        outcome: Err(Error::new(
            ErrorCode::BankDeclined,
            format!(
                "payout declined for {}; settled: {}",
                failed.join(", "),
                if settled_text.is_empty() {
                    "none".to_string()
                } else {
                    settled_text.join(", ")
                }
            ),
        )),
    })
}
