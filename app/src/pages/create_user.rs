//! `/console/users/new`: create an IAM user (name, path and tags; console access and keys come
//! with their issues). Every broken rule is shown next to its field and in the summary alert.

use crate::api::typed_tags;
use crate::api::{load_page_context, CreateUser};
use crate::components::{
    follow_navigation, form_error, signed_in, ConsoleHeader, FormAlert, Loading, TagEditor, TextField,
};
use crate::dto::Flash;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CreateUserPage() -> impl IntoView {
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    view! {
        <Title text="Create user · Lanyard"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match signed_in(ctx.await) {
                    Ok((principal, c)) => view! {
                        <ConsoleHeader principal/>
                        <CreateUserForm flash=c.flash/>
                    }
                    .into_any(),
                    Err(instead) => instead,
                }
            })}
        </Suspense>
    }
}

#[component]
fn CreateUserForm(flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    follow_navigation(action.value());
    let typed = |f: &str| flash.as_ref().filter(|x| x.form == "create-user").and_then(|x| x.value(f));
    let (name, path) = (typed("user_name"), typed("path"));
    let tags = flash.as_ref().filter(|x| x.form == "create-user").map(|x| typed_tags(&x.values)).unwrap_or_default();
    let error = form_error(action.value(), action.version(), flash, "create-user");
    view! {
        <main class="page narrow-form">
            <p class="crumbs"><a href="/console">"Console Home"</a>" › "<a href="/console/users">"Users"</a>" › Create user"</p>
            <h1>"Create user"</h1>
            <FormAlert error=error/>
            <ActionForm action=action attr:class="card">
                <TextField id="user_name" label="User name" field="userName" error=error value=name
                    hint="Up to 64 letters, digits and _+=,.@- ; unique in the account, ignoring case."/>
                <TextField id="path" label="Path" field="path" error=error value=Some(path.unwrap_or_else(|| "/".into()))
                    hint="Organises users, e.g. /engineering/ops/ — starts and ends with /."/>
                <TagEditor initial=tags error=error/>
                <button type="submit" class="primary">"Create user"</button>
            </ActionForm>
        </main>
    }
}
