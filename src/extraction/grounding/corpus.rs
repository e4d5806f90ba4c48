//! Property-style tests on real papers: sentences are perturbed the way PDF
//! conversion and models perturb them and must still be found at the right
//! place; sentences from other papers must not be found.

use super::locate::squeeze;
use super::*;
use std::path::PathBuf;

/// A fixed-seed linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.next() % n }
    }
}

fn corpus_dir() -> PathBuf {
    let candidates = [
        std::env::var("EVISTREAM_CORPUS_DIR")
            .ok()
            .map(PathBuf::from),
        Some(PathBuf::from("/work/shared/corpus")),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|d| d.join("rct-dev/articles/txt").is_dir())
        .unwrap_or_else(|| {
            panic!(
                "test corpus not found: set EVISTREAM_CORPUS_DIR to the directory holding \
                 rct-dev/articles/txt (tried /work/shared/corpus and ../shared/corpus)"
            )
        })
}

struct Article {
    text: String,
    /// Byte ranges of the pseudo-pages (each starts at a whitespace char).
    pages: Vec<(usize, usize)>,
    /// Byte ranges of sentences worth quoting, unique in the article.
    sentences: Vec<(usize, usize)>,
}

impl Article {
    fn page_texts(&self) -> Vec<PageText<'_>> {
        self.pages
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| PageText {
                page: i as u32 + 1,
                text: &self.text[s..e],
            })
            .collect()
    }
    fn page_index(&self, at: usize) -> usize {
        self.pages
            .iter()
            .position(|&(s, e)| s <= at && at < e)
            .unwrap()
    }
}

fn load(page_chars: usize) -> Vec<Article> {
    let dir = corpus_dir().join("rct-dev/articles/txt");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 5,
        "expected the rct-dev articles in {}",
        dir.display()
    );
    paths
        .iter()
        .map(|p| article(std::fs::read_to_string(p).unwrap(), page_chars))
        .collect()
}

fn article(text: String, page_chars: usize) -> Article {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + page_chars).min(text.len());
        while end < text.len()
            && !(text.is_char_boundary(end) && text[end..].starts_with(char::is_whitespace))
        {
            end += 1;
        }
        pages.push((start, end));
        start = end;
    }
    let norm = normalise_str(&text);
    let mut sentences = Vec::new();
    let mut s = 0;
    for (i, c) in text.char_indices() {
        let end_of_sentence = c == '\n' || (c == '.' && text[i + 1..].starts_with(' '));
        if !end_of_sentence {
            continue;
        }
        let e = if c == '.' { i + 1 } else { i };
        let sentence = text[s..e].trim();
        let lead = text[s..e].len() - text[s..e].trim_start().len();
        let words = sentence.split_whitespace().count();
        if (60..=400).contains(&sentence.len()) && words >= 8 {
            let n = normalise_str(sentence);
            if norm.matches(n.as_str()).count() == 1 {
                sentences.push((s + lead, s + lead + sentence.len()));
            }
        }
        s = i + c.len_utf8();
    }
    Article {
        text,
        pages,
        sentences,
    }
}

/// Perturbs a sentence the way conversion does; normalises to the same text.
fn perturb(s: &str, rng: &mut Lcg) -> String {
    let mut out = String::new();
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            // Never a line break after "50-": "50-\nand" is ambiguous even to a reader.
            let spaces: &[&str] = if out.ends_with(['-', '\u{2010}', '\u{2011}', '\u{ad}']) {
                &["  ", " \u{a0}"]
            } else {
                &["  ", "\n", " \n ", " \u{a0}"]
            };
            out.push_str(spaces.get(rng.below(8)).copied().unwrap_or(" "));
        }
        let plain = word.len() >= 6 && word.bytes().all(|b| b.is_ascii_lowercase());
        if plain && rng.below(4) == 0 {
            let cut = 2 + rng.below(word.len() - 3);
            out.push_str(&format!("{}-\n{}", &word[..cut], &word[cut..]));
        } else {
            out.push_str(word);
        }
    }
    let mut result = out
        .replace("fi", "\u{fb01}")
        .replace("fl", "\u{fb02}")
        .replace("ff", "\u{fb00}");
    result = result.replace('\'', "\u{2019}");
    let mut quotes = 0;
    result = result
        .chars()
        .map(|c| {
            if c == '"' {
                quotes += 1;
                if quotes % 2 == 1 {
                    '\u{201c}'
                } else {
                    '\u{201d}'
                }
            } else {
                c
            }
        })
        .collect();
    let chars: Vec<char> = result.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                '\u{2212}'
            } else {
                c
            }
        })
        .collect()
}

/// One slip a model makes: a dropped letter, spaces around an operator
/// squeezed out, or a middle part elided with "...".
fn slip(s: &str, rng: &mut Lcg) -> String {
    match rng.below(3) {
        0 => {
            let letters: Vec<usize> = s
                .char_indices()
                .filter(|(_, c)| c.is_ascii_alphabetic())
                .map(|(i, _)| i)
                .collect();
            let at = letters[rng.below(letters.len())];
            format!("{}{}", &s[..at], &s[at + 1..])
        }
        1 => s
            .replace(" = ", "=")
            .replace(" < ", "<")
            .replace(" (", "(")
            .replace(", ", " ,"),
        _ => {
            let words: Vec<&str> = s.split(' ').collect();
            let n = words.len();
            let (a, b) = (n / 3, n / 3 + 1 + rng.below(n / 3));
            format!("{} ... {}", words[..a].join(" "), words[b..].join(" "))
        }
    }
}

/// The match starts at the sentence or after markup the normaliser drops
/// ("# " of a heading).
fn assert_starts_at(page: &str, expected: usize, found: usize) {
    assert!(
        found >= expected && normalise_str(&page[expected..found]).is_empty(),
        "{expected} vs {found}"
    );
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> f64 {
    let common = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    common as f64 / (a.1 - a.0).max(b.1 - b.0) as f64
}

#[test]
fn perturbed_sentences_are_found_at_their_place_and_foreign_ones_are_not() {
    let articles = load(3000);
    let mut rng = Lcg(0x5eed);
    let (mut exact, mut straddling, mut fuzzy, mut negatives, mut false_positives) =
        (0, 0, 0, 0, 0);
    for trial in 0..900 {
        let a = &articles[rng.below(articles.len())];
        let (s, e) = a.sentences[rng.below(a.sentences.len())];
        let sentence = &a.text[s..e];
        let p = a.page_index(s);
        let (ps, pe) = a.pages[p];
        let straddles = e > pe;
        let hint = if rng.below(2) == 0 {
            Some(p as u32 + 1)
        } else {
            None
        };
        match trial % 3 {
            // The page text is perturbed (as a PDF converter would), the quote is clean.
            0 if !straddles => {
                let perturbed = perturb(sentence, &mut rng);
                let page_text = format!("{}{}{}", &a.text[ps..s], perturbed, &a.text[e..pe]);
                let mut pages = a.page_texts();
                pages[p].text = &page_text;
                let l = locate_quote(&pages, sentence, hint)
                    .unwrap_or_else(|| panic!("not found: {sentence:?}"));
                assert_eq!((l.page, l.score), (p as u32 + 1, 1.0), "{sentence:?}");
                assert_starts_at(&page_text, s - ps, l.start);
                assert_eq!(
                    normalise_str(&page_text[l.start..l.end]),
                    normalise_str(sentence)
                );
                exact += 1;
            }
            // The quote is perturbed (as a model might), the pages are clean.
            0 | 1 => {
                let quote = perturb(sentence, &mut rng);
                let l = locate_quote(&a.page_texts(), &quote, hint)
                    .unwrap_or_else(|| panic!("not found: {quote:?}"));
                assert_eq!((l.page, l.score), (p as u32 + 1, 1.0), "{quote:?}");
                assert_starts_at(&a.text[ps..pe], s - ps, l.start);
                if straddles {
                    assert_eq!(l.end, pe - ps);
                    straddling += 1;
                } else {
                    assert_eq!(
                        normalise_str(&a.text[ps + l.start..ps + l.end]),
                        normalise_str(sentence)
                    );
                    exact += 1;
                }
            }
            // A slip: found near-exactly, overlapping the true span.
            _ => {
                let quote = slip(sentence, &mut rng);
                let l = locate_quote(&a.page_texts(), &quote, hint)
                    .unwrap_or_else(|| panic!("not found: {quote:?}"));
                assert_eq!(l.page, p as u32 + 1, "{quote:?}");
                let truth = (s - ps, e.min(pe) - ps);
                assert!(
                    overlap((l.start, l.end), truth) >= 0.9,
                    "{quote:?} at {l:?}, truth {truth:?}"
                );
                fuzzy += 1;
            }
        }
        // And a sentence from another paper, which must not be found.
        let other = &articles[rng.below(articles.len())];
        let target = &articles[rng.below(articles.len())];
        if std::ptr::eq(other, target) {
            continue;
        }
        let (os, oe) = other.sentences[rng.below(other.sentences.len())];
        let foreign = &other.text[os..oe];
        if normalise_str(&target.text).contains(&normalise_str(foreign)) {
            continue;
        }
        negatives += 1;
        if let Some(l) = locate_quote(&target.page_texts(), foreign, hint) {
            false_positives += 1;
            let found = &target.page_texts()[l.page as usize - 1].text[l.start..l.end];
            println!("false positive: {foreign:?} found as {found:?} ({l:?})");
        }
    }
    println!(
        "corpus: {exact} exact, {straddling} across a page break, {fuzzy} near-exact found; \
         {false_positives} false positives in {negatives} foreign sentences"
    );
    assert!(exact >= 400 && straddling >= 5 && fuzzy >= 250 && negatives >= 200);
    assert_eq!(false_positives, 0);
}

/// How close foreign sentences come: the best alignment score with no threshold.
#[test]
fn foreign_sentences_score_far_below_the_threshold() {
    let articles = load(3000);
    let mut rng = Lcg(7);
    let mut worst: f32 = 0.0;
    for _ in 0..200 {
        let other = &articles[rng.below(articles.len())];
        let target = &articles[rng.below(articles.len())];
        let (os, oe) = other.sentences[rng.below(other.sentences.len())];
        let foreign = normalise_str(&other.text[os..oe]);
        if std::ptr::eq(other, target) || normalise_str(&target.text).contains(&foreign) {
            continue;
        }
        let paper = Paper::new(&target.page_texts());
        let sq = squeeze(&foreign);
        let len = paper.squeezed().text.len();
        if let Some((_, _, score)) = paper.find_fuzzy(&sq, 0, len, None, 0.0) {
            worst = worst.max(score);
        }
    }
    println!("best fuzzy score of a foreign sentence: {worst:.3} (threshold {FUZZY_THRESHOLD})");
    assert!(worst < FUZZY_THRESHOLD - 0.1);
}

/// CPU time of this thread (Linux; scheduler-tick resolution, fine over a
/// second or more), so the figure means something on a busy machine.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn rates(n: usize, wall: std::time::Instant, cpu: u64) -> (f64, f64) {
    let cpu_secs = cpu_ns().saturating_sub(cpu) as f64 / 1e9;
    (
        n as f64 / wall.elapsed().as_secs_f64(),
        n as f64 / cpu_secs.max(1e-9),
    )
}

/// Prints quotes per second on a 30-page paper (run with --nocapture).
#[test]
fn throughput_on_a_thirty_page_paper() {
    let articles = load(3000);
    let mut text = String::new();
    for a in &articles {
        if text.len() >= 30 * 3000 {
            break;
        }
        text.push_str(&a.text);
        text.push('\n');
    }
    let paper_article = article(text, 3000);
    let pages = paper_article.page_texts();
    assert!(pages.len() >= 30, "{} pages", pages.len());
    let mut rng = Lcg(42);
    // Mostly verbatim quotes with the right page, as models mostly give;
    // some perturbed, some with a slip, some made up, some without a page.
    let mut quotes: Vec<(String, Option<u32>)> = Vec::new();
    for i in 0..1000 {
        let (s, e) = paper_article.sentences[rng.below(paper_article.sentences.len())];
        let sentence = &paper_article.text[s..e];
        let page = paper_article.page_index(s) as u32 + 1;
        quotes.push(match i % 10 {
            0 => (slip(sentence, &mut rng), Some(page)),
            1 => (
                "this sentence is not in the paper at all, it was made up".to_owned(),
                Some(page),
            ),
            2 => (perturb(sentence, &mut rng), Some(page)),
            3 => (sentence.to_owned(), None),
            4 => (sentence.to_owned(), Some(page % 30 + 1)),
            _ => (sentence.to_owned(), Some(page)),
        });
    }
    let (wall, cpu) = (std::time::Instant::now(), cpu_ns());
    let found = quotes
        .iter()
        .filter(|(q, hint)| locate_quote(&pages, q, *hint).is_some())
        .count();
    let stateless = rates(quotes.len(), wall, cpu);
    let (wall, cpu) = (std::time::Instant::now(), cpu_ns());
    let paper = Paper::new(&pages);
    let found_prepared = quotes
        .iter()
        .filter(|(q, hint)| paper.locate(q, *hint).is_some())
        .count();
    let prepared = rates(quotes.len(), wall, cpu);
    println!(
        "throughput on {} pages ({} bytes), quotes/s by wall clock (by CPU time): \
         locate_quote {:.0} ({:.0}), Paper::locate {:.0} ({:.0}); {found} of {} found",
        pages.len(),
        paper_article.text.len(),
        stateless.0,
        stateless.1,
        prepared.0,
        prepared.1,
        quotes.len()
    );
    assert_eq!(found, found_prepared);
    assert!(found >= 850);
}
