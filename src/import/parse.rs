//! Parsing one record of an import into an operation (SPEC §7's field table), with the import's
//! typing rules.

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::{MAX_FIELD_CHARS, Operation};
use crate::clock::{self, Timestamp};
use crate::domain::{Command, LinkRef, RemitTo};
use crate::engine::MAX_KEY_LEN;
use crate::error::echoed;
use crate::money;

/// Every field name of SPEC §7's table, `op`, `key` and `at` included: the columns a CSV header
/// may have.
pub const FIELDS: &[&str] = &[
    "op",
    "key",
    "at",
    "name",
    "email",
    "address",
    "corporate",
    "member",
    "bank",
    "account",
    "balance",
    "closed",
    "amount",
    "from",
    "to",
    "to_bank",
    "to_account",
    "auto_recharge",
    "code",
    "fee_rate",
    "merchant",
    "ref",
    "hold",
    "payment",
    "cutoff",
];

/// Field access with the import's typing rules (JSON types, or CSV text). A field the op does
/// not take is malformed (a typo must not pass silently); in CSV, where columns are shared by
/// every op, that means a non-empty cell in another op's column.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    used: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn opt_str(&mut self, name: &'static str) -> std::result::Result<Option<String>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => Err(format!(
                "field {name} is longer than {MAX_FIELD_CHARS} characters"
            )),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!("field {name} must be a string, got {other}")),
        }
    }

    fn str(&mut self, name: &'static str) -> std::result::Result<String, String> {
        self.opt_str(name)?
            .ok_or_else(|| format!("missing field {name}"))
    }

    fn opt_bool(&mut self, name: &'static str) -> std::result::Result<Option<bool>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            // CSV cells are text.
            Some(Value::String(s)) if ["true", "1", "yes"].contains(&s.to_lowercase().as_str()) => {
                Ok(Some(true))
            }
            Some(Value::String(s)) if ["false", "0", "no"].contains(&s.to_lowercase().as_str()) => {
                Ok(Some(false))
            }
            Some(other) => Err(format!("field {name} must be true or false, got {other}")),
        }
    }

    /// Amounts: a string in the amount grammar, or a non-negative JSON integer.
    fn opt_amount(&mut self, name: &'static str) -> std::result::Result<Option<Decimal>, String> {
        self.used.push(name);
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => money::parse_decimal(s)
                .map(Some)
                .map_err(|e| format!("field {name}: {e}")),
            // A JSON number is read as written (its shortest form: `2.35` stays 2.35, never a
            // binary fraction); negative and exponent forms fail the amount grammar.
            Some(Value::Number(n)) => money::parse_decimal(&n.to_string())
                .map(Some)
                .map_err(|e| format!("field {name}: {e}")),
            Some(other) => Err(format!("field {name} must be an amount, got {other}")),
        }
    }

    fn amount(&mut self, name: &'static str) -> std::result::Result<Decimal, String> {
        self.opt_amount(name)?
            .ok_or_else(|| format!("missing field {name}"))
    }

    fn opt_time(&mut self, name: &'static str) -> std::result::Result<Option<Timestamp>, String> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(t) => clock::parse(&t)
                .map(Some)
                .ok_or_else(|| format!("field {name}: {:?} is not an RFC 3339 time", echoed(&t))),
        }
    }

    /// Every field present must be one the op knows.
    fn no_unknown(&self, op: &str) -> std::result::Result<(), String> {
        for k in self.map.keys() {
            if k != "op" && k != "key" && k != "at" && !self.used.contains(&k.as_str()) {
                return Err(format!("unknown field {:?} for op {op}", echoed(k)));
            }
        }
        Ok(())
    }
}

/// Parses one record into an operation (SPEC §7 field table).
pub fn parse_record(line: u64, map: &Map<String, Value>) -> std::result::Result<Operation, String> {
    let mut f = Fields {
        map,
        used: Vec::new(),
    };
    let op = f.str("op")?;
    let key = f.opt_str("key")?;
    if let Some(k) = &key {
        if k.is_empty() || k.chars().count() > MAX_KEY_LEN {
            return Err(format!("key must be 1 to {MAX_KEY_LEN} characters"));
        }
    }
    let at = f.opt_time("at")?;
    let command = match op.as_str() {
        "member.register" => Command::RegisterMember {
            name: f.str("name")?,
            email: f.str("email")?,
            address: f.opt_str("address")?,
            corporate: f.opt_bool("corporate")?.unwrap_or(false),
        },
        "member.update" => Command::UpdateMember {
            member: f.str("member")?,
            name: f.opt_str("name")?,
            address: f.opt_str("address")?,
        },
        "member.deactivate" => {
            // SPEC §7 lists update and deactivate in one row: name/address are accepted, unused.
            let member = f.str("member")?;
            f.opt_str("name")?;
            f.opt_str("address")?;
            Command::DeactivateMember { member }
        }
        "member.reactivate" => Command::ReactivateMember {
            member: f.str("member")?,
        },
        "bank.link" => Command::LinkBank {
            member: f.str("member")?,
            bank: f.str("bank")?,
            account: f.str("account")?,
        },
        "bank.unlink" => Command::UnlinkBank {
            link: LinkRef::Account {
                member: f.str("member")?,
                bank: f.str("bank")?,
                account: f.str("account")?,
            },
        },
        "bank.sim" => Command::SimSet {
            bank: f.str("bank")?,
            account: f.str("account")?,
            balance: f.opt_amount("balance")?,
            closed: f.opt_bool("closed")?,
        },
        "money.recharge" => Command::Recharge {
            member: f.str("member")?,
            amount: f.amount("amount")?,
            link: None,
        },
        "money.withdraw" => Command::Withdraw {
            member: f.str("member")?,
            amount: f.amount("amount")?,
            link: None,
        },
        "remit" => {
            let from = f.str("from")?;
            let amount = f.amount("amount")?;
            let to = match (
                f.opt_str("to")?,
                f.opt_str("to_bank")?,
                f.opt_str("to_account")?,
            ) {
                (Some(m), None, None) => RemitTo::Member(m),
                (None, Some(bank), Some(account)) => RemitTo::Bank { bank, account },
                _ => return Err("remit needs `to`, or `to_bank` and `to_account`".to_string()),
            };
            Command::Remit {
                from,
                amount,
                to,
                auto_recharge: f.opt_bool("auto_recharge")?.unwrap_or(true),
            }
        }
        "merchant.register" => Command::RegisterMerchant {
            name: f.str("name")?,
            code: f.str("code")?,
            fee_rate: f.amount("fee_rate")?,
            bank: f.str("bank")?,
            account: f.str("account")?,
        },
        "merchant.update" => Command::UpdateMerchant {
            merchant: f.str("merchant")?,
            fee_rate: f.opt_amount("fee_rate")?,
            bank: f.opt_str("bank")?,
            account: f.opt_str("account")?,
        },
        "pay" => Command::Pay {
            member: f.str("member")?,
            merchant: f.str("merchant")?,
            amount: f.amount("amount")?,
            reference: f.opt_str("ref")?,
            hold: f.opt_bool("hold")?.unwrap_or(false),
            auto_recharge: f.opt_bool("auto_recharge")?.unwrap_or(true),
        },
        "capture" => Command::Capture {
            payment: f.str("payment")?,
            amount: f.opt_amount("amount")?,
        },
        "void" => Command::Void {
            payment: f.str("payment")?,
        },
        "refund" => Command::Refund {
            payment: f.str("payment")?,
            amount: f.opt_amount("amount")?,
        },
        "settle" => Command::Settle {
            merchant: f.opt_str("merchant")?,
            cutoff: f.opt_time("cutoff")?,
        },
        other => return Err(format!("unknown op {:?}", echoed(other))),
    };
    f.no_unknown(&op)?;
    Ok(Operation {
        line,
        command,
        key,
        at,
    })
}
