//! Text for the screen: stored strings escaped, money with separators.

use payctl_core::money::Currency;
use rust_decimal::Decimal;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
    payctl_core::money::grouped(value, currency)
}

/// `amount` followed by the currency code.
pub fn money(value: Decimal, currency: Currency) -> String {
    payctl_core::money::shown(value, currency)
}

/// Columns `text` takes on a terminal (wide Korean characters count 2), as ratatui measures it.
pub fn width_of(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// At most `width` terminal columns, with an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` in lines of at most `width` terminal columns, broken at spaces where it can be (a word
/// longer than a line is broken where the line ends).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = width_of(word);
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
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

    #[test]
    fn fit_cuts_by_display_width_with_an_ellipsis() {
        assert_eq!(fit("Kim Minji", 9), "Kim Minji");
        assert_eq!(fit("Kim Minji", 6), "Kim M…");
        // Each Hangul syllable takes two columns: a cut never leaves half of one.
        assert_eq!(fit("한빛커피", 8), "한빛커피");
        assert_eq!(fit("한빛커피", 7), "한빛커…");
        assert_eq!(fit("한빛커피", 6), "한빛…");
        assert_eq!(width_of(&fit("한빛커피", 6)), 5);
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_within_words_too_long_for_a_line() {
        assert_eq!(
            wrap("Refused (insufficient_funds): has 7,000 KRW", 22),
            vec!["Refused", "(insufficient_funds):", "has 7,000 KRW"]
        );
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 10), vec![""]);
        assert!(wrap("한빛커피 강남점", 5).iter().all(|l| width_of(l) <= 5));
    }
}
