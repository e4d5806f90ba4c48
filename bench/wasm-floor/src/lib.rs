//! What every hydrated Leptos 0.8 page with a router needs and nothing more:
//! the router with one route and a link, a resource over a server function
//! shown in a transition, an error boundary and the meta context. eviStream's
//! shell (src/app/) is this plus its header, toasts, theme and lazy routes.
//! With the `islands` feature, the same app in Leptos's islands mode, where
//! only a sign-in form is hydrated.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct User {
    pub email: String,
}

#[server]
pub async fn current_user() -> Result<Option<User>, ServerFnError> {
    Ok(None)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="floor" />
        <Router>
            <header>
                <A href="/">"Home"</A>
                <Transition fallback=|| ()>
                    {move || user.get().and_then(|user| user.ok().flatten()).map(|user| user.email)}
                </Transition>
            </header>
            <main>
                <ErrorBoundary fallback=|_| view! { <p>"error"</p> }>
                    <Routes fallback=|| "not found">
                        <Route path=path!("/") view=|| view! { <p>"home"</p> } />
                    </Routes>
                </ErrorBoundary>
            </main>
        </Router>
    }
}

/// In islands mode the page is server HTML and only this form is hydrated:
/// the shape eviStream's sign-in page would take.
#[island]
pub fn SignInForm() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    view! {
        <ActionForm action=sign_in>
            <input type="email" name="email" />
            <button type="submit">"Sign in"</button>
            {move || sign_in.value().get().and_then(Result::err).map(|err| err.to_string())}
        </ActionForm>
    }
}

#[server]
pub async fn sign_in(email: String) -> Result<User, ServerFnError> {
    Ok(User { email })
}

#[cfg(all(feature = "hydrate", not(feature = "islands")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
