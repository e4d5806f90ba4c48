//! The export choices of a run and a download link built from them. A link
//! (with `download` and `rel="external"`, so the router leaves it to the
//! browser) rather than a form: the file downloads at once, streaming.

use leptos::prelude::*;
use uuid::Uuid;

const FORMATS: [(&str, &str); 7] = [
    ("csv_wide", "CSV, one row per document"),
    ("csv_long", "CSV, one row per value"),
    ("xlsx", "Excel (a sheet per repeating sub-form)"),
    ("json", "JSON"),
    ("metafor", "metafor (escalc columns; outcome-results forms)"),
    ("robvis", "robvis (RoB 2 forms)"),
    ("traffic_light", "RoB 2 traffic-light figure (SVG)"),
];

const EXTRAS: [(&str, &str); 4] = [
    ("quote", "Evidence quote"),
    ("page", "Page"),
    ("confidence", "Confidence"),
    ("status", "Review status"),
];

#[component]
pub fn ExportPanel(run: Uuid) -> impl IntoView {
    let format = RwSignal::new("csv_wide".to_owned());
    let reviewed = RwSignal::new(true);
    let extras = RwSignal::new(Vec::<&'static str>::new());
    let href = move || {
        let mut url = format!(
            "/api/runs/{run}/export?format={}&reviewed={}",
            format.get(),
            reviewed.get()
        );
        for extra in extras.get() {
            url.push_str(&format!("&{extra}=true"));
        }
        url
    };
    view! {
        <details class="panel export-panel">
            <summary><h2 class="inline-heading">"Export"</h2></summary>
            <div class="stacked-form">
                <label class="stacked">
                    "Format"
                    <select name="format" on:change=move |ev| format.set(event_target_value(&ev))>
                        {FORMATS.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                    </select>
                </label>
                <fieldset>
                    <legend>"Values"</legend>
                    <label class="check">
                        <input type="radio" name="reviewed" checked prop:checked=move || reviewed.get()
                            on:change=move |_| reviewed.set(true) />
                        "With reviewers' corrections"
                    </label>
                    <label class="check">
                        <input type="radio" name="reviewed" prop:checked=move || !reviewed.get()
                            on:change=move |_| reviewed.set(false) />
                        "As extracted"
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Extra columns"</legend>
                    {EXTRAS.into_iter().map(|(key, label)| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || extras.get().contains(&key)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    extras.update(|e| { e.retain(|k| *k != key); if on { e.push(key); } });
                                } />
                            {label}
                        </label>
                    }).collect_view()}
                </fieldset>
                <a class="button" href=href download="" rel="external">"Download"</a>
            </div>
        </details>
    }
}
