//! `/console/users`: the account's users with a path tree beside them. Filters, sort, page size and
//! paging are query parameters of plain links and a GET form, so everything works without
//! JavaScript and every view has an address that can be shared.

use crate::api::{list_users_page, DeleteUsers, SaveUserColumns};
use crate::components::{form_error, ConsolePage, DangerDelete, TitleAction};
use crate::dto::{ConsoleCapability, Flash, UsersPageDto};
use lanyard_iam::domain::{UserColumn, UserHygiene};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The listing's parameters, as in the address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ListParams {
    path: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    size: Option<String>,
    hygiene: Option<String>,
    days: Option<String>,
}

/// `20000` → `20,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl ListParams {
    /// The address of this listing with another path (`Some`) and/or a marker.
    fn href(&self, path: Option<&str>, marker: Option<&str>) -> String {
        let path = path.map(str::to_owned).or_else(|| self.path.clone());
        let pairs = [
            ("path", path.as_deref()),
            ("q", self.q.as_deref()),
            ("sort", self.sort.as_deref()),
            ("order", self.order.as_deref()),
            ("size", self.size.as_deref()),
            ("hygiene", self.hygiene.as_deref()),
            ("days", self.days.as_deref()),
            ("marker", marker),
        ];
        let query: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::api::encode(v))))
            .collect();
        if query.is_empty() {
            "/console/users".to_owned()
        } else {
            format!("/console/users?{}", query.join("&"))
        }
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let q = query.read();
        ListParams {
            path: q.get("path"),
            q: q.get("q"),
            sort: q.get("sort"),
            order: q.get("order"),
            size: q.get("size"),
            hygiene: q.get("hygiene"),
            days: q.get("days"),
        }
    };
    let data = Resource::new_blocking(
        move || (params(), query.read().get("marker")),
        |(p, marker)| {
            let size = p.size.and_then(|s| s.parse().ok());
            list_users_page(p.path, p.q, p.sort, p.order, marker, size, p.hygiene, p.days)
        },
    );
    let create = TitleAction { label: "Create user", href: "/console/users/new", needs: ConsoleCapability::CreateUser };
    view! {
        <ConsolePage title="Users" action=create load=move || async move { data.await }
            render=move |signed, d| {
                let q = query.read_untracked();
                let selection = Selection {
                    may_delete: signed.principal.can.allows(ConsoleCapability::DeleteUser),
                    selected: q.get_all("selected").unwrap_or_default(),
                    deleted: q.get("deleted"),
                    flash: signed.flash,
                };
                view! { <UsersView data=d params=params() selection/> }
            }/>
    }
}

/// The list's checkboxes and what the address says of them: the users selected for `Delete` (the
/// confirmation then asks for their number) and how many were just deleted.
struct Selection {
    may_delete: bool,
    selected: Vec<String>,
    deleted: Option<String>,
    flash: Option<Flash>,
}

#[component]
fn UsersView(data: UsersPageDto, params: ListParams, selection: Selection) -> impl IntoView {
    // Breadcrumbs of the tree: `/`, `/eng/`, `/eng/ops/`.
    let mut ancestors = vec!["/".to_owned()];
    let mut acc = String::from("/");
    for seg in data.tree_path.trim_matches('/').split('/').filter(|s| !s.is_empty()) {
        acc.push_str(seg);
        acc.push('/');
        ancestors.push(acc.clone());
    }
    let crumbs = ancestors
        .iter()
        .map(|p| {
            let label = if p == "/" {
                "/".to_owned()
            } else {
                format!("{}/", p.trim_end_matches('/').rsplit('/').next().unwrap_or_default())
            };
            view! { <a href=params.href(Some(p), None)>{label}</a>" " }
        })
        .collect_view();
    let tree_path = data.tree_path.clone();
    let children = data
        .tree_children
        .iter()
        .map(|c| {
            let label = c.path.strip_prefix(&tree_path).unwrap_or(&c.path).to_owned();
            let more = if c.has_children { " ▸" } else { "" };
            view! {
                <li>
                    <a href=params.href(Some(&c.path), None)>{label}</a>
                    <span class="count">{thousands(c.user_count)}</span>
                    {more}
                </li>
            }
        })
        .collect_view();
    let size = params.size.clone().unwrap_or_else(|| "50".into());
    let total = if data.total_is_lower_bound {
        format!("More than {} users", thousands(data.total))
    } else if data.total == 1 {
        "1 user".to_owned()
    } else {
        format!("{} users", thousands(data.total))
    };
    let scope = params
        .path
        .as_deref()
        .filter(|p| !p.is_empty() && *p != "/")
        .map(|p| format!(" with paths starting {p}"))
        .unwrap_or_default();
    let may_delete = selection.may_delete;
    let columns = data.columns.clone();
    let rows = data
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let id = format!("select-{i}");
            let checked = selection.selected.contains(&u.user_name);
            view! {
                <tr>
                    {may_delete.then(|| view! {
                        <td>
                            <input type="checkbox" id=id.clone() name="selected" value=u.user_name.clone() checked=checked form="selection"/>
                            <label class="sr-only" for=id>{format!("Select {}", u.user_name)}</label>
                        </td>
                    })}
                    <td><a href=crate::api::user_page(&u.user_name)>{u.user_name.clone()}</a></td>
                    {columns.iter().map(|c| match c {
                        UserColumn::Path => view! { <td><code>{u.path.clone()}</code></td> }.into_any(),
                        UserColumn::Created => view! { <td>{u.created.clone()}</td> }.into_any(),
                        UserColumn::PasswordLastUsed => view! { <td>{u.password_last_used.clone()}</td> }.into_any(),
                        UserColumn::Mfa => view! { <td class=if u.mfa == "None" { "warn" } else { "" }>{u.mfa.clone()}</td> }.into_any(),
                        UserColumn::SshKeys => view! { <td>{u.ssh_keys}</td> }.into_any(),
                        UserColumn::Certificates => view! { <td>{u.certificates}</td> }.into_any(),
                        UserColumn::Boundary => view! { <td>{u.boundary.clone()}</td> }.into_any(),
                        UserColumn::Groups => view! { <td>{u.groups.clone()}</td> }.into_any(),
                        UserColumn::LastActivity => view! { <td>{u.last_activity.clone()}</td> }.into_any(),
                        UserColumn::PasswordAge => view! { <td>{u.password_age.clone()}</td> }.into_any(),
                        UserColumn::AccessKeyAge => view! { <td class=if u.key_age_warn { "warn" } else { "" }>{u.key_age.clone()}</td> }.into_any(),
                        UserColumn::AccessKeyLastUsed => view! { <td>{u.key_last_used.clone()}</td> }.into_any(),
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let empty = data.users.is_empty();
    let keep = [
        ("path", &params.path),
        ("q", &params.q),
        ("sort", &params.sort),
        ("order", &params.order),
        ("size", &params.size),
        ("hygiene", &params.hygiene),
        ("days", &params.days),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| view! { <input type="hidden" name=k value=v/> }))
    .collect_view();
    let confirm = (may_delete && !selection.selected.is_empty())
        .then(|| view! { <DeleteSelected selected=selection.selected.clone() back=params.href(None, None) flash=selection.flash.clone()/> });
    let first = (params.href(None, None), true);
    let next = data.next_marker.as_deref().map(|m| params.href(None, Some(m)));
    view! {
        <div class="users-layout">
            <nav class="card path-tree" aria-label="Paths">
                <h2>"Paths"</h2>
                <p class="crumbs">{crumbs}</p>
                <p class="hint">{format!("{} directly in {}", data.tree_direct_users, data.tree_path)}</p>
                <ul>{children}</ul>
            </nav>
            <section class="card">
                <form method="get" action="/console/users" class="filters">
                    <input type="hidden" name="path" value=params.path.clone()/>
                    <div class="field">
                        <label for="q">"Search by user name"</label>
                        <input id="q" name="q" type="search" value=params.q.clone()/>
                    </div>
                    {select("sort", "Sort by", &[("name", "User name"), ("created", "Creation time")], params.sort.as_deref())}
                    {select("order", "Order", &[("asc", "Ascending"), ("desc", "Descending")], params.order.as_deref())}
                    {select("size", "Page size", &SIZES, Some(size.as_str()))}
                    {select("hygiene", "Show", &HYGIENE, params.hygiene.as_deref())}
                    <div class="field">
                        <label for="days">"N (days)"</label>
                        <input id="days" name="days" type="number" min="1" max="3650" inputmode="numeric"
                            value=params.days.clone().unwrap_or_else(|| UserHygiene::DEFAULT_DAYS.to_string())/>
                    </div>
                    <button type="submit" class="secondary">"Apply"</button>
                </form>
                <p class="total" data-testid="users-total">{format!("{total}{scope}")}</p>
                <ColumnChooser chosen=data.columns.clone() back=params.href(None, None)/>
                {confirm}
                {selection.deleted.map(|n| view! { <p class="once" role="status">{format!("Deleted {n} users.")}</p> })}
                <table class="users">
                    <thead>
                        <tr>
                            {may_delete.then(|| view! { <th><span class="sr-only">"Selected"</span></th> })}
                            <th>"User name"</th>
                            {columns.iter().map(|c| view! { <th>{c.label()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                // The checkboxes belong to this form (their `form` attribute): a GET that opens the
                // confirmation for the selection, with the listing's own parameters kept.
                {may_delete.then(|| view! {
                    <form method="get" action="/console/users" id="selection" class="selection-actions">
                        {keep.clone()}
                        <button type="submit" class="secondary">"Delete"</button>
                    </form>
                })}
                {empty.then(|| view! { <p class="hint">"No users match."</p> })}
                <nav class="pager" aria-label="Pages">
                    <a href=first.0>"First page"</a>
                    {next.map(|href| view! { <a href=href>"Next page"</a> })}
                </nav>
            </section>
        </div>
    }
}

/// The rotation and MFA filter: every user, or those with one problem (N is the days field).
const HYGIENE: [(&str, &str); 5] = [
    ("", "All users"),
    (UserHygiene::CHOICES[0].0, UserHygiene::CHOICES[0].1),
    (UserHygiene::CHOICES[1].0, UserHygiene::CHOICES[1].1),
    (UserHygiene::CHOICES[2].0, UserHygiene::CHOICES[2].1),
    (UserHygiene::CHOICES[3].0, UserHygiene::CHOICES[3].1),
];

const SIZES: [(&str, &str); 6] =
    [("10", "10"), ("25", "25"), ("50", "50"), ("100", "100"), ("500", "500"), ("1000", "1000")];

/// A labelled `<select>` of the filter form; `chosen` (or the first option) is selected.
fn select(
    id: &'static str,
    label: &'static str,
    options: &[(&'static str, &'static str)],
    chosen: Option<&str>,
) -> impl IntoView {
    let first = options.first().map(|(v, _)| *v).unwrap_or_default();
    let chosen = chosen.filter(|c| options.iter().any(|(v, _)| v == c)).unwrap_or(first).to_owned();
    let options = options
        .iter()
        .map(|(value, text)| view! { <option value=*value selected=chosen == *value>{*text}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=id>{options}</select>
        </div>
    }
}

/// `Columns`: which of the list's columns this principal sees, remembered for them.
#[component]
fn ColumnChooser(chosen: Vec<UserColumn>, back: String) -> impl IntoView {
    let action = ServerAction::<SaveUserColumns>::new();
    let boxes = UserColumn::ALL
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let id = format!("column-{}", c.key());
            view! {
                <label class="choice">
                    <input type="checkbox" id=id name=format!("columns[{i}]") value=c.key() checked=chosen.contains(&c)/>
                    " "{c.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="columns">
            <summary>"Columns"</summary>
            <ActionForm action=action>
                <input type="hidden" name="back" value=back/>
                <fieldset class="plain">
                    <legend>"Show these columns"</legend>
                    {boxes}
                </fieldset>
                <button type="submit" class="secondary small">"Save columns"</button>
            </ActionForm>
        </details>
    }
}

/// The confirmation of `Delete`: the selected users listed, their number typed to confirm.
#[component]
fn DeleteSelected(selected: Vec<String>, back: String, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<DeleteUsers>::new();
    let error = form_error(flash, "delete-users");
    let count = selected.len();
    let mut hidden: Vec<(String, String)> =
        selected.iter().enumerate().map(|(i, name)| (format!("user_names[{i}]"), name.clone())).collect();
    hidden.push(("back".into(), back.clone()));
    let noun = if count == 1 { "user" } else { "users" };
    let consequence = format!(
        "Deletes {count} {noun} ({}) with their console passwords, access keys, MFA devices, group memberships and policies. This cannot be undone.",
        selected.join(", ")
    );
    view! {
        <DangerDelete what="users" label=format!("Type {count} to confirm") confirm=count.to_string() action error
            hidden page=back open=true summary="" consequence/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn links_keep_the_filters_and_encode_values() {
        let p = ListParams {
            path: Some("/eng/".into()),
            q: Some("a b".into()),
            size: Some("25".into()),
            ..Default::default()
        };
        assert_eq!(p.href(None, None), "/console/users?path=%2Feng%2F&q=a%20b&size=25");
        assert_eq!(p.href(Some("/ops/"), Some("n.61")), "/console/users?path=%2Fops%2F&q=a%20b&size=25&marker=n.61");
        assert_eq!(ListParams::default().href(None, None), "/console/users");
    }
}
