//! A labelled text field that shows its own broken rules (the UI contract: `aria-invalid="true"`
//! and an `aria-describedby` message next to the field; the form's alert lists them all too).

use crate::error::AppError;
use leptos::prelude::*;

/// The text inside a `<textarea>`. Leptos writes the children of raw-text elements into the
/// server's HTML as they are, so a value holding `</textarea>` would close the element and the rest
/// would be markup (stored HTML injection). Every textarea of the console is rendered here, with its
/// text escaped on the server; in the browser the text is set as a DOM text node and needs none.
pub fn raw_text(value: &str) -> String {
    if cfg!(feature = "ssr") {
        let mut out = String::with_capacity(value.len());
        for c in value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out
    } else {
        value.to_owned()
    }
}

/// A bare multi-line field (no error wiring) for GET forms such as the simulator's.
#[component]
pub fn PlainTextArea(#[prop(into)] id: String, value: String, #[prop(optional)] rows: Option<u32>) -> impl IntoView {
    view! {
        <textarea id=id.clone() name=id rows=rows.unwrap_or(4).to_string() class="code" spellcheck="false">
            {raw_text(&value)}
        </textarea>
    }
}

/// `aria-describedby`: the error message while there is one, then the hint (if the field has one).
fn described_by(
    message: Signal<Option<String>>,
    msg_id: String,
    hint_id: Option<String>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    move || {
        let ids: Vec<&str> = message.get().map(|_| msg_id.as_str()).into_iter().chain(hint_id.as_deref()).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// The engine's field name whose errors belong here (`userName`, `path`).
    #[prop(into)]
    field: String,
    error: Signal<Option<AppError>>,
    /// What the field shows initially (kept from a failed no-JavaScript post).
    value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// The form's name for the value, when not the id (`user_names[2]`).
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&field)));
    let msg_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = described_by(message, msg_id.clone(), hint.is_some().then(|| hint_id.clone()));
    let name = name.unwrap_or_else(|| id.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=name
                type="text"
                value=value
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
                spellcheck="false"
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}

/// A labelled multi-line field (policy documents) with the same error wiring as [`TextField`].
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] field: String,
    error: Signal<Option<AppError>>,
    value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&field)));
    let msg_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = described_by(message, msg_id.clone(), hint.is_some().then(|| hint_id.clone()));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name=id
                rows="12"
                class="code"
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
                spellcheck="false"
            >{value.as_deref().map(raw_text)}</textarea>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    /// Attack: `</textarea><meta http-equiv=refresh …>` in a policy document or a simulator query
    /// became markup. The escape must hold, and no page may render a textarea of its own.
    #[test]
    #[cfg(feature = "ssr")]
    fn textarea_text_cannot_close_the_element() {
        assert_eq!(super::raw_text("</textarea><b>x</b>&"), "&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;&amp;");
    }

    #[test]
    fn every_textarea_goes_through_raw_text() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("components/text_field.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(!text.contains("<textarea"), "{} renders a textarea of its own", path.display());
                }
            }
        }
    }
}
