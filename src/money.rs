//! Money: a currency with its minor units, and amounts on `rust_decimal` with the strict grammar of
//! SPEC §6. Nothing here rounds silently; every operation that could overflow is checked.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest amount payctl accepts, in minor units. Fifteen digits keeps every sum of amounts that a
/// store could plausibly hold far inside `i64`, which is how projections keep money (exact integers).
pub const MAX_AMOUNT_MINOR: i64 = 999_999_999_999_999;

/// Longest amount text looked at; anything longer is refused before any parsing work.
const MAX_AMOUNT_TEXT: usize = 64;

/// A store currency. Known ISO codes carry their minor units; unknown codes are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "KRW")]
    Krw,
    #[serde(rename = "JPY")]
    Jpy,
    #[serde(rename = "USD")]
    Usd,
    #[serde(rename = "EUR")]
    Eur,
    #[serde(rename = "GBP")]
    Gbp,
    #[serde(rename = "CNY")]
    Cny,
}

impl Currency {
    pub const ALL: [Currency; 6] = [
        Currency::Krw,
        Currency::Jpy,
        Currency::Usd,
        Currency::Eur,
        Currency::Gbp,
        Currency::Cny,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Krw => "KRW",
            Currency::Jpy => "JPY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Cny => "CNY",
        }
    }

    /// Digits after the decimal point that an amount in this currency may have.
    pub fn minor_units(self) -> u32 {
        match self {
            Currency::Krw | Currency::Jpy => 0,
            Currency::Usd | Currency::Eur | Currency::Gbp | Currency::Cny => 2,
        }
    }

    fn minor_factor(self) -> i64 {
        10_i64.pow(self.minor_units())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == upper)
            .ok_or_else(|| MoneyError::UnknownCurrency(s.to_string()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount {0:?} is not a valid amount: use digits, optionally grouped by 3 with ',' or '_', and a '.' fraction")]
    Syntax(String),
    #[error("amount {value:?} has more decimals than {currency} allows ({minor})")]
    TooManyDecimals {
        value: String,
        currency: Currency,
        minor: u32,
    },
    #[error("amount {0:?} must be greater than zero")]
    NotPositive(String),
    #[error("amount {0:?} is too large (maximum {MAX_AMOUNT_MINOR} minor units)")]
    Overflow(String),
    #[error("currency {0:?} is not supported (KRW, JPY, USD, EUR, GBP, CNY)")]
    UnknownCurrency(String),
    #[error("fee rate {0:?} is not valid: a percentage 0 to 100 with at most 2 decimals, e.g. 2.35")]
    FeeRate(String),
    #[error("arithmetic overflow")]
    ArithmeticOverflow,
}

/// Parses the amount grammar without a currency: the syntax check a command line can do before it
/// knows the store. Returns the exact decimal; scale and sign rules are `Amount::new`'s job.
pub fn parse_decimal(text: &str) -> Result<Decimal, MoneyError> {
    let err = || MoneyError::Syntax(text.to_string());
    if text.is_empty() || text.len() > MAX_AMOUNT_TEXT {
        return Err(err());
    }
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = grouped_digits(int_part).ok_or_else(err)?;
    let mut normalized = digits;
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        normalized.push('.');
        normalized.push_str(frac);
    }
    // 28 significant digits is rust_decimal's ceiling; anything near it is far past our maximum.
    if normalized.len() > 40 {
        return Err(MoneyError::Overflow(text.to_string()));
    }
    Decimal::from_str_exact(&normalized).map_err(|_| MoneyError::Overflow(text.to_string()))
}

/// `1234`, `1,234`, `1_234` (one separator kind, groups of exactly three) → the plain digits.
fn grouped_digits(int_part: &str) -> Option<String> {
    if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'_')
    {
        return None;
    }
    let has_comma = int_part.contains(',');
    let has_underscore = int_part.contains('_');
    if has_comma && has_underscore {
        return None;
    }
    if !has_comma && !has_underscore {
        return Some(int_part.to_string());
    }
    let sep = if has_comma { ',' } else { '_' };
    let mut groups = int_part.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// A positive-or-zero amount of the store currency, exact to its minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Validates a parsed decimal against the currency: minor units, sign, range.
    pub fn new(value: Decimal, currency: Currency) -> Result<Amount, MoneyError> {
        let shown = value.normalize().to_string();
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Syntax(shown));
        }
        if value.normalize().scale() > currency.minor_units() {
            return Err(MoneyError::TooManyDecimals {
                value: shown,
                currency,
                minor: currency.minor_units(),
            });
        }
        let minor = value
            .checked_mul(Decimal::from(currency.minor_factor()))
            .ok_or_else(|| MoneyError::Overflow(shown.clone()))?;
        if minor > Decimal::from(MAX_AMOUNT_MINOR) {
            return Err(MoneyError::Overflow(shown));
        }
        Ok(Amount(value.normalize()))
    }

    /// An amount to move: as `new`, and strictly greater than zero.
    pub fn positive(value: Decimal, currency: Currency) -> Result<Amount, MoneyError> {
        let a = Amount::new(value, currency)?;
        if a.is_zero() {
            return Err(MoneyError::NotPositive(value.normalize().to_string()));
        }
        Ok(a)
    }

    /// Parses text in the amount grammar and validates it for the currency (zero allowed).
    pub fn parse(text: &str, currency: Currency) -> Result<Amount, MoneyError> {
        Amount::new(parse_decimal(text)?, currency)
    }

    pub fn from_minor(minor: i64, currency: Currency) -> Amount {
        Amount(Decimal::new(minor, currency.minor_units()).normalize())
    }

    /// The amount in minor units (whole won, cents). Exact: `new` guarantees the scale and range.
    pub fn to_minor(self, currency: Currency) -> i64 {
        // In range and integral by construction (≤ MAX_AMOUNT_MINOR); the fallback is unreachable.
        minor_from_integral(self.0 * Decimal::from(currency.minor_factor())).unwrap_or(i64::MAX)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `None` when the result would be negative: amounts never are.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        let r = self.0.checked_sub(other.0)?;
        (!r.is_sign_negative() || r.is_zero()).then_some(Amount(r.normalize()))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let v = Decimal::from_str_exact(&s).map_err(serde::de::Error::custom)?;
        if v.is_sign_negative() && !v.is_zero() {
            return Err(serde::de::Error::custom("negative amount in event"));
        }
        Ok(Amount(v.normalize()))
    }
}

/// Signed minor units rendered as a decimal string in the currency: `-10000`, `12.50`.
pub fn minor_to_string(minor: i64, currency: Currency) -> String {
    Decimal::new(minor, currency.minor_units()).to_string()
}

/// Signed minor units for people: thousands separators and the currency code, `-1,234.50 USD`.
pub fn format_minor(minor: i64, currency: Currency) -> String {
    let text = minor_to_string(minor, currency);
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.as_str()),
    };
    let (int_part, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f} {currency}"),
        None => format!("{sign}{grouped} {currency}"),
    }
}

/// A merchant fee rate in percent: 0 ≤ rate ≤ 100, at most two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeeRate(Decimal);

impl FeeRate {
    pub fn new(value: Decimal) -> Result<FeeRate, MoneyError> {
        let n = value.normalize();
        if n.is_sign_negative() && !n.is_zero() || n > Decimal::from(100) || n.scale() > 2 {
            return Err(MoneyError::FeeRate(n.to_string()));
        }
        Ok(FeeRate(n))
    }

    pub fn parse(text: &str) -> Result<FeeRate, MoneyError> {
        let d = parse_decimal(text).map_err(|_| MoneyError::FeeRate(text.to_string()))?;
        FeeRate::new(d)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// `round_half_up(net × rate / 100)` to the currency's minor unit, in minor units.
    pub fn fee_minor(self, net_minor: i64, currency: Currency) -> Result<i64, MoneyError> {
        let net = Decimal::new(net_minor, currency.minor_units());
        let fee = net
            .checked_mul(self.0)
            .and_then(|v| v.checked_div(Decimal::from(100)))
            .ok_or(MoneyError::ArithmeticOverflow)?
            .round_dp_with_strategy(currency.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        let minor = fee
            .checked_mul(Decimal::from(currency.minor_factor()))
            .ok_or(MoneyError::ArithmeticOverflow)?;
        minor_from_integral(minor).ok_or(MoneyError::ArithmeticOverflow)
    }
}

fn minor_from_integral(d: Decimal) -> Option<i64> {
    let t = d.trunc().normalize();
    i64::try_from(t.mantissa()).ok()
}

impl fmt::Display for FeeRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for FeeRate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for FeeRate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let v = Decimal::from_str_exact(&s).map_err(serde::de::Error::custom)?;
        FeeRate::new(v).map_err(serde::de::Error::custom)
    }
}
