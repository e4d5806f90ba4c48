//! Text cleanup pipeline for LLM training data preparation.

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Cleanup preset levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CleanupPreset {
    /// Minimal cleanup: Unicode NFC normalization only
    Minimal,
    /// Standard cleanup: NFC + line cleanup + structure filtering
    #[default]
    Standard,
    /// Aggressive cleanup: Maximum normalization for LLM training
    Aggressive,
}

/// Options for text cleanup.
#[derive(Debug, Clone)]
pub struct CleanupOptions {
    /// Normalize Unicode to NFC form
    pub normalize_unicode: bool,

    /// Standardize bullet characters (•, ●, ○ → •)
    pub standardize_bullets: bool,

    /// Remove every line that holds only a number (`12`, `- 12 -`, `—12`) as a page number.
    ///
    /// Judged by the text alone, so it also removes a chart's values and a table's numbers
    /// set as lines of their own. Page numbers are already left out where they sit — in the
    /// page's margins — before rendering, so this is off except in `Aggressive`.
    pub remove_page_numbers: bool,

    /// Rewrite table-of-contents dot leaders: drop the leader and fold a trailing page
    /// number into `(p.N)`. Off in `Standard`, which keeps a contents line as printed.
    pub remove_toc: bool,

    /// Fix ligatures (fi, fl, etc.)
    pub fix_ligatures: bool,

    /// Fix hyphenation at line breaks
    pub fix_hyphenation: bool,

    /// Remove Private Use Area (PUA) characters
    pub remove_pua: bool,

    /// Remove Unicode replacement character (U+FFFD)
    pub remove_replacement_char: bool,

    /// Merge single newlines into spaces (for PDF word-by-word extraction)
    pub merge_single_newlines: bool,

    /// Merge bullet/number markers with following content
    pub merge_list_markers: bool,

    /// Merge CJK characters across line breaks (fix mid-sentence breaks in Korean/Chinese/Japanese)
    pub merge_cjk_lines: bool,

    /// Normalize whitespace
    pub normalize_whitespace: bool,

    /// Maximum consecutive newlines (0 = unlimited)
    pub max_consecutive_newlines: u8,

    /// Preserve YAML frontmatter during cleanup
    pub preserve_frontmatter: bool,

    /// Drop standalone lines that contain only punctuation/symbols
    /// (e.g., orphan `-`, `- -`, `,`). These are usually layout-artefact
    /// fragments rather than meaningful content.
    pub drop_punctuation_only_lines: bool,
}

impl CleanupOptions {
    /// Create options from a preset.
    pub fn from_preset(preset: CleanupPreset) -> Self {
        match preset {
            CleanupPreset::Minimal => Self::minimal(),
            CleanupPreset::Standard => Self::standard(),
            CleanupPreset::Aggressive => Self::aggressive(),
        }
    }

    /// Minimal cleanup options.
    pub fn minimal() -> Self {
        Self {
            normalize_unicode: true,
            standardize_bullets: false,
            remove_page_numbers: false,
            remove_toc: false,
            fix_ligatures: false,
            fix_hyphenation: false,
            remove_pua: false,
            remove_replacement_char: false,
            merge_single_newlines: false,
            merge_list_markers: false,
            merge_cjk_lines: false,
            normalize_whitespace: true,
            max_consecutive_newlines: 0,
            preserve_frontmatter: true,
            drop_punctuation_only_lines: false,
        }
    }

    /// Standard cleanup options.
    pub fn standard() -> Self {
        Self {
            normalize_unicode: true,
            standardize_bullets: true,
            // Page numbers are left out by position before rendering; by text alone this
            // removed chart and table values (127 lines in 53 of 200 benchmark documents).
            remove_page_numbers: false,
            remove_toc: false,
            fix_ligatures: true,
            fix_hyphenation: true,
            remove_pua: false,
            remove_replacement_char: true,
            merge_single_newlines: true,
            merge_list_markers: true,
            merge_cjk_lines: true,
            normalize_whitespace: true,
            max_consecutive_newlines: 2, // Keep one blank line between
            // paragraphs; readability > density. Pre-C26 the setting
            // was 1, but it was never hit in the CLI streaming path —
            // so raising here is effectively a bugfix for parity with
            // the observable prior behaviour.
            preserve_frontmatter: true,
            drop_punctuation_only_lines: true,
        }
    }

    /// Aggressive cleanup options for LLM training.
    pub fn aggressive() -> Self {
        Self {
            normalize_unicode: true,
            standardize_bullets: true,
            remove_page_numbers: true,
            remove_toc: true,
            fix_ligatures: true,
            fix_hyphenation: true,
            remove_pua: true,
            remove_replacement_char: true,
            merge_single_newlines: true,
            merge_list_markers: true,
            merge_cjk_lines: true,
            normalize_whitespace: true,
            max_consecutive_newlines: 2,
            preserve_frontmatter: true,
            drop_punctuation_only_lines: true,
        }
    }
}

impl Default for CleanupOptions {
    fn default() -> Self {
        Self::standard()
    }
}

/// Text cleanup pipeline.
pub struct CleanupPipeline {
    options: CleanupOptions,
    page_number_regex: Regex,
    toc_dot_leader_regex: Regex,
    toc_dot_leader_inline_regex: Regex,
    ligature_map: Vec<(&'static str, &'static str)>,
}

impl CleanupPipeline {
    /// Create a new cleanup pipeline with the given options.
    pub fn new(options: CleanupOptions) -> Self {
        Self {
            options,
            // A number alone on its line, bare or set between dashes ("- 12 -", "-12-",
            // "- 12"). A dash printed against the number with nothing after it is the
            // number's minus sign, not decoration: "-12" (or "–12") is a value. The em
            // dash is never a sign, so "—12" still reads as a decorated page number.
            page_number_regex: Regex::new(
                r"(?m)^[ \t]*(?:[-–—][ \t]*\d+[ \t]*[-–—]|[-–—][ \t]+\d+|—\d+|\d+(?:[ \t]*[-–—])?)[ \t]*$",
            )
            .unwrap(),
            // End-of-line dot leaders: "Chapter 1 ...... 6" → "Chapter 1 (p.6)"
            toc_dot_leader_regex: Regex::new(r"\s*\.{4,}\s*(\d+)?\s*$").unwrap(),
            // Inline dot leaders: "Chapter 1 ................ Chapter 2" → "Chapter 1 Chapter 2"
            // and "Chapter 1 ................ 6 Chapter 2" → "Chapter 1 (p.6) Chapter 2"
            // Threshold is 8+ dots (not 4+) to avoid matching prose ellipses like " .... ".
            // Real TOC leaders are typically 15–30+ dots; 8 is the safe lower bound.
            toc_dot_leader_inline_regex: Regex::new(r"\s+\.{8,}\s*(\d+)?\s+").unwrap(),
            ligature_map: vec![
                ("\u{FB00}", "ff"),  // ﬀ
                ("\u{FB01}", "fi"),  // ﬁ
                ("\u{FB02}", "fl"),  // ﬂ
                ("\u{FB03}", "ffi"), // ﬃ
                ("\u{FB04}", "ffl"), // ﬄ
                ("\u{FB05}", "st"),  // ﬅ (long s + t)
                ("\u{FB06}", "st"),  // ﬆ
            ],
        }
    }

    /// Create a pipeline from a preset.
    pub fn from_preset(preset: CleanupPreset) -> Self {
        Self::new(CleanupOptions::from_preset(preset))
    }

    /// Process text through the cleanup pipeline.
    pub fn process(&self, text: &str) -> String {
        let mut result = text.to_string();

        // Extract and preserve frontmatter if needed
        let frontmatter = if self.options.preserve_frontmatter {
            self.extract_frontmatter(&result)
        } else {
            None
        };

        if let Some((fm, content)) = frontmatter {
            result = content;
            // Process content, then prepend frontmatter
            result = self.process_content(&result);
            result = format!("{}\n{}", fm, result);
        } else {
            result = self.process_content(&result);
        }

        result
    }

    // Code is literal: punctuation filtering, hyphen repair, and whitespace
    // normalization would silently change the program. Clean only prose segments.
    fn process_content(&self, text: &str) -> String {
        let mut result = String::new();
        let mut prose = String::new();
        let mut fence: Option<(char, usize)> = None;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start_matches(' ');
            let indent = line.len() - trimmed.len();
            let marker = trimmed.chars().next().unwrap_or(' ');
            let count = trimmed.chars().take_while(|ch| *ch == marker).count();
            if let Some((opening, length)) = fence {
                result.push_str(line);
                if indent <= 3
                    && marker == opening
                    && count >= length
                    && trimmed[count..].trim().is_empty()
                {
                    fence = None;
                }
            } else if indent <= 3
                && matches!(marker, '`' | '~')
                && count >= 3
                && (marker != '`' || !trimmed[count..].contains('`'))
            {
                result.push_str(&self.process_prose(&prose));
                prose.clear();
                if !result.is_empty() && !result.ends_with("\n\n") {
                    result.push_str("\n\n");
                }
                result.push_str(line);
                fence = Some((marker, count));
            } else {
                prose.push_str(line);
            }
        }
        if !prose.is_empty() {
            let cleaned = self.process_prose(&prose);
            if !result.is_empty() && !cleaned.is_empty() && !result.ends_with("\n\n") {
                result.push_str("\n\n");
            }
            result.push_str(&cleaned);
        }
        result
    }

    fn process_prose(&self, text: &str) -> String {
        let mut result = text.to_string();

        // Stage 1: Unicode normalization
        if self.options.normalize_unicode {
            result = result.nfc().collect();
        }

        // Fix ligatures
        if self.options.fix_ligatures {
            for (ligature, replacement) in &self.ligature_map {
                result = result.replace(ligature, replacement);
            }
        }

        // Standardize bullets
        if self.options.standardize_bullets {
            result = self.standardize_bullets(&result);
        }

        // Remove PUA characters
        if self.options.remove_pua {
            result = self.remove_pua_chars(&result);
        }

        // Remove Unicode replacement character (U+FFFD)
        if self.options.remove_replacement_char {
            result = result.replace('\u{FFFD}', "");
        }

        // Stage 2: Line-level cleanup
        if self.options.remove_page_numbers {
            result = self.page_number_regex.replace_all(&result, "").to_string();
        }

        // Remove TOC dot leaders (e.g. "Chapter 1 .......... 6" → "Chapter 1 (p.6)")
        if self.options.remove_toc {
            result = self.remove_toc_dot_leaders(&result);
        }

        // Fix hyphenation
        if self.options.fix_hyphenation {
            result = self.fix_hyphenation(&result);
        }

        // Merge list markers with following content (• \n내용 → • 내용)
        // This must run BEFORE merge_single_newlines
        if self.options.merge_list_markers {
            result = self.merge_list_markers(&result);
        }

        // Merge CJK characters across line breaks (fix mid-sentence breaks)
        if self.options.merge_cjk_lines {
            result = self.merge_cjk_lines(&result);
        }

        // Merge single newlines into spaces (for PDF word-by-word extraction)
        // This must run AFTER hyphenation fix but BEFORE whitespace normalization
        if self.options.merge_single_newlines {
            result = self.merge_single_newlines(&result);
        }

        // Drop orphan punctuation-only lines
        if self.options.drop_punctuation_only_lines {
            result = self.drop_punctuation_only_lines(&result);
        }

        // Stage 3: Normalize whitespace
        if self.options.normalize_whitespace {
            result = self.normalize_whitespace(&result);
        }

        // Limit consecutive newlines
        if self.options.max_consecutive_newlines > 0 {
            result = self.limit_newlines(&result);
        }

        result.trim().to_string()
    }

    fn extract_frontmatter(&self, text: &str) -> Option<(String, String)> {
        if let Some(stripped) = text.strip_prefix("---\n") {
            if let Some(end_pos) = stripped.find("\n---\n") {
                let fm_end = 4 + end_pos + 5;
                let frontmatter = &text[..fm_end];
                let content = &text[fm_end..];
                return Some((frontmatter.to_string(), content.to_string()));
            }
        }
        None
    }

    fn standardize_bullets(&self, text: &str) -> String {
        let bullets = ['●', '○', '■', '□', '◆', '◇', '▪', '▫', '►', '▻'];
        let mut result = text.to_string();
        for bullet in bullets {
            result = result.replace(bullet, "•");
        }
        result
    }

    fn remove_pua_chars(&self, text: &str) -> String {
        text.chars()
            .filter(|c| {
                let code = *c as u32;
                // Remove Private Use Area characters
                !(0xE000..=0xF8FF).contains(&code)
                    && !(0xF0000..=0xFFFFD).contains(&code)
                    && !(0x100000..=0x10FFFD).contains(&code)
            })
            .collect()
    }

    fn fix_hyphenation(&self, text: &str) -> String {
        // Join words that are hyphenated at line breaks
        // Handles various patterns:
        // - "infor-\nmation" → "information"
        // - "infor- mation" → "information"
        // - "infor-\n mation" → "information"
        //
        // The hyphen must be followed by at least one whitespace character
        // (`\s+`, not `\s*`): a hard hyphen inside a word ("low-level",
        // "end-to-end") has no whitespace after it and must be preserved, while
        // the line-break/space artifacts above always do.
        let re = Regex::new(r"([a-zA-Z])-\s+([a-z])").unwrap();
        let text = re.replace_all(text, "$1$2");

        // A number range broken at its hyphen ("432: 298-\n306.") keeps the
        // hyphen — it is the range — and loses only the break.
        let re_range = Regex::new(r"(\d)-\s+(\d)").unwrap();
        re_range.replace_all(&text, "$1-$2").to_string()
    }

    /// Drop standalone lines that contain no alphanumeric / CJK / Hangul /
    /// Hiragana-Katakana content — usually layout-artefact fragments like
    /// orphan `-`, `- -`, `,`, `‧` that survive paragraph segmentation.
    /// Lines starting with a markdown image (`![`) or heading (`#`) are
    /// preserved regardless, and so are table rows: the delimiter row and a
    /// row of empty cells carry no word but are table structure.
    fn drop_punctuation_only_lines(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let trimmed = line.trim();
            if trimmed.is_empty() {
                out.push_str(line);
                continue;
            }
            let is_table_row = trimmed.starts_with('|') && trimmed.matches('|').count() >= 2;
            if trimmed.starts_with("![") || trimmed.starts_with('#') || is_table_row {
                out.push_str(line);
                continue;
            }
            // `is_alphanumeric` covers Unicode L*/N* including Hangul,
            // Hiragana, Katakana, and CJK Unified Ideographs.
            let has_word = ["<sup>", "</sup>", "<sub>", "</sub>"]
                .iter()
                .fold(trimmed.to_string(), |line, tag| line.replace(tag, ""))
                .chars()
                .any(|c| c.is_alphanumeric());
            if has_word {
                out.push_str(line);
            }
            // else: drop — emit just the newline (blank line)
        }
        out
    }

    fn normalize_whitespace(&self, text: &str) -> String {
        // Replace 3+ spaces with 2 spaces (preserve markdown indentation)
        // Keep single/double spaces as-is for markdown indent support
        let re = Regex::new(r"[ ]{3,}").unwrap();
        re.replace_all(text, "  ").to_string()
    }

    fn limit_newlines(&self, text: &str) -> String {
        let max = self.options.max_consecutive_newlines as usize;
        let pattern = format!(r"\n{{{},}}", max + 1);
        let re = Regex::new(&pattern).unwrap();
        let replacement = "\n".repeat(max);
        re.replace_all(text, replacement.as_str()).to_string()
    }

    fn merge_single_newlines(&self, text: &str) -> String {
        // Replace single newlines with spaces, but preserve:
        // 1. Paragraph breaks (2+ newlines)
        // 2. Sentence endings (period/question mark/exclamation + newline)
        // 3. Markdown headings (lines starting with #)
        // 4. Markdown list items (lines starting with -, *, or numbers)
        // 5. Markdown table rows (lines starting with |)
        //
        // This fixes PDF extraction that puts each word on a separate line
        // while keeping logical paragraph structure.

        const PARA_PLACEHOLDER: &str = "\u{0000}PARA\u{0000}";
        const SENT_PLACEHOLDER: &str = "\u{0000}SENT\u{0000}";

        // Step 1: Protect markdown block elements FIRST (before paragraph breaks)
        // This ensures we don't lose the newline structure around headings

        // Protect lines that start with markdown heading (# to ######)
        // Pattern: start of line or newline, then 1-6 hashes + space + content
        let re_heading_line = Regex::new(r"(?m)^(#{1,6}\s)").unwrap();
        let protected = re_heading_line.replace_all(text, |caps: &regex::Captures| {
            format!("\u{0000}H{}", &caps[1])
        });

        // Protect lines that start with list markers (-, *, or number.)
        let re_list_line = Regex::new(r"(?m)^([-*]\s|[0-9]+\.\s)").unwrap();
        let protected = re_list_line.replace_all(&protected, |caps: &regex::Captures| {
            format!("\u{0000}L{}", &caps[1])
        });

        // Protect markdown table rows (lines starting with |)
        let re_table_line = Regex::new(r"(?m)^(\|)").unwrap();
        let protected = re_table_line.replace_all(&protected, |caps: &regex::Captures| {
            format!("\u{0000}T{}", &caps[1])
        });

        // Step 2: Protect paragraph breaks (2+ newlines)
        let re_para = Regex::new(r"\n{2,}").unwrap();
        let protected = re_para.replace_all(&protected, PARA_PLACEHOLDER);

        // Step 2b: A *single* newline directly before a protected block marker
        // (list item / heading / table row) must not survive: the marker restore in
        // step 7 already re-inserts it. Kept after a sentence end it turns a tight
        // list into a loose one ("- a.\n- b." → "- a.\n\n- b."); kept anywhere
        // else step 4 turns it into a trailing space on the line before the block
        // (every table row but the last used to end in "| ").
        let re_newline_before_block = Regex::new(r"[ \t]*\n(\u{0000}[LHT])").unwrap();
        let protected = re_newline_before_block.replace_all(&protected, "$1");

        // Step 3: Protect sentence endings followed by newline
        let re_sent = Regex::new(r"([.。!?！？])\s*\n").unwrap();
        let protected = re_sent.replace_all(&protected, |caps: &regex::Captures| {
            format!("{}{}", &caps[1], SENT_PLACEHOLDER)
        });

        // Step 4: Replace remaining single newlines with space — one space, not the
        // line's own trailing space plus the newline's ("are \nsymmetric" must not
        // become "are  symmetric").
        let re_soft_break = Regex::new(r"[ \t]*\n[ \t]*").unwrap();
        let merged = re_soft_break.replace_all(&protected, " ");

        // Step 5: Restore sentence breaks as single newline
        let merged = merged.replace(SENT_PLACEHOLDER, "\n");

        // Step 6: Restore paragraph breaks
        let merged = merged.replace(PARA_PLACEHOLDER, "\n\n");

        // Step 7: Restore markdown block markers with newline prefix
        // Headings get their own line
        let merged = merged.replace("\u{0000}H", "\n");
        // List items get their own line
        let merged = merged.replace("\u{0000}L", "\n");
        // Table rows get their own line
        merged.replace("\u{0000}T", "\n")
    }

    fn merge_list_markers(&self, text: &str) -> String {
        // Merge a list marker standing alone on its line with the content below it:
        // - "• \n내용" → "• 내용"
        // - "01. \n내용" → "01. 내용"
        // - "1) \n내용" → "1) 내용"
        // - "(1) \n내용" → "(1) 내용"
        // - "가. \n내용" → "가. 내용"
        // - "■\n내용" → "■ 내용"
        //
        // The marker must be the whole line. Matched anywhere, these patterns took
        // the line break out of ordinary text: a sentence ending in a number
        // ("… 21: 866-75.\n23. Koorstra" → "866-75.23. Koorstra"), every Korean
        // sentence end ("…합니다.\n다음" → "…합니다.다음"), and a line ending in a
        // hyphen ("298-\n306." → "298- 306.").
        const MARKERS: [&str; 5] = [
            r"[•\-■□▪▸►◆◇➤✓✗]",
            r"\d{1,3}[.)]",
            r"\(\d{1,3}\)",
            r"[가-힣][.)]",
            r"[❶-❿]",
        ];

        let mut result = text.to_string();
        for marker in MARKERS {
            let re = Regex::new(&format!(r"(?m)^([ \t]*{marker})[ \t]*\n\s*")).unwrap();
            result = re.replace_all(&result, "$1 ").to_string();
        }
        result
    }

    fn remove_toc_dot_leaders(&self, text: &str) -> String {
        // Remove dot leaders from TOC entries per line.
        // "Chapter 1 ................................ 6"  → "Chapter 1 (p.6)"
        // "Introduction ............................"      → "Introduction"
        // "Chapter 1 ......... Chapter 2"               → "Chapter 1 Chapter 2"  (inline)
        // "Chapter 1 ......... 6 Chapter 2"             → "Chapter 1 (p.6) Chapter 2"  (inline+page)
        text.lines()
            .map(|line| {
                // Step 1: remove inline dot leaders (between TOC entries on same line)
                let line = self
                    .toc_dot_leader_inline_regex
                    .replace_all(line, |caps: &regex::Captures| {
                        if let Some(page) = caps.get(1) {
                            format!(" (p.{}) ", page.as_str())
                        } else {
                            " ".to_string()
                        }
                    })
                    .into_owned();
                // Step 2: remove end-of-line dot leaders
                self.toc_dot_leader_regex
                    .replace(&line, |caps: &regex::Captures| {
                        if let Some(page) = caps.get(1) {
                            format!(" (p.{})", page.as_str())
                        } else {
                            String::new()
                        }
                    })
                    .into_owned()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn merge_cjk_lines(&self, text: &str) -> String {
        // Merge CJK (Korean/Chinese/Japanese) characters across SINGLE line breaks only
        // Fixes mid-sentence breaks like "반드시 지키\n십시오" → "반드시 지키십시오"
        // But preserves paragraph breaks (2+ newlines)
        //
        // Also handles: CJK + punctuation + newline + CJK
        // E.g., "감사합니다.\n반드시" → preserves as separate sentences

        const PLACEHOLDER: &str = "\u{0000}CJKPARA\u{0000}";

        // First, protect paragraph breaks (2+ newlines)
        let re_para = Regex::new(r"\n{2,}").unwrap();
        let protected = re_para.replace_all(text, PLACEHOLDER);

        // Pattern: CJK char (not followed by sentence-ending punctuation) + single newline + CJK char
        // Don't merge if the first char is followed by sentence-ending punctuation
        let re = Regex::new(
            r"([\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}])([^.。!?！？\n]?)\n([\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}])"
        ).unwrap();

        let merged = re.replace_all(&protected, "$1$2$3").to_string();

        // Restore paragraph breaks
        merged.replace(PLACEHOLDER, "\n\n")
    }
}

impl Default for CleanupPipeline {
    fn default() -> Self {
        Self::new(CleanupOptions::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_unicode_normalization() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Minimal);
        let text = "café"; // With combining characters
        let result = pipeline.process(text);
        assert!(result.contains("café"));
    }

    /// The delimiter row is what makes pipe lines a table; it has no word in it, so the
    /// punctuation-only line filter used to drop it and every table lost its structure.
    #[test]
    fn standard_cleanup_keeps_table_delimiter_row() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "| No. | Name |\n| --- | :---: |\n| 1 | Alpha |\n";
        assert_eq!(pipeline.process(text), text.trim_end());
    }

    /// Script markup is not a word: a line of punctuation set as superscripts or subscripts is
    /// still dropped, and a line whose script holds a letter is kept.
    #[test]
    fn standard_cleanup_drops_punctuation_in_script_markup() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "Before.\n\n%<sub>!</sub> $<sub>!</sub>\n\nAfter.";
        assert_eq!(pipeline.process(text), "Before.\n\nAfter.");
        let text = "Before.\n\n∆<sub>t</sub>\n\nAfter.";
        assert_eq!(pipeline.process(text), text);
    }

    /// Standard keeps a line that holds only a number: by its text alone it may as well be a
    /// chart's value or a table's as a page number, and page numbers are left out by position
    /// before rendering.
    #[test]
    fn standard_cleanup_keeps_a_line_holding_only_a_number() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        for value in ["12", "100", "- 12 -", "2019"] {
            let text = format!("Before.\n\n{value}\n\nAfter.");
            assert_eq!(pipeline.process(&text), text, "{value:?}");
        }
    }

    /// With page-number removal on (`Aggressive`), a number set between dashes is removed; a
    /// negative number alone on its line is a value, and keeps its line.
    #[test]
    fn page_number_removal_keeps_a_lone_negative_number() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Aggressive);
        for page_number in ["- 12 -", "-12-", "– 3 –", "- 12", "12", "—12"] {
            let text = format!("Before.\n\n{page_number}\n\nAfter.");
            assert_eq!(
                pipeline.process(&text),
                "Before.\n\nAfter.",
                "{page_number:?} is a page number"
            );
        }
        for value in ["-12", "\u{2013}12", "\u{2212}12"] {
            let text = format!("Before.\n\n{value}\n\nAfter.");
            assert_eq!(
                pipeline.process(&text),
                format!("Before.\n\n{value}\n\nAfter."),
                "{value:?} is a negative number"
            );
        }
    }

    /// A line that already ends in a space joins the next with one space, not two.
    #[test]
    fn soft_break_after_trailing_space_joins_with_one_space() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        assert_eq!(
            pipeline.process("If these are \nsymmetric we can read"),
            "If these are symmetric we can read"
        );
    }

    /// A row whose cells are all empty is still a row: dropping it shifts later rows up.
    #[test]
    fn standard_cleanup_keeps_table_rows_without_text() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "| A | B |\n| --- | --- |\n| 1 | 2 |\n|  |  |\n| 3 | 4 |\n";
        let result = pipeline.process(text);
        let rows = result.lines().filter(|l| l.starts_with('|')).count();
        assert_eq!(rows, 5, "{result:?}");
    }

    #[test]
    fn test_ligature_fix() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "ﬁnding ﬂowers";
        let result = pipeline.process(text);
        assert_eq!(result, "finding flowers");
    }

    #[test]
    fn test_bullet_standardization() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "● Item 1\n○ Item 2\n■ Item 3";
        let result = pipeline.process(text);
        assert!(result.contains("• Item 1"));
        assert!(result.contains("• Item 2"));
    }

    #[test]
    fn test_hyphenation_fix() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);

        // Basic case: hyphen + newline
        let text = "This is infor-\nmation about something.";
        let result = pipeline.process(text);
        assert!(result.contains("information"));

        // Case with space after hyphen (common in PDF extraction)
        let text2 = "This is adip- iscing elit.";
        let result2 = pipeline.process(text2);
        assert!(
            result2.contains("adipiscing"),
            "Expected 'adipiscing' but got: {}",
            result2
        );

        // Case with hyphen + newline + space
        let text3 = "con-\n sectetuer";
        let result3 = pipeline.process(text3);
        assert!(
            result3.contains("consectetuer"),
            "Expected 'consectetuer' but got: {}",
            result3
        );
    }

    #[test]
    fn test_frontmatter_preservation() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Aggressive);
        let text = "---\ntitle: Test\n---\n\nContent with   extra   spaces.";
        let result = pipeline.process(text);
        assert!(result.starts_with("---\n"));
        assert!(result.contains("title: Test"));
    }

    #[test]
    fn test_merge_single_newlines() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "This\nis\na\ntest.\n\nNew paragraph.";
        let result = pipeline.process(text);
        assert!(result.contains("This is a test."));
        assert!(result.contains("\n\n") || result.contains("New paragraph"));
    }

    #[test]
    fn test_remove_replacement_char() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "Hello\u{FFFD}World";
        let result = pipeline.process(text);
        assert_eq!(result, "HelloWorld");
    }

    #[test]
    fn test_merge_list_markers_bullet() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "• \n'안전을 위한 주의사항'은 제품을 올바르게 사용하기 위한 것입니다.";
        let result = pipeline.process(text);
        assert!(
            result.starts_with("• '안전을"),
            "Expected bullet merged, got: {}",
            result
        );
    }

    #[test]
    fn test_merge_list_markers_number() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "01. \n인명이나 재산상에 영향이 큰 기기에 사용하지 마십시오.";
        let result = pipeline.process(text);
        assert!(
            result.starts_with("01. 인명이나"),
            "Expected number merged, got: {}",
            result
        );
    }

    #[test]
    fn test_hyphenation_fix_rejoins_a_broken_number_range() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let result = pipeline.process("Nature 2004; 432: 298-\n306.");
        assert!(result.contains("432: 298-306."), "{}", result);
        // A spaced dash between numbers is prose, not a broken range.
        let result = pipeline.process("from 10 - 20 units");
        assert!(result.contains("10 - 20"), "{}", result);
    }

    /// A number or hyphen that merely ends a line is not a marker: the break stays,
    /// and becomes the usual space.
    #[test]
    fn test_merge_list_markers_leaves_line_ends_alone() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let result = pipeline.process("Mod Pathol 2008; 21: 866-75.\n23. Koorstra JB.");
        assert!(!result.contains("75.23."), "{}", result);
        assert!(result.contains("866-75."), "{}", result);
        assert!(result.contains("23. Koorstra"), "{}", result);

        let result = pipeline.process("주의하십시오.\n다음 항목을 확인합니다.");
        assert!(!result.contains("주의하십시오.다음"), "{}", result);
    }

    #[test]
    fn test_merge_cjk_lines() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "반드시 지키\n십시오.";
        let result = pipeline.process(text);
        assert!(
            result.contains("반드시 지키십시오"),
            "Expected CJK merged, got: {}",
            result
        );
    }

    #[test]
    fn test_standard_keeps_a_contents_line_as_printed() {
        // The leader and the page number are the document's text; rewriting them is
        // `remove_toc`, which only the aggressive preset turns on.
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "Chapter 1 ................................ 6";
        assert_eq!(pipeline.process(text).trim(), text);
    }

    #[test]
    fn test_toc_dot_leaders_inline() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Aggressive);
        // Inline dots between TOC entries (no page number)
        let text =
            "개요 ................................ 소개 ................................ 요구 사항";
        let result = pipeline.process(text);
        assert!(
            !result.contains("................"),
            "Expected inline dots removed, got: {}",
            result
        );
        // Should preserve entry names
        assert!(result.contains("개요"), "개요 should be preserved");
        assert!(result.contains("소개"), "소개 should be preserved");
        assert!(
            result.contains("요구 사항"),
            "요구 사항 should be preserved"
        );
    }

    #[test]
    fn test_toc_dot_leaders_preserves_prose_with_few_dots() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Aggressive);
        // 4-dot prose run between spaces: must survive (threshold is 8+)
        // This verifies the inline regex doesn't eat common prose patterns.
        let text = "We waited .... and waited.";
        let result = pipeline.process(text);
        assert!(
            result.contains("...."),
            "4-dot prose run must be preserved (threshold is 8+), got: {}",
            result
        );
        // 7-dot run: also untouched
        let text2 = "Hold on ....... done.";
        let result2 = pipeline.process(text2);
        assert!(
            result2.contains("......."),
            "7-dot run must be preserved, got: {}",
            result2
        );
    }

    #[test]
    fn test_merge_cjk_with_space() {
        let pipeline = CleanupPipeline::from_preset(CleanupPreset::Standard);
        let text = "특정조건 하에서\n 위험이 발생할 우려가 있습니다.";
        let result = pipeline.process(text);
        // Korean text should preserve spaces (unlike Chinese/Japanese)
        // With CJK line merge, newline becomes space
        assert!(
            result.contains("하에서") && result.contains("위험이"),
            "Expected proper merge, got: {}",
            result
        );
    }
}

#[cfg(test)]
mod preformatted_tests {
    use super::*;

    #[test]
    fn cleanup_keeps_fenced_code_literal() {
        let cleanup = CleanupPipeline::from_preset(CleanupPreset::Aggressive);
        for fence in ["```", "~~~~"] {
            let code = format!("{fence}\n{{\n  int x = 1;\n  // word-\n  // next\n}}\n{fence}\n");
            let cleaned = cleanup.process(&format!("Before\n\n{code}\nAfter"));
            assert!(cleaned.contains(&code), "{cleaned}");
            assert!(cleaned.contains("Before") && cleaned.contains("After"));
        }
    }
}
