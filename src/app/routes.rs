//! The pages as lazy routes. With `cargo leptos build --split` the code of a
//! group of pages (and whatever only that group uses) goes into wasm chunks of
//! its own, fetched when one of its pages is first opened; the main wasm keeps
//! the shell (router, header, account menu, toasts). On the server a lazy route
//! renders like any other, and the chunks a page needs are named in its
//! `<head>` to be preloaded, so hydrating a first visit waits for no extra
//! round trip.
//!
//! Pages are split by group, not one by one. The splitter puts the code shared
//! by each distinct set of groups into a chunk of its own, so the number of
//! chunks grows quickly with the number of groups: with every page its own
//! group (18) the project page needed 336 chunks and hydrated several times
//! slower than the unsplit build; with these seven groups a page needs at most
//! 47 files. The groups follow how people move through the app, and the pages
//! where visits start are a small group of their own.
//!
//! A page loads its own data inside its component (it reads its route
//! parameters there), so `data()` is empty: on a navigation in the browser the
//! group's chunks, the first time, and then the page's data are fetched one
//! after the other.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::admin::components::AdminPage;
use crate::ask::components::{AskPage, CitationPage};
use crate::auth::components::{RegisterPage, SignInPage};
use crate::documents::components::DocumentPage;
use crate::evaluation::components::{EvaluatePage, EvaluationPage};
use crate::extraction::components::RunPage;
use crate::forms::components::FormPage;
use crate::jobs::components::{JobDetailPage, JobsPage};
use crate::projects::components::{ProjectPage, ProjectsPage};
use crate::review::components::ReviewPage;
use crate::spending::components::UsagePage;
use crate::system::components::HomePage;

use super::pages::SettingsPage;

#[derive(Clone, Copy)]
enum Start {
    Home,
    Projects,
}

/// Where visits start: the welcome for visitors, the dashboard, and the list
/// of projects (where registering and the dashboard lead). Kept apart from the
/// workspace group, whose project, document and run pages are most of the
/// app's code: the first signed-in page loads only the shell and this small
/// group, and the workspace's code is fetched two seconds after the app
/// starts (`preload_workspace_soon`) or when a project is opened.
#[lazy]
fn start_pages(page: Start) -> AnyView {
    match page {
        Start::Home => view! { <HomePage /> }.into_any(),
        Start::Projects => view! { <ProjectsPage /> }.into_any(),
    }
}

#[derive(Clone, Copy)]
enum Account {
    SignIn,
    Register,
}

/// Signing in and registering: small, and where a signed-out visit to any
/// private page is sent.
#[lazy]
fn account_pages(page: Account) -> AnyView {
    match page {
        Account::SignIn => view! { <SignInPage /> }.into_any(),
        Account::Register => view! { <RegisterPage /> }.into_any(),
    }
}

#[derive(Clone, Copy)]
enum Workspace {
    Project,
    Document,
    Run,
    Jobs,
    Job,
}

/// The everyday pages of a signed-in user: a project's tabs (documents,
/// forms, runs, search, activity, members), a document, a run, the jobs.
#[lazy]
fn workspace_pages(page: Workspace) -> AnyView {
    match page {
        Workspace::Project => view! { <ProjectPage /> }.into_any(),
        Workspace::Document => view! { <DocumentPage /> }.into_any(),
        Workspace::Run => view! { <RunPage /> }.into_any(),
        Workspace::Jobs => view! { <JobsPage /> }.into_any(),
        Workspace::Job => view! { <JobDetailPage /> }.into_any(),
    }
}

/// The form builder, with its preview and plan.
#[lazy]
fn form_pages() -> AnyView {
    view! { <FormPage /> }.into_any()
}

#[derive(Clone, Copy)]
enum Reading {
    Review,
    Ask,
    Citation,
}

/// Reading the papers: the review grid beside the PDF, questions over the
/// documents and a citation opened in the PDF (the PDF view is shared).
#[lazy]
fn reading_pages(page: Reading) -> AnyView {
    match page {
        Reading::Review => view! { <ReviewPage /> }.into_any(),
        Reading::Ask => view! { <AskPage /> }.into_any(),
        Reading::Citation => view! { <CitationPage /> }.into_any(),
    }
}

#[derive(Clone, Copy)]
enum Accuracy {
    Evaluate,
    Evaluation,
}

/// Accuracy against a gold standard: the evaluate page and an evaluation.
#[lazy]
fn accuracy_pages(page: Accuracy) -> AnyView {
    match page {
        Accuracy::Evaluate => view! { <EvaluatePage /> }.into_any(),
        Accuracy::Evaluation => view! { <EvaluationPage /> }.into_any(),
    }
}

#[derive(Clone, Copy)]
enum Administration {
    Usage,
    Settings,
    Admin,
}

/// Usage and budgets, one's settings (password, API tokens) and the
/// administration of accounts: the header's links after Jobs.
#[lazy]
fn administration_pages(page: Administration) -> AnyView {
    match page {
        Administration::Usage => view! { <UsagePage /> }.into_any(),
        Administration::Settings => view! { <SettingsPage /> }.into_any(),
        Administration::Admin => view! { <AdminPage /> }.into_any(),
    }
}

/// A route whose view is `$group($page)`, a page of a group loaded lazily;
/// `$preload` loads the group's chunks (`#[lazy]` makes it for the browser
/// build only).
macro_rules! lazy_page {
    ($route:ident => $group:ident($($page:expr)?), $preload:ident) => {
        #[doc = concat!("The route of a page loaded with `", stringify!($group), "`.")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                $group($($page)?).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}

lazy_page!(HomeRoute => start_pages(Start::Home), __preload_start_pages);
lazy_page!(SignInRoute => account_pages(Account::SignIn), __preload_account_pages);
lazy_page!(RegisterRoute => account_pages(Account::Register), __preload_account_pages);
lazy_page!(ProjectsRoute => start_pages(Start::Projects), __preload_start_pages);
lazy_page!(ProjectRoute => workspace_pages(Workspace::Project), __preload_workspace_pages);
lazy_page!(DocumentRoute => workspace_pages(Workspace::Document), __preload_workspace_pages);
lazy_page!(RunRoute => workspace_pages(Workspace::Run), __preload_workspace_pages);
lazy_page!(JobsRoute => workspace_pages(Workspace::Jobs), __preload_workspace_pages);
lazy_page!(JobRoute => workspace_pages(Workspace::Job), __preload_workspace_pages);
lazy_page!(FormRoute => form_pages(), __preload_form_pages);
lazy_page!(ReviewRoute => reading_pages(Reading::Review), __preload_reading_pages);
lazy_page!(AskRoute => reading_pages(Reading::Ask), __preload_reading_pages);
lazy_page!(CitationRoute => reading_pages(Reading::Citation), __preload_reading_pages);
lazy_page!(EvaluateRoute => accuracy_pages(Accuracy::Evaluate), __preload_accuracy_pages);
lazy_page!(EvaluationRoute => accuracy_pages(Accuracy::Evaluation), __preload_accuracy_pages);
lazy_page!(UsageRoute => administration_pages(Administration::Usage), __preload_administration_pages);
lazy_page!(SettingsRoute => administration_pages(Administration::Settings), __preload_administration_pages);
lazy_page!(AdminRoute => administration_pages(Administration::Admin), __preload_administration_pages);

/// How long after the first page starts hydrating the workspace's code is
/// fetched: long enough for that page to have its own chunks and data first.
#[cfg(feature = "hydrate")]
const WORKSPACE_PRELOAD_DELAY: std::time::Duration = std::time::Duration::from_secs(2);

/// Fetches the workspace group's chunks in the background shortly after the
/// app starts, so that opening a project from the first page does not wait for
/// the largest group. Loading a group twice is a no-op, so a page of the
/// workspace itself costs nothing more.
#[cfg(feature = "hydrate")]
pub fn preload_workspace_soon() {
    set_timeout(
        || leptos::task::spawn_local(__preload_workspace_pages()),
        WORKSPACE_PRELOAD_DELAY,
    );
}
