//! The `Permissions boundary` card of a user's page: the boundary's policy (or none), `Set
//! boundary` from the managed policies, and `Remove boundary` — each only where allowed.

use crate::api::{policy_page, RemovePermissionsBoundary, SetPermissionsBoundary};
use crate::components::{form_error, FormAlert};
use crate::dto::Flash;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn Boundary(
    user_name: String,
    boundary: Option<String>,
    /// `(name, arn)` of the managed policies that can be a boundary.
    policies: Vec<(String, String)>,
    may_set: bool,
    may_remove: bool,
    flash: Option<Flash>,
) -> impl IntoView {
    let set = ServerAction::<SetPermissionsBoundary>::new();
    let remove = ServerAction::<RemovePermissionsBoundary>::new();
    let error = form_error(flash, "permissions-boundary");
    let current = match &boundary {
        Some(arn) => {
            let name = arn.rsplit('/').next().unwrap_or(arn).to_owned();
            view! { <p data-testid="permissions-boundary">"Set: "<a href=policy_page(arn)>{name}</a>" "<code>{arn.clone()}</code></p> }.into_any()
        }
        None => view! { <p data-testid="permissions-boundary">"Not set: the user's own policies alone decide."</p> }
            .into_any(),
    };
    let options = policies
        .into_iter()
        .map(|(name, arn)| {
            let selected = boundary.as_deref() == Some(arn.as_str());
            view! { <option value=arn selected=selected>{name}</option> }
        })
        .collect_view();
    let no_boundary = boundary.is_none();
    let (for_set, for_remove) = (user_name.clone(), user_name);
    view! {
        <section class="card narrow-form" id="boundary" aria-labelledby="boundary-heading">
            <h2 id="boundary-heading">"Permissions boundary"</h2>
            <p class="hint">"A managed policy that caps what the user's own policies can grant."</p>
            {current}
            <FormAlert error=error/>
            {may_set.then(|| view! {
                <ActionForm action=set>
                    <input type="hidden" name="user_name" value=for_set/>
                    <div class="field">
                        <label for="boundary-policy">"Boundary policy"</label>
                        // The current boundary, or nothing preselected.
                        <select id="boundary-policy" name="boundary" required>
                            <option value="" selected=no_boundary disabled>"Choose a policy"</option>
                            {options}
                        </select>
                    </div>
                    <button type="submit" class="secondary">"Set boundary"</button>
                </ActionForm>
            })}
            {(may_remove && boundary.is_some()).then(|| view! {
                <ActionForm action=remove>
                    <input type="hidden" name="user_name" value=for_remove/>
                    <button type="submit" class="secondary">"Remove boundary"</button>
                </ActionForm>
            })}
        </section>
    }
}
