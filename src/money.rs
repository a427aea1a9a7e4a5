//! Money: a currency with its minor units, and amounts on `rust_decimal` with the strict grammar of
//! SPEC §6. Nothing here rounds silently; every operation that could overflow is checked.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest amount payctl accepts, in minor units. Fifteen digits keeps every sum of amounts that a
/// store could plausibly hold far inside `i64`, which is how projections keep money (exact integers).
pub const MAX_AMOUNT_MINOR: i64 = 999_999_999_999_999;
/// The largest balance, total or settlement figure payctl keeps, in minor units and either sign
/// (18 nines: a thousand times the largest amount, well inside SQLite's 64-bit integers).
pub const MAX_BALANCE_MINOR: i64 = 999_999_999_999_999_999;

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
    #[error(
        "amount {0:?} is not a valid amount: use digits, optionally grouped by 3 with ',' or '_', and a '.' fraction"
    )]
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
    #[error(
        "fee rate {0:?} is not valid: a percentage 0 to 100 with at most 2 decimals, e.g. 2.35"
    )]
    FeeRate(String),
    #[error("arithmetic overflow")]
    ArithmeticOverflow,
}

/// Parses the amount grammar without a currency: the syntax check a command line can do before it
/// knows the store. Returns the exact decimal; scale and sign rules are `Amount::new`'s job.
pub fn parse_decimal(text: &str) -> Result<Decimal, MoneyError> {
    let err = || MoneyError::Syntax(crate::error::echoed(text).into_owned());
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
    if int_part.is_empty()
        || !int_part
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'_')
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

/// `47000` → `47,000`; with the currency's minor digits (`12.50`), grouped by threes.
pub fn grouped(value: Decimal, currency: Currency) -> String {
    let mut v = value;
    v.rescale(currency.minor_units());
    let text = v.to_string();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text.as_str()),
    };
    let (int_part, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(sign.len() + int_part.len() * 4 / 3 + 4);
    out.push_str(sign);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `grouped` followed by the currency code: `7,000 KRW`, `-12.50 USD`. What people read.
pub fn shown(value: Decimal, currency: Currency) -> String {
    format!("{} {currency}", grouped(value, currency))
}

/// `shown` of an amount in minor units.
pub fn shown_minor(minor: i64, currency: Currency) -> String {
    shown(Decimal::new(minor, currency.minor_units()), currency)
}

/// A positive-or-zero amount of the store currency, exact to its minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Validates a parsed decimal against the currency: minor units, sign, range.
    pub fn new(value: Decimal, currency: Currency) -> Result<Amount, MoneyError> {
        let shown = value.to_string();
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Syntax(shown));
        }
        // The digits typed after '.' count, not the value: `1.0` has one decimal (SPEC grammar).
        if value.scale() > currency.minor_units() {
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
        // The usual case, without decimal arithmetic: mantissa × 10^(minor units − scale).
        let (units, scale) = (currency.minor_units(), self.0.scale());
        if let Some(shift) = units.checked_sub(scale)
            && let Some(minor) = self.0.mantissa().checked_mul(10_i128.pow(shift))
            && let Ok(minor) = i64::try_from(minor)
        {
            return minor;
        }
        // In range and integral by construction (≤ MAX_AMOUNT_MINOR); the fallback is reached
        // only by an amount decoded from an edited log, and must not panic on it.
        self.0
            .checked_mul(Decimal::from(currency.minor_factor()))
            .and_then(minor_from_integral)
            .unwrap_or(i64::MAX)
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

/// Deserializes a value from a JSON string through `parse`, borrowing the text where the
/// input allows (no allocation per value).
pub(crate) struct TextVisitor<F>(pub &'static str, pub F);

impl<T, F: FnOnce(&str) -> Result<T, String>> serde::de::Visitor<'_> for TextVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
        (self.1)(s).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor("an amount", |s: &str| {
            let v = Decimal::from_str_exact(s).map_err(|e| e.to_string())?;
            if v.is_sign_negative() && !v.is_zero() {
                return Err("negative amount in event".to_string());
            }
            Ok(Amount(v.normalize()))
        }))
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
            .round_dp_with_strategy(
                currency.minor_units(),
                RoundingStrategy::MidpointAwayFromZero,
            );
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
        d.deserialize_str(TextVisitor("a fee rate", |s: &str| {
            let v = Decimal::from_str_exact(s).map_err(|e| e.to_string())?;
            FeeRate::new(v).map_err(|e| e.to_string())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, currency, expected): `Ok(text)` is the normalized amount, `Err(())` a refusal.
    #[test]
    fn amount_grammar_accepts_and_refuses_exactly_what_the_spec_says() {
        use Currency::*;
        let cases: &[(&str, Currency, Option<&str>)] = &[
            // accepted
            ("0", Krw, Some("0")),
            ("1", Krw, Some("1")),
            ("10000", Krw, Some("10000")),
            ("10,000", Krw, Some("10000")),
            ("10_000", Krw, Some("10000")),
            ("1,000,000", Krw, Some("1000000")),
            ("1_000_000", Krw, Some("1000000")),
            ("999", Krw, Some("999")),
            ("007", Krw, Some("7")),
            ("12.50", Usd, Some("12.5")),
            ("12.5", Usd, Some("12.5")),
            ("0.01", Usd, Some("0.01")),
            ("1,234.56", Eur, Some("1234.56")),
            ("5", Jpy, Some("5")),
            ("1.0", Krw, None),
            ("2.00", Jpy, None),
            ("12.500", Usd, None),
            ("999,999,999,999,999", Krw, Some("999999999999999")),
            ("9999999999999.99", Usd, Some("9999999999999.99")),
            // refused: signs, exponents, spaces, separators in the wrong places
            ("1e3", Krw, None),
            ("1E3", Krw, None),
            ("-5", Krw, None),
            ("+5", Krw, None),
            (" 5", Krw, None),
            ("5 ", Krw, None),
            ("1 000", Krw, None),
            ("1,00", Krw, None),
            ("1__000", Krw, None),
            ("1,0000", Krw, None),
            (",100", Krw, None),
            ("100,", Krw, None),
            ("1,000_000", Krw, None),
            ("1000,000", Krw, None),
            ("_100", Krw, None),
            ("", Krw, None),
            (".", Krw, None),
            (".5", Usd, None),
            ("5.", Usd, None),
            ("1.2.3", Usd, None),
            ("1.5", Krw, None),
            ("1.5", Jpy, None),
            ("12.345", Usd, None),
            ("0.001", Eur, None),
            ("1.000,50", Eur, None),
            ("１２", Krw, None),
            ("12abc", Krw, None),
            ("0x10", Krw, None),
            ("NaN", Krw, None),
            ("inf", Krw, None),
            ("₩100", Krw, None),
            ("100KRW", Krw, None),
            ("123456789012345678901234567890", Krw, None),
            ("1,000,000,000,000,000", Krw, None),
            ("10000000000000.00", Usd, None),
            ("1.00000000000000000000000000001", Usd, None),
        ];
        assert!(cases.len() >= 40);
        for (input, currency, expected) in cases {
            let got = Amount::parse(input, *currency).map(|a| a.to_string()).ok();
            assert_eq!(got.as_deref(), *expected, "input {input:?} in {currency}");
        }
    }

    #[test]
    fn amounts_to_move_must_be_positive() {
        assert!(Amount::positive(Decimal::ZERO, Currency::Krw).is_err());
        assert!(Amount::positive(Decimal::ONE, Currency::Krw).is_ok());
    }

    #[test]
    fn minor_units_by_the_mantissa_equal_the_decimal_arithmetic() {
        let decimal_path = |a: Amount, c: Currency| {
            a.0.checked_mul(Decimal::from(c.minor_factor()))
                .and_then(minor_from_integral)
                .unwrap_or(i64::MAX)
        };
        let mut amounts: Vec<Decimal> = [0_i64, 1, 5, 10, 99, 12_345, 1_000_000, i64::MAX]
            .into_iter()
            .flat_map(|m| (0..=4).map(move |scale| Decimal::new(m, scale)))
            .collect();
        amounts.extend([
            Decimal::MAX,
            Decimal::new(1, 28),
            Decimal::from(i64::MAX) * Decimal::TEN,
        ]);
        for value in amounts {
            // As decoded from a payload: normalized, and unchecked against the currency.
            let a = Amount(value.normalize());
            for c in Currency::ALL {
                assert_eq!(a.to_minor(c), decimal_path(a, c), "{value} {c:?}");
            }
        }
        assert_eq!(
            Amount(Decimal::MAX).to_minor(Currency::Usd),
            i64::MAX,
            "no overflow panic"
        );
    }

    #[test]
    fn minor_units_round_trip() {
        let a = Amount::parse("1,234.56", Currency::Usd).unwrap_or_default();
        assert_eq!(a.to_minor(Currency::Usd), 123_456);
        assert_eq!(Amount::from_minor(123_456, Currency::Usd), a);
        assert_eq!(
            Amount::from_minor(47_000, Currency::Krw).to_string(),
            "47000"
        );
    }

    #[test]
    fn fees_round_half_up_per_payment() {
        let rate = FeeRate::parse("2.35").unwrap_or(FeeRate(Decimal::ZERO));
        assert_eq!(rate.fee_minor(3000, Currency::Krw), Ok(71)); // 70.5 → 71
        assert_eq!(rate.fee_minor(5500, Currency::Krw), Ok(129)); // 129.25 → 129
        assert_eq!(rate.fee_minor(0, Currency::Krw), Ok(0));
        let half = FeeRate::parse("0.5").unwrap_or(FeeRate(Decimal::ZERO));
        assert_eq!(half.fee_minor(1, Currency::Usd), Ok(0)); // 0.00005 → 0.00
        assert_eq!(half.fee_minor(100, Currency::Usd), Ok(1)); // 0.005 → 0.01
    }

    #[test]
    fn fee_rates_are_percentages_with_two_decimals() {
        for ok in ["0", "2.35", "100", "99.99"] {
            assert!(FeeRate::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["100.01", "2.355", "-1", "abc", "1e2"] {
            assert!(FeeRate::parse(bad).is_err(), "{bad}");
        }
    }
}
