//! Numbers written for people: the formatting that explanations, reports and the command line
//! share. Sits below every stage (it depends on nothing of the crate), so that the scoring core
//! can word its reasons without reaching up into `export`. No I/O.

/// A whole number with thousands separators: 64187 → "64,187".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, want) in
            [(0, "0"), (999, "999"), (1_000, "1,000"), (64_187, "64,187"), (1_234_567, "1,234,567")]
        {
            assert_eq!(super::thousands(n), want);
        }
    }
}
