//! The console's left navigation, in the AWS console's order: Dashboard, User groups, Users,
//! Policies, Account settings, Credential report, Event history; each section only where the principal's policies allow listing it.

use crate::dto::{ConsoleCapability as C, PrincipalDto};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

const SECTIONS: [(&str, &str, Option<C>); 7] = [
    ("Dashboard", "/console", None),
    ("User groups", "/console/groups", Some(C::ListGroups)),
    ("Users", "/console/users", Some(C::ListUsers)),
    ("Policies", "/console/policies", Some(C::ListPolicies)),
    ("Account settings", "/console/account", Some(C::AccountSettings)),
    ("Credential report", "/console/credential-report", Some(C::CredentialReport)),
    ("Event history", "/console/events", Some(C::Events)),
];

/// Whether `path` is in the section at `href` (the dashboard only at its own address).
fn in_section(path: &str, href: &str) -> bool {
    path == href || (href != "/console" && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
}

#[component]
pub fn SideNav(principal: PrincipalDto) -> impl IntoView {
    let location = use_location();
    let links = SECTIONS
        .into_iter()
        .filter(|(_, _, needs)| needs.is_none_or(|c| principal.can.allows(c)))
        .map(|(label, href, _)| {
            let current = move || in_section(&location.pathname.get(), href).then_some("page");
            view! { <li><a href=href aria-current=current>{label}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="sidenav" aria-label="Identity and Access Management">
            <p class="sidenav-title">"Identity and Access Management"</p>
            <ul>{links}</ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::in_section;

    #[test]
    fn sections_cover_their_pages_but_the_dashboard_only_itself() {
        assert!(in_section("/console/users", "/console/users"));
        assert!(in_section("/console/users/alice", "/console/users"));
        assert!(!in_section("/console/users-archive", "/console/users"));
        assert!(in_section("/console", "/console"));
        assert!(!in_section("/console/users", "/console"));
    }
}
