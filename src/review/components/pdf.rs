//! The paper beside the grid: pdf.js draws a page (`public/pdf_view.js`),
//! and the quote is looked for among the page's text-layer items with the
//! same normalisation as grounding (`review::highlight`), then marked.

use leptos::html::Div;
use leptos::prelude::*;

use crate::review::highlight::MatchKind;

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum ViewStatus {
    Loading,
    Shown {
        page: i32,
        /// The marked text and how it was found, when the quote is on this page.
        marked: Option<(String, MatchKind)>,
        looked_for: bool,
    },
    Failed(String),
}

/// One page of the PDF at `url`, starting at `start_page`, with `highlight`
/// marked when the page shown is `highlight_page`. `selection` is handed the
/// reader's current text selection getter (for "use selection as quote").
#[component]
pub fn PdfView(
    url: String,
    start_page: i32,
    page_count: i32,
    highlight: Option<String>,
    highlight_page: Option<i32>,
    /// The page currently shown (read by "use selection as quote").
    shown_page: RwSignal<i32>,
    /// Filled with a function that reads the text selected in the view.
    selection: RwSignal<Option<Callback<(), String>>>,
) -> impl IntoView {
    let container = NodeRef::<Div>::new();
    let status = RwSignal::new(ViewStatus::Loading);
    let pages = RwSignal::new(page_count.max(1));
    shown_page.set(start_page.max(1));
    #[cfg(feature = "hydrate")]
    {
        selection.set(Some(Callback::new(move |()| {
            container
                .get_untracked()
                .map(|el| bridge::selection(&el))
                .unwrap_or_default()
        })));
        Effect::new(move |_| {
            let wanted = shown_page.get();
            let Some(el) = container.get() else {
                return;
            };
            let url = url.clone();
            let highlight = highlight.clone();
            status.set(ViewStatus::Loading);
            leptos::task::spawn_local(async move {
                match bridge::render(&el, &url, wanted).await {
                    Ok(shown) => {
                        pages.set(shown.pages);
                        let looked_for = highlight.is_some() && highlight_page == Some(shown.page);
                        let marked = if looked_for {
                            highlight
                                .as_deref()
                                .and_then(|q| {
                                    crate::review::highlight::find_in_items(&shown.items, q)
                                })
                                .map(|m| (bridge::mark(&el, &m.items), m.kind))
                        } else {
                            None
                        };
                        status.set(ViewStatus::Shown {
                            page: shown.page,
                            marked,
                            looked_for,
                        });
                    }
                    Err(message) => status.set(ViewStatus::Failed(message)),
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, highlight, highlight_page, selection);
    }
    let go = move |delta: i32| {
        shown_page.update(|p| *p = (*p + delta).clamp(1, pages.get_untracked().max(1)));
    };
    view! {
        <div class="pdf-toolbar">
            <button type="button" class="button button-secondary small" on:click=move |_| go(-1)
                disabled=move || shown_page.get() <= 1>"‹ Previous page"</button>
            <span data-testid="pdf-page">{move || format!("Page {} of {}", shown_page.get(), pages.get())}</span>
            <button type="button" class="button button-secondary small" on:click=move |_| go(1)
                disabled=move || shown_page.get() >= pages.get()>"Next page ›"</button>
        </div>
        <p class="pdf-status muted" role="status" data-testid="pdf-status">
            {move || match status.get() {
                ViewStatus::Loading => "Loading the page…".to_owned(),
                ViewStatus::Failed(message) => format!("The PDF could not be shown ({message}); the converted text is under “Converted text”."),
                ViewStatus::Shown { page, marked: Some((_, MatchKind::Words)), .. } => {
                    format!("Page {page}: the passage is marked where most of its words are (the PDF's text differs slightly).")
                }
                ViewStatus::Shown { page, marked: Some(_), .. } => format!("Page {page}: the passage is marked."),
                ViewStatus::Shown { page, marked: None, looked_for: true } => {
                    format!("Page {page}: the passage could not be found in the PDF's text layer; see “Converted text”.")
                }
                ViewStatus::Shown { page, .. } => format!("Page {page}."),
            }}
        </p>
        <div class="pdf-view" node_ref=container data-testid="pdf-view" tabindex="0" role="region" aria-label="PDF page"></div>
    }
}

#[cfg(feature = "hydrate")]
mod bridge {
    use js_sys::{Array, Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub struct Shown {
        pub pages: i32,
        pub page: i32,
        pub items: Vec<String>,
    }

    fn describe(err: JsValue) -> String {
        Reflect::get(&err, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| err.as_string())
            .unwrap_or_else(|| "unknown error".to_owned())
    }

    async fn sleep(ms: i32) {
        let promise = Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    /// The glue object; the module script may still be loading right after
    /// the page hydrates, so wait a little for it.
    async fn api() -> Result<JsValue, String> {
        for _ in 0..50 {
            if let Some(window) = web_sys::window()
                && let Ok(api) = Reflect::get(&window, &"evistreamPdf".into())
                && !api.is_undefined()
            {
                return Ok(api);
            }
            sleep(100).await;
        }
        Err("the PDF viewer script did not load".to_owned())
    }

    fn method(api: &JsValue, name: &str) -> Result<Function, String> {
        Reflect::get(api, &name.into())
            .map_err(describe)?
            .dyn_into::<Function>()
            .map_err(|_| format!("the PDF viewer has no {name}"))
    }

    pub async fn render(
        el: &web_sys::HtmlDivElement,
        url: &str,
        page: i32,
    ) -> Result<Shown, String> {
        let api = api().await?;
        let promise = method(&api, "render")?
            .call3(&api, el, &url.into(), &page.into())
            .map_err(describe)?
            .dyn_into::<Promise>()
            .map_err(|_| "the PDF viewer answered oddly".to_owned())?;
        let result = JsFuture::from(promise).await.map_err(describe)?;
        let number = |key: &str| {
            Reflect::get(&result, &key.into())
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0) as i32
        };
        let items = Reflect::get(&result, &"items".into()).map_err(describe)?;
        Ok(Shown {
            pages: number("pages"),
            page: number("page"),
            items: Array::from(&items)
                .iter()
                .map(|v| v.as_string().unwrap_or_default())
                .collect(),
        })
    }

    fn window_value() -> JsValue {
        web_sys::window().map_or(JsValue::UNDEFINED, JsValue::from)
    }

    pub fn mark(el: &web_sys::HtmlDivElement, indexes: &[usize]) -> String {
        let Ok(api) = Reflect::get(&window_value(), &"evistreamPdf".into()) else {
            return String::new();
        };
        let list: Array = indexes.iter().map(|i| JsValue::from(*i as u32)).collect();
        method(&api, "mark")
            .ok()
            .and_then(|f| f.call2(&api, el, &list).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }

    pub fn selection(el: &web_sys::HtmlDivElement) -> String {
        let Ok(api) = Reflect::get(&window_value(), &"evistreamPdf".into()) else {
            return String::new();
        };
        method(&api, "selection")
            .ok()
            .and_then(|f| f.call1(&api, el).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    }
}
