//! A destructive action behind a second click: the first button asks, then
//! "Delete for good" does it and "Keep it" backs out.

use leptos::prelude::*;

#[component]
pub fn ConfirmDelete(
    /// The first button, e.g. "Delete project…".
    label: &'static str,
    /// What deleting means, shown while asking.
    #[prop(optional)]
    warning: Option<&'static str>,
    /// Runs on "Delete for good".
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    move || {
        if confirming.get() {
            view! {
                {warning.map(|text| view! { <p>{text}</p> })}
                <div class="actions">
                    <button type="button" class="button danger" on:click=move |_| on_confirm.run(())>
                        "Delete for good"
                    </button>
                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>
                        "Keep it"
                    </button>
                </div>
            }
                .into_any()
        } else {
            view! {
                <button type="button" class="button button-secondary" on:click=move |_| confirming.set(true)>
                    {label}
                </button>
            }
                .into_any()
        }
    }
}
