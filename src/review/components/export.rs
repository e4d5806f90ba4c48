//! The export form of a run: a plain GET form to the export route, so the
//! download starts at once (and works before the page has hydrated).

use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ExportPanel(run: Uuid) -> impl IntoView {
    view! {
        <details class="panel export-panel">
            <summary><h2 class="inline-heading">"Export"</h2></summary>
            <form class="stacked-form" method="get" action=format!("/api/runs/{run}/export")>
                <label class="stacked">
                    "Format"
                    <select name="format">
                        <option value="csv_wide">"CSV, one row per document"</option>
                        <option value="csv_long">"CSV, one row per value"</option>
                        <option value="xlsx">"Excel (a sheet per repeating sub-form)"</option>
                        <option value="json">"JSON"</option>
                        <option value="metafor">"metafor (escalc columns; outcome-results forms)"</option>
                        <option value="robvis">"robvis (RoB 2 forms)"</option>
                    </select>
                </label>
                <fieldset>
                    <legend>"Values"</legend>
                    <label class="check">
                        <input type="radio" name="reviewed" value="true" checked />
                        "With reviewers' corrections"
                    </label>
                    <label class="check">
                        <input type="radio" name="reviewed" value="false" />
                        "As extracted"
                    </label>
                </fieldset>
                <fieldset>
                    <legend>"Extra columns"</legend>
                    <label class="check"><input type="checkbox" name="quote" value="true" />"Evidence quote"</label>
                    <label class="check"><input type="checkbox" name="page" value="true" />"Page"</label>
                    <label class="check"><input type="checkbox" name="confidence" value="true" />"Confidence"</label>
                    <label class="check"><input type="checkbox" name="status" value="true" />"Review status"</label>
                </fieldset>
                <button type="submit" class="button">"Download"</button>
            </form>
        </details>
    }
}
