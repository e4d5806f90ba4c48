//! Text normalisation for finding a quote in a paper.
//!
//! A model's quote and the paper's text rarely agree byte for byte: the PDF
//! converter keeps ligatures, line-end hyphens and markdown, the model writes
//! straight quotes and plain hyphens. Both sides go through [`normalise`] and are
//! compared in normalised space; [`Normalised::offsets`] maps a match back to
//! byte offsets in the original, which is what the server stores and the
//! viewer highlights.
//!
//! Std only and table-free on purpose: it also runs in the browser (wasm) on
//! pdf.js's text layer, where every kilobyte of code counts. What it does:
//! - ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) are spelt out; `…` becomes `...`; micro sign → μ;
//! - curly quotes and primes become `'` or `"`;
//! - dashes (‐ ‑ ‒ – — ―) and the minus sign (−) become `-`;
//! - a hyphen or dash between two letters is dropped, and so is a hyphen at a
//!   line end followed by a lowercase letter ("treat-\nment" → "treatment"),
//!   so that "double-blind", "double-\nblind" and "doubleblind" compare equal;
//! - a middle dot between digits is a decimal point (12·5 → 12.5);
//! - all Unicode whitespace and table pipes become one space per run, with no
//!   space at either end; soft hyphens and zero-width characters are removed;
//! - markdown: `*` (emphasis, bold, footnote stars), `_` runs not inside a
//!   word, and heading markers (`## ` at a line start) are removed;
//! - everything is lowercased.

/// A normalised text and where each of its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalised {
    pub text: String,
    /// Byte offsets into the original: `offsets[i]` is where the original
    /// character that produced byte `i` of `text` starts (all bytes of one
    /// output character, and all characters of an expansion such as "ffi"
    /// from "ﬃ", share it). One final extra entry holds the original's length,
    /// so `offsets.len() == text.len() + 1` and a match `start..end` in `text`
    /// is `offsets[start]..offsets[end]` in the original (see
    /// [`Normalised::original_range`]).
    pub offsets: Vec<usize>,
}

impl Normalised {
    /// The original byte range of the normalised byte range `start..end`; both
    /// ends are char boundaries of the original. Characters the normaliser
    /// removes (markup, soft hyphens) right after the match are inside the
    /// range, those right before it are not. `None` if the range is not on
    /// char boundaries of `text`.
    pub fn original_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start > end || !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            return None;
        }
        let from = *self.offsets.get(start)?;
        let to = *self.offsets.get(end)?;
        Some((from, to.max(from)))
    }
}

/// Normalises `text` (see the module documentation).
pub fn normalise(text: &str) -> Normalised {
    let mut out = Builder {
        text: String::with_capacity(text.len()),
        offsets: Vec::with_capacity(text.len() + 1),
        pending_space: None,
        last: None,
    };
    let mut chars = text.char_indices().peekable();
    let mut line_start = true;
    while let Some((at, c)) = chars.next() {
        // The common cases first, without looking ahead: this loop runs over
        // every page of every paper.
        if matches!(c, '!'..='~') && !matches!(c, '|' | '*' | '_' | '#' | '-' | '`') {
            out.push(c.to_ascii_lowercase(), at);
            line_start = false;
            continue;
        }
        if c == ' ' {
            out.space(at);
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.space(at);
                line_start = true;
                continue;
            }
            '|' => out.space(at),
            _ if c.is_whitespace() => {
                out.space(at);
                continue;
            }
            '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '*' => {}
            '\u{ad}' => {
                // A soft hyphen is invisible, except that at a line end it
                // marks a hyphenated word: join the two halves.
                if out.glued(char::is_alphabetic) && line_break_then(&chars, char::is_lowercase) {
                    skip_whitespace(&mut chars);
                }
            }
            '_' => {
                if out.glued(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric) {
                    out.push('_', at);
                }
            }
            '#' if line_start => {
                // A markdown heading marker is markup, not text.
                let mut look = chars.clone();
                while look.next_if(|&(_, n)| n == '#').is_some() {}
                if look.peek().is_some_and(|&(_, n)| n == ' ' || n == '\t') {
                    chars = look;
                } else {
                    out.push('#', at);
                }
            }
            '-' | '\u{2010}' | '\u{2011}' => dash(&mut out, &mut chars, at, next, true),
            '\u{2012}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => {
                dash(&mut out, &mut chars, at, next, false)
            }
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}' | '`'
            | '\u{b4}' | '\u{2039}' | '\u{203a}' => out.push('\'', at),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{2036}'
            | '\u{ab}' | '\u{bb}' => out.push('"', at),
            '\u{fb00}' => out.push_str("ff", at),
            '\u{fb01}' => out.push_str("fi", at),
            '\u{fb02}' => out.push_str("fl", at),
            '\u{fb03}' => out.push_str("ffi", at),
            '\u{fb04}' => out.push_str("ffl", at),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st", at),
            '\u{2026}' => out.push_str("...", at),
            '\u{b5}' => out.push('\u{3bc}', at),
            '\u{b7}' | '\u{2219}' | '\u{22c5}' => {
                let decimal =
                    out.glued(|l| l.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
                out.push(if decimal { '.' } else { c }, at);
            }
            _ => {
                for lower in c.to_lowercase() {
                    out.push(lower, at);
                }
            }
        }
        line_start = false;
    }
    out.offsets.push(text.len());
    Normalised {
        text: out.text,
        offsets: out.offsets,
    }
}

/// The normalised text alone.
pub fn normalise_str(text: &str) -> String {
    normalise(text).text
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// A dash or hyphen. Between two letters it is dropped (whatever its kind:
/// once written as '-' the kinds are indistinguishable, and normalising must
/// be idempotent). A hyphen after a letter at a line end is dropped with the
/// line break before a lowercase letter ("treat-\nment"). After a digit it
/// stays with the space ("12- week"): "50-\nand 16-fold" is as common as
/// "12-\nweek", and the space-blind search finds either.
fn dash(out: &mut Builder, chars: &mut Chars, at: usize, next: Option<char>, hyphen: bool) {
    if out.glued(char::is_alphabetic) {
        if next.is_some_and(char::is_alphabetic) {
            return;
        }
        if hyphen && line_break_then(chars, char::is_lowercase) {
            skip_whitespace(chars);
            return;
        }
    }
    out.push('-', at);
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Whether the next characters are whitespace containing a line break,
/// followed by a character that passes `then`.
fn line_break_then(chars: &Chars, then: impl Fn(char) -> bool) -> bool {
    let mut saw_break = false;
    for (_, c) in chars.clone() {
        if is_line_break(c) {
            saw_break = true;
        } else if !c.is_whitespace() {
            return saw_break && then(c);
        }
    }
    false
}

fn skip_whitespace(chars: &mut Chars) {
    while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
}

struct Builder {
    text: String,
    offsets: Vec<usize>,
    /// Where a run of whitespace started; written out as one space before the
    /// next character, so runs collapse and the ends are trimmed.
    pending_space: Option<usize>,
    last: Option<char>,
}

impl Builder {
    fn space(&mut self, at: usize) {
        if self.pending_space.is_none() && !self.text.is_empty() {
            self.pending_space = Some(at);
        }
    }

    /// Whether the last character written passes `test` and no space follows it.
    fn glued(&self, test: impl Fn(char) -> bool) -> bool {
        self.pending_space.is_none() && self.last.is_some_and(test)
    }

    fn push(&mut self, c: char, at: usize) {
        if let Some(space_at) = self.pending_space.take() {
            self.text.push(' ');
            self.offsets.push(space_at);
        }
        self.text.push(c);
        if c.is_ascii() {
            self.offsets.push(at);
        } else {
            self.offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
        }
        self.last = Some(c);
    }

    fn push_str(&mut self, s: &str, at: usize) {
        for c in s.chars() {
            self.push(c, at);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise_str(s)
    }

    #[test]
    fn folds_the_forms_a_pdf_and_a_model_disagree_on() {
        assert_eq!(
            n("The ﬁrst ﬂow, eﬀect, oﬃce, baﬄe"),
            "the first flow, effect, office, baffle"
        );
        assert_eq!(n("“Blinded” ‘trial’ 5′ 3″"), "\"blinded\" 'trial' 5' 3\"");
        assert_eq!(n("10–20 — −0.7 ‒ ― ‑"), "10-20 - -0.7 - - -");
        assert_eq!(n("a\u{a0}b\u{2009}c\u{202f}d \t\n e"), "a b c d e");
        assert_eq!(n("treat\u{ad}ment"), "treatment");
        assert_eq!(n("the treat-\nment was"), "the treatment was");
        assert_eq!(n("the treat-  \r\n  ment was"), "the treatment was");
        assert_eq!(n("double-blind, double‐blind"), "doubleblind, doubleblind");
        assert_eq!(n("Anti-\nInflammatory"), "anti- inflammatory");
        assert_eq!(n("a 12-\nweek course"), "a 12- week course");
        assert_eq!(n("12·5 mg; a · b"), "12.5 mg; a · b");
        assert_eq!(
            n("**Bold** and *it* and _em_ but snake_case"),
            "bold and it and em but snake_case"
        );
        assert_eq!(
            n("| Arm | n |\n|---|---|\n| A | 12 |"),
            "arm n --- --- a 12"
        );
        assert_eq!(n("## Results\nWe found"), "results we found");
        assert_eq!(n("#1 trial"), "#1 trial");
        assert_eq!(n("  Trimmed  "), "trimmed");
        assert_eq!(n("wait…"), "wait...");
        assert_eq!(n("≥ 12 µg"), "≥ 12 μg");
        assert_eq!(n("İSTANBUL"), "i\u{307}stanbul");
    }

    #[test]
    fn offsets_map_every_byte_back_to_a_char_boundary() {
        let original = "≥ 12 µg of the ﬁrst **dose**, treat-\nment  İ · x";
        let norm = normalise(original);
        assert_eq!(norm.offsets.len(), norm.text.len() + 1);
        assert!(norm.offsets.windows(2).all(|w| w[0] <= w[1]));
        assert!(norm.offsets.iter().all(|&o| original.is_char_boundary(o)));
        let start = norm.text.find("first dose").unwrap();
        let (from, to) = norm
            .original_range(start, start + "first dose".len())
            .unwrap();
        assert_eq!(&original[from..to], "ﬁrst **dose**");
        let start = norm.text.find("12 μg").unwrap();
        let (from, to) = norm.original_range(start, start + "12 μg".len()).unwrap();
        assert_eq!(&original[from..to], "12 µg");
        let start = norm.text.find("treatment").unwrap();
        let (from, to) = norm
            .original_range(start, start + "treatment".len())
            .unwrap();
        assert_eq!(&original[from..to], "treat-\nment");
        assert_eq!(norm.original_range(1, 2), None, "inside the multi-byte ≥");
    }

    #[test]
    fn is_idempotent() {
        for s in [
            "a -\n b",
            "**x** _y_ z_w",
            "## h\n# i",
            "1·2 ·3",
            "ﬁ—ﬂ “q” a—\nb 1–\n2",
            "a\u{ad}\n b",
        ] {
            let once = n(s);
            assert_eq!(n(&once), once, "{s:?}");
        }
    }
}
