//! The order people count in: `mem_2` before `mem_10`. Lists of names (ledger accounts) come
//! out in it on every surface.

/// Orders text as people count: runs of digits by their value (`mem_2` before `mem_10`), the
/// rest as text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let (Some(x), Some(y)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        let order = if x.is_ascii_digit() && y.is_ascii_digit() {
            let (da, ra) = split_digits(a);
            let (db, rb) = split_digits(b);
            (a, b) = (ra, rb);
            let (ta, tb) = (da.trim_start_matches('0'), db.trim_start_matches('0'));
            ta.len()
                .cmp(&tb.len())
                .then(ta.cmp(tb))
                .then(da.len().cmp(&db.len()))
        } else {
            (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            x.cmp(&y)
        };
        if order.is_ne() {
            return order;
        }
    }
}

/// The leading run of ASCII digits, and the rest.
fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn numbers_inside_names_sort_by_value() {
        let mut ids = vec![
            "liabilities:wallets:mem_10",
            "assets:bank:house",
            "liabilities:wallets:mem_2",
            "liabilities:merchants:mer_1",
            "liabilities:wallets:mem_1",
            "income:fees",
            "liabilities:wallets:mem_02",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "assets:bank:house",
                "income:fees",
                "liabilities:merchants:mer_1",
                "liabilities:wallets:mem_1",
                "liabilities:wallets:mem_2",
                "liabilities:wallets:mem_02",
                "liabilities:wallets:mem_10",
            ]
        );
        assert!(natural_cmp("a", "a").is_eq());
        assert!(natural_cmp("a", "ab").is_lt());
        assert!(natural_cmp("x9", "x10").is_lt());
    }
}
