//! A `Copy` button for values shown once: an island (the one piece of that page that runs in the
//! browser; before it is live the value stays selectable).

use leptos::prelude::*;

#[island]
pub fn CopyButton(value: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
        copied.set(true);
    };
    view! {
        <button type="button" class="secondary small" on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
