//! The per-field accuracy chart: an SVG the app renders itself, two bars per
//! field (all values, verified only), colours from the theme so it reads in
//! dark mode, and a text alternative.

use leptos::prelude::*;

use crate::evaluation::metrics::Scores;

const ROW: f64 = 34.0;
const LABEL_WIDTH: f64 = 230.0;
const BAR_WIDTH: f64 = 360.0;

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| format!("{:.0}%", x * 100.0))
}

#[component]
pub fn AccuracyChart(all: Scores, verified: Scores) -> impl IntoView {
    let height = ROW * all.fields.len() as f64 + 40.0;
    let width = LABEL_WIDTH + BAR_WIDTH + 70.0;
    let summary = all
        .fields
        .iter()
        .zip(&verified.fields)
        .map(|(a, v)| {
            format!(
                "{}: {} of all values, {} of verified values",
                a.label,
                percent(a.ratios.accuracy),
                percent(v.ratios.accuracy)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let rows = all
        .fields
        .iter()
        .zip(&verified.fields)
        .enumerate()
        .map(|(i, (a, v))| {
            let y = 30.0 + i as f64 * ROW;
            let bar = |x: Option<f64>| x.unwrap_or(0.0).clamp(0.0, 1.0) * BAR_WIDTH;
            let label: String = if a.label.chars().count() > 34 {
                format!("{}…", a.label.chars().take(33).collect::<String>())
            } else {
                a.label.clone()
            };
            view! {
                <g>
                    <text x=LABEL_WIDTH - 8.0 y=y + 14.0 text-anchor="end" class="chart-label">{label}</text>
                    <rect x=LABEL_WIDTH y=y width=bar(a.ratios.accuracy) height="12" class="bar-all">
                        <title>{format!("{}: {} (all values)", a.label, percent(a.ratios.accuracy))}</title>
                    </rect>
                    <rect x=LABEL_WIDTH y=y + 14.0 width=bar(v.ratios.accuracy) height="12" class="bar-verified">
                        <title>{format!("{}: {} (verified only)", a.label, percent(v.ratios.accuracy))}</title>
                    </rect>
                    <text x=LABEL_WIDTH + BAR_WIDTH + 6.0 y=y + 11.0 class="chart-value">{percent(a.ratios.accuracy)}</text>
                    <text x=LABEL_WIDTH + BAR_WIDTH + 6.0 y=y + 25.0 class="chart-value">{percent(v.ratios.accuracy)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg role="img" aria-label=format!("Accuracy per field. {summary}") viewBox=format!("0 0 {width} {height}")
                data-testid="accuracy-chart" width="100%">
                <g class="chart-legend">
                    <rect x=LABEL_WIDTH y="4" width="12" height="12" class="bar-all" />
                    <text x=LABEL_WIDTH + 18.0 y="14" class="chart-label">"All values"</text>
                    <rect x=LABEL_WIDTH + 120.0 y="4" width="12" height="12" class="bar-verified" />
                    <text x=LABEL_WIDTH + 138.0 y="14" class="chart-label">"Verified only"</text>
                </g>
                {rows}
            </svg>
            <figcaption class="muted">"Accuracy per field: the share of the gold's slots the run got right."</figcaption>
        </figure>
    }
}
