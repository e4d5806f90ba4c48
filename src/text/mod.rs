//! Plain-text helpers shared by the server and the browser (std only, so the
//! same code finds a quote in the converted pages and in pdf.js's text layer).

pub mod normalise;

/// Page numbers (ascending) as people list them, runs joined:
/// `[2, 5, 6, 7, 9]` → "2, 5–7 and 9"; `None` for no page.
pub fn page_list(pages: impl IntoIterator<Item = i64>) -> Option<String> {
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for page in pages {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == page => *end = page,
            _ => runs.push((page, page)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}–{end}")
            }
        })
        .collect();
    let (last, rest) = parts.split_last()?;
    Some(if rest.is_empty() {
        last.clone()
    } else {
        format!("{} and {last}", rest.join(", "))
    })
}
