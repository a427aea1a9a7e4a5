//! Text for the screen: stored strings escaped, money with separators.

use payctl_core::money::Currency;
use rust_decimal::Decimal;

/// Control characters (ESC, BEL, CR, …) become visible escapes: a member named with terminal
/// escape codes cannot change the screen.
pub fn clean(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `47000` → `47,000`; with the currency's minor digits (`12.50`).
pub fn amount(value: Decimal, currency: Currency) -> String {
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
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `amount` followed by the currency code.
pub fn money(value: Decimal, currency: Currency) -> String {
    format!("{} {currency}", amount(value, currency))
}

/// At most `width` characters, with an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_are_shown_not_obeyed() {
        assert_eq!(clean("Kim\u{1b}[2J"), "Kim\\u{1b}[2J");
        assert_eq!(clean("plain"), "plain");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(
            amount(Decimal::new(-4700000, 0), Currency::Krw),
            "-4,700,000"
        );
        assert_eq!(money(Decimal::new(1250, 2), Currency::Usd), "12.50 USD");
    }
}
