//! Number patterns of trial reports: counts (`12 (34%)`, `12/35`, `12 of 35`),
//! means with a spread (`45.2 ± 3.1`, `45.2 (3.1)`), sample sizes (`n = 35`),
//! p values, and plain numbers with their byte spans.
//!
//! Everything works on byte offsets that are always char boundaries: the text
//! holds `±`, `−`, `µ`, `≥`, so scanning is done over `char_indices`.

pub use super::pvalues::{p_significant, p_value, sample_size};

/// A number found in a text, with its byte span (`start..end`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num {
    pub value: f64,
    pub start: usize,
    pub end: usize,
    /// Written without a decimal point.
    pub is_int: bool,
    /// Directly followed by `%`.
    pub pct: bool,
}

/// Whether the spread after a mean is an SD, an SE, or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    Sd,
    Se,
    Unknown,
}

/// A statistic of one arm read from a cell or a clause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    /// Events with the denominator and/or percentage when printed.
    Count {
        events: f64,
        n: Option<f64>,
        pct: Option<f64>,
    },
    /// A mean and its spread (SD, SE or unknown).
    Mean {
        mean: f64,
        spread: Option<f64>,
        kind: Spread,
    },
    /// A median (or other) with a range or interval: never used as a mean,
    /// unless the bracket is labelled a 95% CI (`ci`), which with n gives an
    /// SD (Cochrane Handbook 6.5.2.3).
    Interval {
        centre: f64,
        lo: f64,
        hi: f64,
        ci: bool,
    },
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '−')
}

/// All numbers in `s`. A leading minus counts only when it is not a range dash
/// between two numbers (`50–64`, `10-20`).
pub fn scan(s: &str) -> Vec<Num> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
        // Digits glued to letters are names (HbA1c, CD4, SF-36), not values.
        let starts_number =
            c.is_ascii_digit() && !prev.is_some_and(|p| p.is_alphabetic() || p == '.' || p == '_');
        let signed = is_minus(c)
            && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit())
            && !prev.is_some_and(|p| p.is_alphanumeric() || p == '.' || p == ')');
        // An en dash used as a minus ("| –0.7 (1.5) |", "0.7% vs –4.0%",
        // PMC5541727): at the start of a cell or after a word, never between
        // two numbers ("18 – 40", "10–20").
        let last = chars
            .get(..i)
            .unwrap_or(&[])
            .iter()
            .rev()
            .map(|x| x.1)
            .find(|ch| !ch.is_whitespace());
        let signed = signed
            || (c == '–'
                && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit())
                && prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '|'))
                && !last.is_some_and(|l| l.is_ascii_digit() || matches!(l, '%' | ')' | ']' | '.')));
        // A sign set apart from its number right after a bracket: "(- 0.7 gm)"
        // (PMC1216327, "the patients fed WA (- 0.7 gm)").
        let spaced = (is_minus(c) || c == '–')
            && prev == Some('(')
            && chars.get(i + 1).is_some_and(|(_, d)| *d == ' ')
            && chars.get(i + 2).is_some_and(|(_, d)| d.is_ascii_digit());
        let signed = signed || spaced;
        let dot_start = c == '.'
            && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit())
            && !prev.is_some_and(|p| p.is_alphanumeric());
        if !(starts_number || signed || dot_start) {
            i += 1;
            continue;
        }
        let start = pos;
        let mut j = if spaced {
            i + 2
        } else if signed {
            i + 1
        } else {
            i
        };
        let mut digits = String::new();
        if signed {
            digits.push('-');
        }
        let mut is_int = true;
        while let Some(&(_, d)) = chars.get(j) {
            if d.is_ascii_digit() {
                digits.push(d);
            } else if (d == '.' || d == '·')
                && is_int
                && chars.get(j + 1).is_some_and(|(_, e)| e.is_ascii_digit())
            {
                digits.push('.');
                is_int = false;
            } else if d == ','
                && is_int
                && digits.trim_start_matches('-').len() <= 3
                && chars
                    .get(j + 1..j + 4)
                    .is_some_and(|w| w.iter().all(|(_, e)| e.is_ascii_digit()))
                && !chars.get(j + 4).is_some_and(|(_, e)| e.is_ascii_digit())
            {
                // A thousands separator: `6,051`.
            } else {
                break;
            }
            j += 1;
        }
        let end = chars.get(j).map_or(s.len(), |(p, _)| *p);
        let pct = chars.get(j).is_some_and(|(_, d)| *d == '%')
            || chars.get(j).is_some_and(|(_, d)| *d == ' ')
                && chars.get(j + 1).is_some_and(|(_, d)| *d == '%');
        if let Ok(value) = digits.parse::<f64>() {
            out.push(Num {
                value,
                start,
                end,
                is_int,
                pct,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// The text between two spans, trimmed (empty when they touch or overlap).
fn between<'a>(s: &'a str, a: &Num, b: &Num) -> &'a str {
    s.get(a.end..b.start).map_or("", str::trim)
}

/// `-1.65 kg/m2 (SD = 2.5; …)`, `3.34 cm (SD = 9.3)`: a mean, a short unit,
/// then a bracket naming its spread.
fn unit_then_labelled_spread(s: &str, first: &Num) -> Option<Stat> {
    let rest = s.get(first.end..)?;
    let open = rest.find(['(', '['])?;
    let unit = rest.get(..open)?.trim();
    let unit_like = !unit.is_empty()
        && unit.chars().count() <= 10
        && unit
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '%')
        && unit
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '/' | '%' | '.' | '²' | '³' | ' '));
    if !unit_like {
        return None;
    }
    let inner = rest.get(open..)?;
    let b = scan(inner).into_iter().next()?;
    let kind = labelled_spread(inner.get(..b.start)?)?;
    Some(Stat::Mean {
        mean: first.value,
        spread: Some(b.value),
        kind,
    })
}

/// The spread a bracket names before its number: "(SD =", "[sd", "(SE:", "(SEM".
fn labelled_spread(gap: &str) -> Option<Spread> {
    let g: String = gap
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '_')
        .collect::<String>()
        .to_lowercase();
    let g = g.trim_end_matches(['=', ':', ',']);
    let label = g.strip_prefix(['(', '['])?;
    match label {
        "sd" | "s.d." | "s.d" | "±sd" => Some(Spread::Sd),
        "se" | "s.e." | "s.e" | "sem" | "s.e.m." | "±se" | "±sem" => Some(Spread::Se),
        _ => None,
    }
}

/// Percent of `events` in `n`, to compare with a printed percentage.
fn pct_matches(events: f64, n: f64, pct: f64) -> bool {
    n > 0.0 && ((events / n * 100.0) - pct).abs() <= 0.6
}

/// Reads the first arm statistic of a short fragment (a table cell or a clause).
/// `n_hint` is the arm's group size when known; it tells `12 (34.3)` (a count and
/// its percentage) from `45.2 (3.1)` (a mean and SD).
pub fn parse_stat(s: &str, n_hint: Option<f64>) -> Option<Stat> {
    let nums = scan(s);
    let first = nums.first()?;
    if let Some(stat) = unit_then_labelled_spread(s, first) {
        return Some(stat);
    }
    let second = nums.get(1);
    let Some(b) = second else {
        return Some(match first.pct {
            true => Stat::Count {
                events: f64::NAN,
                n: None,
                pct: Some(first.value),
            },
            false if first.is_int => Stat::Count {
                events: first.value,
                n: None,
                pct: None,
            },
            false => Stat::Mean {
                mean: first.value,
                spread: None,
                kind: Spread::Unknown,
            },
        });
    };
    // "72.5 \[13.2\]": the converter's escaped brackets are brackets.
    let gap_owned = between(s, first, b).replace('\\', "");
    let gap = gap_owned.as_str();
    let third = nums.get(2);
    // `12/35` or `12 of 35`, optionally followed by `(34%)`.
    if first.is_int && b.is_int && (gap == "/" || gap == "of") && b.value >= first.value {
        let pct = third.filter(|t| t.pct).map(|t| t.value);
        return Some(Stat::Count {
            events: first.value,
            n: Some(b.value),
            pct,
        });
    }
    // `34% (12/35)`.
    if first.pct {
        if let Some(t) = third
            && b.is_int
            && t.is_int
            && between(s, b, t) == "/"
        {
            return Some(Stat::Count {
                events: b.value,
                n: Some(t.value),
                pct: Some(first.value),
            });
        }
        return Some(Stat::Count {
            events: f64::NAN,
            n: None,
            pct: Some(first.value),
        });
    }
    // `1.05% (SD = 2.0; …)`, `-1.05 [sd = 2.0]`, `4.1 (SD 12.4)`: the bracket
    // names its spread, so the first number is a mean even with a `%` unit.
    if let Some(kind) = labelled_spread(gap) {
        return Some(Stat::Mean {
            mean: first.value,
            spread: Some(b.value),
            kind,
        });
    }
    if gap.starts_with('±') || gap == "+/-" || gap == "+/−" || gap == "+-" {
        return Some(Stat::Mean {
            mean: first.value,
            spread: Some(b.value),
            kind: Spread::Unknown,
        });
    }
    let paren = gap == "(" || gap == "[" || gap == "(n)";
    if paren && b.pct && first.is_int {
        return Some(Stat::Count {
            events: first.value,
            n: None,
            pct: Some(b.value),
        });
    }
    if gap == "(n)" && first.is_int {
        return Some(Stat::Count {
            events: first.value,
            n: None,
            pct: Some(b.value),
        });
    }
    let dash = |x: &Num, y: &Num| {
        let g = between(s, x, y);
        g == "–" || g == "-" || g == "," || g == "to" || g == "—" || g == "−" || g == ";"
    };
    // `4.1 (95% CI 3.2–5.0)`, `12.5 (95% confidence interval: 10.1 to 14.9)`:
    // never a mean with an SD of 95.
    // A short unit may come before the bracket: "12.88 g/l (95% CI 6.03 to 19.74 g/l)".
    let unit_bracket = gap.ends_with(['(', '['])
        && gap.chars().count() <= 12
        && !gap.contains(|c: char| c.is_ascii_digit() || c == ';' || c == ',');
    if unit_bracket && b.pct && b.value == 95.0 {
        let label = s
            .get(b.end..third.map_or(s.len(), |t| t.start))
            .unwrap_or("")
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '%'))
            .to_lowercase();
        let ci = label == "ci" || label == "confidence interval";
        return match (third, nums.get(3)) {
            (Some(t), Some(u)) if ci && dash(t, u) => Some(Stat::Interval {
                centre: first.value,
                lo: t.value,
                hi: u.value,
                ci: true,
            }),
            _ => None,
        };
    }
    // A range or interval: `45 (40–50)`, `45 [40, 50]`, `45 (40 to 50)`.
    if paren && let Some(t) = third.filter(|t| dash(b, t)) {
        return Some(Stat::Interval {
            centre: first.value,
            lo: b.value,
            hi: t.value,
            ci: false,
        });
    }
    if gap == "(" || gap == "[" {
        // `12 (34.3)` is a count when the bracket is its percentage of the arm.
        if first.is_int && n_hint.is_some_and(|n| pct_matches(first.value, n, b.value)) {
            return Some(Stat::Count {
                events: first.value,
                n: n_hint,
                pct: Some(b.value),
            });
        }
        // A spread is never negative: "-1.05 (-1.54 …" is no mean and SD.
        return (b.value >= 0.0).then_some(Stat::Mean {
            mean: first.value,
            spread: Some(b.value),
            kind: Spread::Unknown,
        });
    }
    // Two bare numbers side by side (split mean / SD columns).
    if gap.is_empty() && !b.pct {
        return Some(Stat::Mean {
            mean: first.value,
            spread: Some(b.value),
            kind: Spread::Unknown,
        });
    }
    if b.pct && first.is_int && gap.is_empty() {
        return Some(Stat::Count {
            events: first.value,
            n: None,
            pct: Some(b.value),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean(s: &str) -> Option<(f64, Option<f64>)> {
        match parse_stat(s, None) {
            Some(Stat::Mean { mean, spread, .. }) => Some((mean, spread)),
            _ => None,
        }
    }

    #[test]
    fn numbers_with_signs_ranges_and_separators() {
        // PMC1216327: "had diarrhea for 50–64 hours" is a range, not -64.
        let v: Vec<f64> = scan("for 50–64 hours, −0.7 gm and 6,051 of HbA1c")
            .iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(v, vec![50.0, 64.0, -0.7, 6051.0]);
        // PMC5541727 Table 4 cell and abstract: an en dash as a minus sign.
        let v: Vec<f64> = scan("–0.7 (1.5) and 0.7% vs –4.0% over 26 weeks")
            .iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(v, vec![-0.7, 1.5, 0.7, -4.0, 26.0]);
        // PMC1216327 abstract: a sign set apart after a bracket.
        let v: Vec<f64> = scan("WGJ (+ 50.7 gm) … WA (- 0.7 gm); from 3 - 5 days")
            .iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(v, vec![50.7, -0.7, 3.0, 5.0]);
        // Trap: an en dash between numbers is a range, spaced or not.
        let v: Vec<f64> = scan("aged 18 – 40 years, (10–20), 5% –10%")
            .iter()
            .map(|n| n.value)
            .collect();
        assert_eq!(v, vec![18.0, 40.0, 10.0, 20.0, 5.0, 10.0]);
        assert!(scan("43.3%")[0].pct);
    }

    #[test]
    fn means_with_spreads() {
        // PMC1216327 abstract: "47.5 ± 38.9".
        assert_eq!(mean("47.5 ± 38.9"), Some((47.5, Some(38.9))));
        assert_eq!(mean("117.63 (19.01)"), Some((117.63, Some(19.01))));
        assert_eq!(mean("10.27   4.14"), Some((10.27, Some(4.14))));
        assert!(matches!(
            parse_stat("25 (12–40)", None),
            Some(Stat::Interval { .. })
        ));
    }

    #[test]
    fn brackets_naming_their_spread() {
        // PMC5777645 abstract: "the decrease in HbA1c levels was 1.05% (SD = 2.0;
        // CI95%: 1.54;-0.56)" — a mean change in % units, not a proportion.
        assert_eq!(
            parse_stat("1.05% (SD = 2.0; CI95%: 1.54;-0.56)", None),
            Some(Stat::Mean {
                mean: 1.05,
                spread: Some(2.0),
                kind: Spread::Sd
            })
        );
        // PMC5777645 Table 2: a mean and its 95% CI split by a semicolon;
        // a negative number in the bracket is never an SD.
        assert!(matches!(
            parse_stat("-1.05 (-1.54; -0.56)", None),
            Some(Stat::Interval { lo, hi, .. }) if lo == -1.54 && hi == -0.56
        ));
        assert_eq!(mean("-0.4 (-2.3)"), None);
        // PMC5777645 results: "(-1.05 [sd = 2.0])".
        assert_eq!(
            parse_stat("-1.05 [sd = 2.0]", None),
            Some(Stat::Mean {
                mean: -1.05,
                spread: Some(2.0),
                kind: Spread::Sd
            })
        );
        // Trap: a bracket naming an SE stays an SE (the SD is derived with n).
        assert!(matches!(
            parse_stat("12.3 (SE = 1.1)", None),
            Some(Stat::Mean {
                kind: Spread::Se,
                ..
            })
        ));
        // PMC5777645: a unit between the mean and its labelled spread.
        assert_eq!(
            parse_stat("-1.65 kg/m2 (SD = 2.5; CI95%: -2.25; -1.06)", None),
            Some(Stat::Mean {
                mean: -1.65,
                spread: Some(2.5),
                kind: Spread::Sd
            })
        );
        assert_eq!(
            parse_stat("3.34 cm (SD = 9.3; CI95%: -5.56;-1.13)", None),
            Some(Stat::Mean {
                mean: 3.34,
                spread: Some(9.3),
                kind: Spread::Sd
            })
        );
        // A unit before an unlabelled bracket is left to the other rules.
        assert!(!matches!(
            parse_stat("12 patients (34%)", None),
            Some(Stat::Mean { .. })
        ));
        // Not a spread label: a count with its percentage.
        assert!(matches!(
            parse_stat("12 (34%)", None),
            Some(Stat::Count { .. })
        ));
    }

    #[test]
    fn counts_in_their_spellings() {
        // PMC5614421-style "42/402 (10.4%)" and PMC1216327 table "13 (n) 43.3%".
        assert_eq!(
            parse_stat("42/402 (10.4%)", None),
            Some(Stat::Count {
                events: 42.0,
                n: Some(402.0),
                pct: Some(10.4)
            })
        );
        assert_eq!(
            parse_stat("13 (n) 43.3%", None),
            Some(Stat::Count {
                events: 13.0,
                n: None,
                pct: Some(43.3)
            })
        );
        assert_eq!(
            parse_stat("29 (60.4%)", None),
            Some(Stat::Count {
                events: 29.0,
                n: None,
                pct: Some(60.4)
            })
        );
        // Without a % sign the bracket is a percentage only when it fits n.
        assert!(matches!(
            parse_stat("29 (60.4)", Some(48.0)),
            Some(Stat::Count { .. })
        ));
        assert!(matches!(
            parse_stat("29 (6.4)", Some(48.0)),
            Some(Stat::Mean { .. })
        ));
    }

    #[test]
    fn a_bracketed_95_ci_is_an_interval_not_an_sd_of_95() {
        assert_eq!(
            parse_stat("4.1 (95% CI 3.2–5.0)", None),
            Some(Stat::Interval {
                centre: 4.1,
                lo: 3.2,
                hi: 5.0,
                ci: true
            })
        );
        assert_eq!(
            parse_stat("12.5 (95% confidence interval: 10.1 to 14.9)", None),
            Some(Stat::Interval {
                centre: 12.5,
                lo: 10.1,
                hi: 14.9,
                ci: true
            })
        );
        // A unit before the bracket (cermine_test5, a pooled estimate).
        assert!(matches!(
            parse_stat("12.88 g/l (95% CI 6.03 to 19.74 g/l, p<0.00001)", None),
            Some(Stat::Interval {
                ci: true,
                lo: 6.03,
                ..
            })
        ));
        // Unlabelled, the bracket may be a range or an IQR: not a CI.
        assert!(matches!(
            parse_stat("4.1 (3.2–5.0)", None),
            Some(Stat::Interval { ci: false, .. })
        ));
        // "95%" then something else: nothing is read.
        assert_eq!(parse_stat("4.1 (95% of patients)", None), None);
    }
}
