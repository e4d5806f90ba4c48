//! Grey placeholder blocks shown while data loads (as `Suspense` fallbacks).

use leptos::prelude::*;

#[component]
pub fn Skeleton(
    /// How many text lines to suggest.
    #[prop(default = 3)]
    lines: usize,
    /// What is loading, for screen readers.
    #[prop(default = "Loading")]
    label: &'static str,
) -> impl IntoView {
    view! {
        <div class="skeleton" role="status" aria-busy="true" aria-label=label>
            {(0..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}
