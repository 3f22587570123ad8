//! Key/value rows for a user's tags, posted as `tags[i][key]` / `tags[i][value]` (serde_qs
//! indexing, which server functions decode). Without JavaScript the form offers the existing tags
//! plus a few blank rows; `Add tag` (an island) adds more in the browser. A cleared row removes that tag.

use crate::error::AppError;
use lanyard_iam::domain::MAX_TAGS_PER_USER;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the tag editor as the form posts it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRow {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl TagRow {
    pub fn pairs(rows: Option<Vec<TagRow>>) -> Vec<(String, String)> {
        rows.unwrap_or_default().into_iter().map(|r| (r.key, r.value)).collect()
    }
}

#[component]
pub fn TagEditor(
    /// The rows shown initially (existing tags, or what a rejected post typed).
    initial: Vec<(String, String)>,
    #[prop(default = 2)] blank_rows: usize,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    // Rendered once, on the server: the error is the one a rejected post left for this page.
    let problems = error.get_untracked().and_then(|e| {
        let msgs: Vec<String> = ["tags.key", "tags.value", "tags"].iter().filter_map(|f| e.field_message(f)).collect();
        (!msgs.is_empty()).then(|| msgs.join("; "))
    });
    let mut start = initial;
    start.extend(std::iter::repeat_with(Default::default).take(blank_rows));
    view! { <TagRows start problems/> }
}

/// The rows and `Add tag`: an island, so rows can be added in the browser.
#[island]
fn TagRows(start: Vec<(String, String)>, problems: Option<String>) -> impl IntoView {
    let count = start.len();
    let rows: RwSignal<Vec<(usize, String, String)>> =
        RwSignal::new(start.into_iter().enumerate().map(|(i, (k, v))| (i, k, v)).collect());
    let next = StoredValue::new(count);
    let add = move |_| {
        if rows.with(Vec::len) < MAX_TAGS_PER_USER {
            let id = next.get_value();
            next.set_value(id + 1);
            rows.update(|r| r.push((id, String::new(), String::new())));
        }
    };
    let invalid = problems.is_some().then_some("true");
    let described = problems.is_some().then_some("tags-error");
    view! {
        <fieldset class="tag-editor" aria-describedby=described>
            <legend>"Tags"</legend>
            <p class="hint">"Up to 50 key–value pairs; keys are unique ignoring case. Clear a row to remove its tag."</p>
            <div class="tag-rows">
                <For each=move || rows.get() key=|(id, _, _)| *id let:row>
                    {
                        let (id, key, value) = row;
                        let (kid, vid) = (format!("tag-key-{id}"), format!("tag-value-{id}"));
                        view! {
                            <div class="tag-row">
                                <label class="sr-only" for=kid.clone()>{format!("Tag key {}", id + 1)}</label>
                                <input id=kid type="text" name=format!("tags[{id}][key]") value=key
                                    placeholder="Key" spellcheck="false" aria-invalid=invalid/>
                                <label class="sr-only" for=vid.clone()>{format!("Tag value {}", id + 1)}</label>
                                <input id=vid type="text" name=format!("tags[{id}][value]") value=value
                                    placeholder="Value (optional)" spellcheck="false"/>
                            </div>
                        }
                    }
                </For>
            </div>
            <button type="button" class="secondary small" on:click=add>"Add tag"</button>
            {problems.map(|m| view! { <p class="field-error" id="tags-error">{m}</p> })}
        </fieldset>
    }
}
