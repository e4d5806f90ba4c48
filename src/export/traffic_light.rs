//! The RoB 2 traffic-light plot as SVG, in robvis's layout: one row per
//! study result, columns D1–D5 and Overall, each cell a coloured circle with
//! a symbol (+ low, − some concerns, × high, ? no information) so it reads
//! without colour too, then a legend of the judgements and the domains.
//!
//! Circles have fixed fills (robvis's "cochrane" colours, with a symbol in
//! black or white for contrast); all text uses `currentColor`, so inline in a
//! page it takes the page's text colour in light and dark themes, and as a
//! stand-alone file `color-scheme: light dark` lets the viewer pick a
//! readable colour. The SVG starts with a `<title>` (its accessible name,
//! `role="img"`) and a `<desc>`; each circle has a `<title>` such as
//! "Smith 2020, D1: Low". Every text is XML-escaped.

use std::fmt::Write;

use super::analysis::{Judgement, ROBVIS_DOMAINS, RobvisRow};

/// What each robvis domain covers (RoB 2).
const DOMAIN_NAMES: [&str; 5] = [
    "Bias arising from the randomization process",
    "Bias due to deviations from intended intervention",
    "Bias due to missing outcome data",
    "Bias in measurement of the outcome",
    "Bias in selection of the reported result",
];

const CELL: usize = 44;
/// Extra space before the Overall column, which robvis sets apart.
const OVERALL_GAP: usize = 16;
const RADIUS: usize = 15;
const MARGIN: usize = 12;
const HEADER: usize = 32;
const LINE: usize = 20;
/// Study labels longer than this are cut (the full label is in the tooltip).
const MAX_LABEL_CHARS: usize = 48;

fn style(judgement: Judgement) -> (&'static str, &'static str, &'static str) {
    // (fill, symbol, symbol colour)
    match judgement {
        Judgement::Low => ("#02C100", "+", "#000000"),
        Judgement::SomeConcerns => ("#E2DF07", "−", "#000000"),
        Judgement::High => ("#BF0000", "×", "#FFFFFF"),
        Judgement::NoInformation => ("#4EA1F7", "?", "#000000"),
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cut(label: &str) -> String {
    if label.chars().count() > MAX_LABEL_CHARS {
        let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        label.to_owned()
    }
}

fn circle(out: &mut String, cx: usize, cy: usize, judgement: Judgement, tooltip: &str) {
    let (fill, symbol, ink) = style(judgement);
    let _ = write!(
        out,
        r##"<g><title>{}</title><circle cx="{cx}" cy="{cy}" r="{RADIUS}" fill="{fill}" stroke="#000000" stroke-opacity="0.35"/><text x="{cx}" y="{cy}" class="rob-symbol" fill="{ink}" text-anchor="middle" dominant-baseline="central" aria-hidden="true">{symbol}</text></g>"##,
        escape(tooltip)
    );
}

/// The traffic-light plot of `rows` (from [`super::analysis::Rob2Collector`]),
/// headed by `title` (e.g. the project and run).
pub fn traffic_light_svg(rows: &[RobvisRow], title: &str) -> String {
    let labels: Vec<String> = rows.iter().map(|r| cut(&r.study)).collect();
    let longest = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max("Study".len());
    let label_width = (longest * 7 + 16).clamp(80, MAX_LABEL_CHARS * 7 + 16);
    let grid_left = MARGIN + label_width;
    let body_rows = rows.len().max(1);
    let grid_bottom = MARGIN + HEADER + body_rows * CELL;
    let legend_top = grid_bottom + LINE;
    let legend_lines = DOMAIN_NAMES.len();
    let width = (grid_left + ROBVIS_DOMAINS.len() * CELL + OVERALL_GAP + MARGIN).max(560);
    let height = legend_top + legend_lines * LINE + 2 * RADIUS + MARGIN;
    let column_x = |d: usize| {
        let gap = if d + 1 == ROBVIS_DOMAINS.len() {
            OVERALL_GAP
        } else {
            0
        };
        grid_left + d * CELL + gap + CELL / 2
    };

    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="rob2-traffic-light" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
    );
    let _ = write!(
        out,
        "<title>{}</title><desc>Risk of bias (RoB 2) traffic-light plot: {} results, domains D1 to D5 and overall; + low, − some concerns, × high, ? no information.</desc>",
        escape(title),
        rows.len()
    );
    out.push_str(
        "<style>svg.rob2-traffic-light:root{color-scheme:light dark;color:CanvasText}\
         .rob2-traffic-light text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px}\
         .rob2-traffic-light .rob-text{fill:currentColor}\
         .rob2-traffic-light .rob-head{font-weight:600}\
         .rob2-traffic-light .rob-symbol{font-size:17px;font-weight:700}</style>",
    );

    // Header row.
    let head_y = MARGIN + HEADER / 2;
    let _ = write!(
        out,
        r#"<text x="{MARGIN}" y="{head_y}" class="rob-text rob-head" dominant-baseline="central">Study</text>"#
    );
    for (d, domain) in ROBVIS_DOMAINS.iter().enumerate() {
        let x = column_x(d);
        let _ = write!(
            out,
            r#"<text x="{x}" y="{head_y}" class="rob-text rob-head" text-anchor="middle" dominant-baseline="central">{domain}</text>"#
        );
    }

    // One row per result.
    for (r, (row, label)) in rows.iter().zip(&labels).enumerate() {
        let cy = MARGIN + HEADER + r * CELL + CELL / 2;
        let _ = write!(
            out,
            r#"<text x="{MARGIN}" y="{cy}" class="rob-text" dominant-baseline="central"><title>{}</title>{}</text>"#,
            escape(&row.study),
            escape(label)
        );
        for (d, judgement) in row.judgements.iter().enumerate() {
            let cx = column_x(d);
            let tooltip = format!(
                "{}, {}: {}",
                row.study,
                ROBVIS_DOMAINS[d],
                judgement.robvis()
            );
            circle(&mut out, cx, cy, *judgement, &tooltip);
        }
    }
    if rows.is_empty() {
        let y = MARGIN + HEADER + CELL / 2;
        let _ = write!(
            out,
            r#"<text x="{MARGIN}" y="{y}" class="rob-text" dominant-baseline="central">No results assessed</text>"#
        );
    }

    // Legend: domains, then judgements.
    for (d, name) in DOMAIN_NAMES.iter().enumerate() {
        let y = legend_top + d * LINE;
        let _ = write!(
            out,
            r#"<text x="{MARGIN}" y="{y}" class="rob-text">D{}: {name}.</text>"#,
            d + 1
        );
    }
    let key_y = legend_top + DOMAIN_NAMES.len() * LINE + RADIUS;
    let mut x = MARGIN;
    for judgement in [
        Judgement::Low,
        Judgement::SomeConcerns,
        Judgement::High,
        Judgement::NoInformation,
    ] {
        let word = judgement.robvis();
        circle(&mut out, x + RADIUS, key_y, judgement, word);
        let _ = write!(
            out,
            r#"<text x="{}" y="{key_y}" class="rob-text" dominant-baseline="central">{word}</text>"#,
            x + 2 * RADIUS + 6
        );
        x += 2 * RADIUS + 6 + word.len() * 8 + 24;
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rows() -> Vec<RobvisRow> {
        use Judgement::*;
        vec![
            RobvisRow {
                study: "Smith 2020".into(),
                judgements: [Low, SomeConcerns, High, NoInformation, Low, High],
            },
            RobvisRow {
                study: "<script>alert(1)</script> & =HYPERLINK(\"x\")".into(),
                judgements: [Low; 6],
            },
        ]
    }

    #[test]
    fn one_circle_per_domain_with_symbols_titles_and_robvis_colours() {
        let svg = traffic_light_svg(&rows(), "Project — run 3");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title>Project — run 3</title><desc>"));
        // 12 result circles + 4 in the key.
        assert_eq!(svg.matches("<circle").count(), 16);
        for fill in ["#02C100", "#E2DF07", "#BF0000", "#4EA1F7"] {
            assert!(svg.contains(&format!("fill=\"{fill}\"")), "{fill}");
        }
        assert!(svg.contains("<title>Smith 2020, D3: High</title>"));
        assert!(svg.contains("<title>Smith 2020, Overall: High</title>"));
        for header in ["D1", "D5", "Overall", "Study"] {
            assert!(svg.contains(&format!(">{header}</text>")), "{header}");
        }
        for word in ["+", "−", "×", "?", "Some concerns", "No information"] {
            assert!(svg.contains(&format!(">{word}</text>")), "{word}");
        }
        assert!(svg.contains("D2: Bias due to deviations from intended intervention."));
        // Text follows the page's colour; stand-alone it picks a readable one.
        assert!(svg.contains(".rob-text{fill:currentColor}"));
        assert!(svg.contains("color-scheme:light dark"));
    }

    #[test]
    fn study_names_are_escaped_and_long_ones_cut() {
        let svg = traffic_light_svg(&rows(), "t");
        assert!(!svg.contains("<script>"));
        assert!(
            svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; =HYPERLINK(&quot;x&quot;)")
        );
        let long = RobvisRow {
            study: "x".repeat(100),
            judgements: [Judgement::Low; 6],
        };
        let svg = traffic_light_svg(&[long], "t");
        assert!(svg.contains(&format!(">{}…</text>", "x".repeat(MAX_LABEL_CHARS - 1))));
        assert!(svg.contains(&format!("<title>{}</title>", "x".repeat(100))));
    }

    #[test]
    fn an_empty_plot_is_still_a_valid_svg() {
        let svg = traffic_light_svg(&[], "t");
        assert!(svg.contains("No results assessed"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 4);
    }

    #[test]
    fn rows_from_the_rob2_collector_plot() {
        let rows = crate::export::analysis::tests::rob2_rows();
        let svg = traffic_light_svg(&rows, "t");
        assert_eq!(svg.matches("<circle").count(), rows.len() * 6 + 4);
        assert!(svg.contains("<title>=Jones (result 2), D1: High</title>"));
    }
}
