//! The one "type it to delete" card: closed, a button that opens it (a GET to `<page>?delete`, so it
//! works without JavaScript); open, what will be lost, `Confirm <thing> name`, `Delete` and `Cancel`.
//! The server function checks the typed name (`confirm_name`) again: this card only asks.

use crate::components::{FormAlert, TextField};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn};
use serde::de::DeserializeOwned;

#[component]
pub fn DangerDelete<S, P>(
    /// `user`, `group`, `policy`: names the card (`Delete user`) and the field (`Confirm user name`).
    what: &'static str,
    /// The field's label, when not `Confirm <what> name` (`Type the number of users`).
    #[prop(optional, into)]
    label: Option<String>,
    /// What must be typed to confirm.
    #[prop(into)]
    confirm: String,
    action: ServerAction<S>,
    error: Signal<Option<AppError>>,
    /// The inputs that name the thing to the server function.
    hidden: Vec<(String, String)>,
    /// The page's own address: `Cancel`, and where `?delete` opens the card.
    #[prop(into)]
    page: String,
    /// The page's own query parameters (a policy's `arn`), kept when the card is opened.
    #[prop(optional)]
    page_query: Vec<(&'static str, String)>,
    /// Whether the card is open (the address asked, or a rejected attempt came back).
    open: bool,
    /// Said before the card is opened.
    summary: &'static str,
    /// Said once it is: what is lost with the thing.
    #[prop(into)]
    consequence: String,
) -> impl IntoView
where
    S: DeserializeOwned + ServerFn<Protocol = Http<PostUrl, P>> + Clone + Send + Sync + 'static,
    <<S::Client as Client<S::Error>>::Request as ClientReq<S::Error>>::FormData: From<leptos::web_sys::FormData>,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    S::Client: Client<S::Error>,
    P: 'static,
{
    let title = format!("Delete {what}");
    let open = open || error.get_untracked().is_some();
    let body = if open {
        let fields = hidden
            .into_iter()
            .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
            .collect_view();
        view! {
            <p>{consequence}</p>
            <FormAlert error=error/>
            <ActionForm action=action>
                {fields}
                <TextField id="confirm_name" label=label.unwrap_or_else(|| format!("Confirm {what} name")) field="confirmName" error=error
                    value=None hint=format!("Type {confirm} to confirm.")/>
                <button type="submit" class="danger">"Delete"</button>
                " "<a href=page.clone()>"Cancel"</a>
            </ActionForm>
        }
        .into_any()
    } else {
        let action_url = page.split('?').next().unwrap_or_default().to_owned();
        let kept = page_query
            .into_iter()
            .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
            .collect_view();
        view! {
            <p>{summary}</p>
            <form method="get" action=format!("{action_url}#delete")>
                {kept}
                <input type="hidden" name="delete" value="1"/>
                <button type="submit" class="secondary">{title.clone()}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="card narrow-form danger-zone" id="delete" aria-labelledby="delete-title">
            <h2 id="delete-title">{title.clone()}</h2>
            {body}
        </section>
    }
}
