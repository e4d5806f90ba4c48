//! Sample sizes (`n = 35`) and p values (`P < .001`) in a text.

use super::numbers::scan;

/// Spaces (also thin and no-break ones, "n\u{2009}=\u{2009}6") and the
/// emphasis markers of the converter's Markdown.
fn skippable(c: char) -> bool {
    c.is_whitespace() || c == '*' || c == '_'
}

/// A sample size written as `n = 35`, `(n=35)`, `N: 35` at `s[at..]` or nearby:
/// returns the first such size in `s` with its byte span.
pub fn sample_size(s: &str) -> Option<(f64, usize, usize)> {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices('n') {
        // A standalone `n` (not inside a word).
        let before_ok = i == 0 || !bytes.get(i - 1).is_some_and(|b| b.is_ascii_alphanumeric());
        let after_ok = !bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric());
        if !before_ok || !after_ok {
            continue;
        }
        let rest = s.get(i + 1..)?;
        // Emphasis the converter keeps around an italic n: "*n* = 6", "***n*** **= 11".
        let trimmed = rest.trim_start_matches(skippable);
        let Some(after_eq) = trimmed
            .strip_prefix('=')
            .or_else(|| trimmed.strip_prefix(':'))
        else {
            continue;
        };
        let offset = s.len() - after_eq.len();
        let nums = scan(after_eq);
        if let Some(n) = nums.first() {
            let lead = after_eq.get(..n.start).unwrap_or("x");
            if lead.trim_matches(skippable).is_empty() && n.is_int && n.value > 0.0 && !n.pct {
                return Some((n.value, i, offset + n.end));
            }
        }
    }
    None
}

/// A p value in `s`: `p = 0.006`, `P < .001`, `p>0.05`. Returns the value and
/// whether it was written as an upper bound (`<`) or lower bound (`>`).
pub fn p_value(s: &str) -> Option<(f64, char)> {
    let lower = s.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices('p') {
        if i > 0 && bytes.get(i - 1).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let rest = lower.get(i + 1..)?;
        let rest = rest
            .strip_prefix(" value")
            .or_else(|| rest.strip_prefix("-value"))
            .unwrap_or(rest);
        // "*P* = .005": the converter's emphasis around an italic P.
        let rest = rest.trim_start_matches(skippable);
        let (op, tail) = if let Some(t) = rest.strip_prefix("<=").or_else(|| rest.strip_prefix('≤'))
        {
            ('<', t)
        } else if let Some(t) = rest.strip_prefix('<') {
            ('<', t)
        } else if let Some(t) = rest.strip_prefix(">=").or_else(|| rest.strip_prefix('≥')) {
            ('>', t)
        } else if let Some(t) = rest.strip_prefix('>') {
            ('>', t)
        } else if let Some(t) = rest.strip_prefix('=') {
            ('=', t)
        } else {
            continue;
        };
        let tail = tail.trim_start_matches(skippable);
        let nums = scan(tail);
        if let Some(n) = nums.first()
            && n.start == 0
            && (0.0..=1.0).contains(&n.value)
        {
            return Some((n.value, op));
        }
    }
    None
}

/// Whether a p value says the difference is significant (at 0.05), if it says.
pub fn p_significant(p: (f64, char)) -> Option<bool> {
    match p.1 {
        '<' if p.0 <= 0.05 => Some(true),
        '>' if p.0 >= 0.05 => Some(false),
        '=' => Some(p.0 < 0.05),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_sizes_and_p_values() {
        assert_eq!(
            sample_size("White Grape Juice n = 30").map(|t| t.0),
            Some(30.0)
        );
        assert_eq!(sample_size("placebo (N=656)").map(|t| t.0), Some(656.0));
        assert_eq!(sample_size("mean (SD)"), None);
        assert_eq!(p_value("(p = 0.006)"), Some((0.006, '=')));
        assert_eq!(p_value("P < .001"), Some((0.001, '<')));
        assert_eq!(p_significant((0.08, '=')), Some(false));
    }

    #[test]
    fn emphasis_and_thin_spaces_of_the_converter() {
        // PMC3169777: "(*n*\u{2009}=\u{2009}6 per dose group)"; PMC5541727 "(***n*** **= 11)".
        assert_eq!(
            sample_size("macitentan (*n*\u{2009}=\u{2009}6 per dose group)").map(|t| t.0),
            Some(6.0)
        );
        assert_eq!(
            sample_size("MPC + HA (***n*** **= 11)").map(|t| t.0),
            Some(11.0)
        );
        // PMC3475525: "(*P* = .005)".
        assert_eq!(p_value("(*d* = 0.40, *P* = .005)"), Some((0.005, '=')));
        assert_eq!(p_value("***P*** **< .001**"), Some((0.001, '<')));
        // Trap: an italic n not followed by "=" is no sample size.
        assert_eq!(sample_size("*n* (%)"), None);
    }
}
