//! A converted page's markdown as the document page shows it: blocks
//! (headings, tables, paragraphs) with their place on the page, and inline
//! emphasis read the way the converter writes it.
//!
//! The converter (unpdf) escapes every literal `*` in running text (`\*`), so
//! an unescaped star there is always an emphasis marker: paired, it becomes
//! `<em>`/`<strong>`; left unpaired (an emphasis split across paragraphs or
//! cut by the page's clean-up), it is dropped rather than shown. In table
//! cells the converter leaves stars that cannot pair unescaped
//! (significance marks like `0.039***`), so there unpaired stars stay.

use std::ops::Range;

use leptos::prelude::*;

/// One block of a page's markdown, as the converter writes it. Text keeps
/// its inline markdown; `inline_spans` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    /// Rows of cells; `header` when the converter marked the first row so.
    Table {
        header: bool,
        rows: Vec<Vec<String>>,
    },
    Paragraph(String),
}

fn is_separator_row(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|cell| !cell.is_empty() && cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
}

/// Splits a page's markdown into blocks, each with the range of characters
/// (not bytes: chunk offsets count characters) it spans on the page. Only the
/// few constructs the converter writes are recognised; anything else is text.
pub fn markdown_blocks(markdown: &str) -> Vec<(Block, Range<usize>)> {
    let mut blocks = Vec::new();
    let mut offset = 0;
    for chunk in markdown.split("\n\n") {
        let span = offset..offset + chunk.chars().count();
        offset = span.end + 2;
        let lines: Vec<&str> = chunk.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| l.trim_start().starts_with('|')) {
            let mut rows: Vec<Vec<String>> = lines
                .iter()
                .map(|line| {
                    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
                    split_cells(inner)
                })
                .collect();
            let header = rows.get(1).is_some_and(|row| is_separator_row(row));
            if header {
                rows.remove(1);
            }
            rows.retain(|row| !is_separator_row(row));
            blocks.push((Block::Table { header, rows }, span));
            continue;
        }
        let mut rest = &lines[..];
        if let Some(first) = lines.first()
            && let Some(title) = first.trim_start().strip_prefix('#')
        {
            let title = title.trim_start_matches('#').trim().to_owned();
            blocks.push((Block::Heading(title), span.clone()));
            rest = &lines[1..];
        }
        if !rest.is_empty() {
            blocks.push((Block::Paragraph(rest.join("\n")), span));
        }
    }
    blocks
}

/// A table row's cells, split at the bars that are not escaped (`\|`).
fn split_cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                if let Some(next) = chars.next() {
                    cell.push(next);
                }
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_owned());
    cells
}

/// A piece of inline text with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub strong: bool,
    pub em: bool,
}

#[derive(Debug)]
enum Token {
    Text(String),
    Stars {
        /// Stars of the run not yet used by a pair.
        left: usize,
        can_open: bool,
        can_close: bool,
    },
}

/// Inline markdown as spans of plain text with their emphasis: backslash
/// escapes and `&lt;`-style references resolved, `<u>` tags dropped, stars
/// paired into emphasis (CommonMark's flanking rules, nearest opener first).
/// Unpaired stars are dropped, or kept as text when `keep_unpaired`.
pub fn inline_spans(text: &str, keep_unpaired: bool) -> Vec<Span> {
    let text = text.replace("<u>", "").replace("</u>", "");
    let chars: Vec<char> = text.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) {
            literal.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '&'
            && let Some((decoded, used)) = character_reference(&chars[i..])
        {
            literal.push(decoded);
            i += used;
            continue;
        }
        if c == '*' {
            let start = i;
            while i < chars.len() && chars[i] == '*' {
                i += 1;
            }
            let before = start.checked_sub(1).map(|b| chars[b]);
            let after = chars.get(i).copied();
            let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
            let punct = |c: Option<char>| c.is_some_and(|c| c.is_ascii_punctuation());
            let left_flanking = !space(after) && (!punct(after) || space(before) || punct(before));
            let right_flanking = !space(before) && (!punct(before) || space(after) || punct(after));
            if !literal.is_empty() {
                tokens.push(Token::Text(std::mem::take(&mut literal)));
            }
            tokens.push(Token::Stars {
                left: i - start,
                can_open: left_flanking,
                can_close: right_flanking,
            });
            continue;
        }
        literal.push(c);
        i += 1;
    }
    if !literal.is_empty() {
        tokens.push(Token::Text(literal));
    }

    // Pair closers with the nearest opener before them; each pair opens at
    // `open` and closes at `close` (token indexes) with 1 (em) or 2 (strong) stars.
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    let mut openers: Vec<usize> = Vec::new();
    for index in 0..tokens.len() {
        let Token::Stars {
            can_open,
            can_close,
            ..
        } = tokens[index]
        else {
            continue;
        };
        if can_close {
            while let Some(&opener) = openers.last() {
                let (
                    Token::Stars {
                        left: open_left, ..
                    },
                    Token::Stars {
                        left: close_left, ..
                    },
                ) = (&tokens[opener], &tokens[index])
                else {
                    break;
                };
                if *close_left == 0 {
                    break;
                }
                let used = if *open_left >= 2 && *close_left >= 2 {
                    2
                } else {
                    1
                };
                pairs.push((opener, index, used));
                if let Token::Stars { left, .. } = &mut tokens[opener] {
                    *left -= used;
                    if *left == 0 {
                        openers.pop();
                    }
                }
                if let Token::Stars { left, .. } = &mut tokens[index] {
                    *left -= used;
                }
            }
        }
        if can_open && matches!(tokens[index], Token::Stars { left, .. } if left > 0) {
            openers.push(index);
        }
    }

    let mut spans: Vec<Span> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let text = match token {
            Token::Text(text) => text.clone(),
            Token::Stars { left, .. } if keep_unpaired => "*".repeat(*left),
            Token::Stars { .. } => continue,
        };
        if text.is_empty() {
            continue;
        }
        let inside = |size: usize| {
            pairs
                .iter()
                .any(|&(open, close, used)| used == size && open < index && index < close)
        };
        let (strong, em) = (inside(2), inside(1));
        match spans.last_mut() {
            Some(last) if last.strong == strong && last.em == em => last.text.push_str(&text),
            _ => spans.push(Span { text, strong, em }),
        }
    }
    spans
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`-style references at the start
/// of `chars`: the character and how many chars the reference takes.
fn character_reference(chars: &[char]) -> Option<(char, usize)> {
    let end = chars.iter().take(10).position(|&c| c == ';')?;
    let name: String = chars[1..end].iter().collect();
    let decoded = match name.as_str() {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

/// Inline text as plain words (emphasis dropped), for labels and tests.
pub fn inline_plain(text: &str, keep_unpaired: bool) -> String {
    inline_spans(text, keep_unpaired)
        .into_iter()
        .map(|span| span.text)
        .collect()
}

fn inline_view(text: &str, keep_unpaired: bool) -> Vec<AnyView> {
    inline_spans(text, keep_unpaired)
        .into_iter()
        .map(|span| match (span.strong, span.em) {
            (true, true) => view! { <strong><em>{span.text}</em></strong> }.into_any(),
            (true, false) => view! { <strong>{span.text}</strong> }.into_any(),
            (false, true) => view! { <em>{span.text}</em> }.into_any(),
            (false, false) => span.text.into_any(),
        })
        .collect()
}

fn block_view(block: Block) -> AnyView {
    match block {
        Block::Heading(text) => view! { <h4>{inline_view(&text, false)}</h4> }.into_any(),
        Block::Paragraph(text) => view! { <p>{inline_view(&text, false)}</p> }.into_any(),
        Block::Table { header, rows } => {
            let mut rows = rows.into_iter();
            let head = if header { rows.next() } else { None };
            view! {
                <div class="table-scroll">
                    <table class="page-table">
                        {head
                            .map(|cells| {
                                view! {
                                    <thead>
                                        <tr>{cells.into_iter().map(|c| view! { <th scope="col">{inline_view(&c, true)}</th> }).collect_view()}</tr>
                                    </thead>
                                }
                            })}
                        <tbody>
                            {rows
                                .map(|cells| {
                                    view! { <tr>{cells.into_iter().map(|c| view! { <td>{inline_view(&c, true)}</td> }).collect_view()}</tr> }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    }
}

/// A page's markdown as views. The blocks that overlap `passage` (character
/// offsets on this page) are wrapped in one marked element, `#passage`, which
/// the page scrolls to.
pub fn render_page(markdown: &str, passage: Option<Range<usize>>) -> Vec<AnyView> {
    let blocks = markdown_blocks(markdown);
    let overlaps = |span: &Range<usize>| {
        passage
            .as_ref()
            .is_some_and(|p| span.start < p.end && p.start < span.end)
    };
    let mut views = Vec::new();
    let mut marked = Vec::new();
    let mut marked_done = false;
    for (block, span) in blocks {
        if !marked_done && overlaps(&span) {
            marked.push(block_view(block));
            continue;
        }
        if !marked.is_empty() {
            views.push(passage_view(std::mem::take(&mut marked)));
            marked_done = true;
        }
        views.push(block_view(block));
    }
    if !marked.is_empty() {
        views.push(passage_view(marked));
    }
    views
}

fn passage_view(blocks: Vec<AnyView>) -> AnyView {
    view! {
        <div class="passage-hit" id="passage" data-testid="highlighted-passage" tabindex="-1">
            <span class="visually-hidden">"The passage of the search result:"</span>
            {blocks}
        </div>
    }
    .into_any()
}

/// The `passage` parameter of a search hit's link: `page:start-end`.
pub fn passage_param(page: i32, start: i32, end: i32) -> String {
    format!("{page}:{start}-{end}")
}

/// Reads `page:start-end` back; `None` for anything else.
pub fn parse_passage(raw: &str) -> Option<(i32, Range<usize>)> {
    let (page, range) = raw.split_once(':')?;
    let (start, end) = range.split_once('-')?;
    let (start, end): (usize, usize) = (start.parse().ok()?, end.parse().ok()?);
    (start < end).then_some((page.parse().ok()?, start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, strong: bool, em: bool) -> Span {
        Span {
            text: text.to_owned(),
            strong,
            em,
        }
    }

    #[test]
    fn blocks_are_recognised_with_their_place_on_the_page() {
        let page = "## 2. Methods\nWe randomised **120** adults.\n\n| Arm | n |\n| --- | --- |\n| A | 60 |\n| B \\| C | 60 |\n\nPlain | text with a bar";
        let blocks = markdown_blocks(page);
        let kinds: Vec<Block> = blocks.iter().map(|(b, _)| b.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Block::Heading("2. Methods".into()),
                Block::Paragraph("We randomised **120** adults.".into()),
                Block::Table {
                    header: true,
                    rows: vec![
                        vec!["Arm".into(), "n".into()],
                        vec!["A".into(), "60".into()],
                        vec!["B \\| C".into(), "60".into()],
                    ],
                },
                Block::Paragraph("Plain | text with a bar".into()),
            ]
        );
        let chars: Vec<char> = page.chars().collect();
        let text_of = |range: &Range<usize>| chars[range.clone()].iter().collect::<String>();
        assert!(text_of(&blocks[1].1).ends_with("adults."));
        assert!(text_of(&blocks[2].1).starts_with("| Arm"));
        assert_eq!(text_of(&blocks[3].1), "Plain | text with a bar");
    }

    #[test]
    fn emphasis_pairs_render_and_no_star_is_left_in_running_text() {
        // Two italic runs side by side, as the converter writes a journal name.
        assert_eq!(
            inline_spans("*Journal of Health* *Sciences* 2019", false),
            vec![
                span("Journal of Health", false, true),
                span(" ", false, false),
                span("Sciences", false, true),
                span(" 2019", false, false),
            ]
        );
        assert_eq!(
            inline_spans("We randomised **120** adults", false),
            vec![
                span("We randomised ", false, false),
                span("120", true, false),
                span(" adults", false, false),
            ]
        );
        // An emphasis cut in two by a paragraph break leaves halves behind.
        assert_eq!(inline_plain("Health* *Sciences", false), "Health Sciences");
        assert_eq!(inline_plain("of **Medicine and", false), "of Medicine and");
        assert_eq!(inline_plain("***both*** here", false), "both here");
        assert_eq!(
            inline_spans("***both***", false),
            vec![span("both", true, true)]
        );
    }

    #[test]
    fn escapes_and_references_are_text() {
        assert_eq!(
            inline_plain("p \\< 0.05 \\* see \\[1\\] &amp; &#8804; 3", false),
            "p < 0.05 * see [1] & ≤ 3"
        );
        assert_eq!(
            inline_plain("<u>underlined</u> word", false),
            "underlined word"
        );
    }

    #[test]
    fn table_cells_keep_the_stars_that_cannot_pair() {
        assert_eq!(inline_plain("0.039***", true), "0.039***");
        assert_eq!(inline_plain("0.039***", false), "0.039");
        assert_eq!(
            inline_spans("*Mean* 4.1*", true),
            vec![span("Mean", false, true), span(" 4.1*", false, false)]
        );
    }

    #[test]
    fn a_passage_parameter_round_trips_and_rejects_nonsense() {
        assert_eq!(
            parse_passage(&passage_param(4, 120, 900)),
            Some((4, 120..900))
        );
        assert_eq!(parse_passage("4:900-120"), None);
        assert_eq!(parse_passage("four:1-2"), None);
        assert_eq!(parse_passage(""), None);
    }
}
