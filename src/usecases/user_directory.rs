//! Browsing an account's users: IAM's ListUsers (path prefix, opaque marker, page size) plus the
//! console's name search, sort orders, totals and the path tree; and bulk seeding for load tests.

use crate::domain::IamAction;
use crate::domain::{user_arn, AccountId, IamPath, UniqueId, UniqueIdKind, UserColumn, UserHygiene, UserName};
use crate::store::user_directory::{self as dir, UserExtras, UserKey, UserListQuery, UserOrder};
use crate::usecases::actor::{Actor, Resource};
use crate::{Engine, FieldError, IamError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Totals of a name search are counted up to here ("more than 10,000").
pub const SEARCH_COUNT_CAP: i64 = 10_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserSort {
    #[default]
    Name,
    Created,
}

#[derive(Clone, Debug, Default)]
pub struct ListUsersInput {
    pub path_prefix: Option<String>,
    pub search: Option<String>,
    pub sort: UserSort,
    pub descending: bool,
    /// The `next_marker` of the previous page.
    pub marker: Option<String>,
    pub page_size: Option<u32>,
    /// Whether the page also counts every matching user (the console shows it; IAM's
    /// ListUsers never answers it, so the API skips the work).
    pub counting: Counting,
    /// Only users with this rotation or MFA problem (the console's filter).
    pub hygiene: Option<UserHygiene>,
    /// The console columns shown: only their per-user figures are computed (none for the API).
    pub columns: Vec<UserColumn>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Counting {
    #[default]
    Count,
    Skip,
}

/// How many users match the filters, over all pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Total {
    Exact(u64),
    /// A name search counts at most [`SEARCH_COUNT_CAP`].
    AtLeast(u64),
    NotCounted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user_id: String,
    pub user_name: String,
    pub path: String,
    pub arn: String,
    pub created_at: OffsetDateTime,
    pub password_last_used_at: Option<OffsetDateTime>,
    pub mfa_devices: i64,
    pub ssh_public_keys: i64,
    pub signing_certificates: i64,
    /// The boundary policy's ARN, if the user has one.
    pub permissions_boundary: Option<String>,
    /// The user's groups, comma-separated (the Groups column).
    pub groups: Option<String>,
    /// When the console password was last set (Password age).
    pub password_changed_at: Option<OffsetDateTime>,
    /// When the oldest active access key was created (Active key age).
    pub oldest_active_key_at: Option<OffsetDateTime>,
    pub key_last_used_at: Option<OffsetDateTime>,
}

impl UserSummary {
    /// The AWS console's "Last activity": the later of the last console sign-in and the last
    /// use of an access key.
    pub fn last_activity(&self) -> Option<OffsetDateTime> {
        self.password_last_used_at.max(self.key_last_used_at)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    pub next_marker: Option<String>,
    pub total: Total,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathNode {
    pub path: String,
    /// Users at or below this path.
    pub user_count: u64,
    pub has_children: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLevel {
    pub path: String,
    /// Users exactly at `path`.
    pub direct_users: u64,
    pub children: Vec<PathNode>,
}

fn hex(s: &str) -> String {
    crate::sigv4::hex(s.as_bytes())
}

fn unhex(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// Markers name the sort they belong to, so one from another listing is refused, not misread.
fn encode_marker(key: &UserKey) -> String {
    match key {
        UserKey::Name(n) => format!("n.{}", hex(n)),
        UserKey::Created(at, id) => format!("c.{}.{}", at.unix_timestamp_nanos(), hex(id)),
    }
}

fn decode_marker(marker: &str, sort: UserSort) -> Option<UserKey> {
    match (sort, marker.split('.').collect::<Vec<_>>().as_slice()) {
        (UserSort::Name, ["n", name]) => unhex(name).map(UserKey::Name),
        (UserSort::Created, ["c", nanos, id]) => {
            let at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
            Some(UserKey::Created(at, unhex(id)?))
        }
        _ => None,
    }
}

/// IAM's PathPrefix: 1–512 characters, starting with `/`, printable ASCII.
fn parse_path_prefix(raw: &str) -> Result<String, FieldError> {
    let n = raw.chars().count();
    if !(1..=512).contains(&n) || !raw.starts_with('/') || !raw.chars().all(|c| ('!'..='~').contains(&c)) {
        return Err(FieldError::new(
            "pathPrefix",
            "must be 1 to 512 printable ASCII characters without spaces, starting with /",
        ));
    }
    Ok(raw.to_owned())
}

/// The per-user figures the shown columns need.
fn extras_for(columns: &[UserColumn]) -> UserExtras {
    let has = |c| columns.contains(&c);
    UserExtras {
        mfa: has(UserColumn::Mfa),
        ssh_keys: has(UserColumn::SshKeys),
        certificates: has(UserColumn::Certificates),
        groups: has(UserColumn::Groups),
        password_age: has(UserColumn::PasswordAge),
        key_age: has(UserColumn::AccessKeyAge),
        key_last_used: has(UserColumn::AccessKeyLastUsed) || has(UserColumn::LastActivity),
    }
}

impl Engine {
    /// One page of the account's users. Totals come from per-path counters (exact) or, for a name
    /// search, a count capped at [`SEARCH_COUNT_CAP`].
    pub async fn list_users(&self, actor: &Actor, input: ListUsersInput) -> Result<UserPage, IamError> {
        let account_id = actor.account_id().clone();
        let mut errors = Vec::new();
        let prefix = match input.path_prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => parse_path_prefix(p).map(Some).unwrap_or_else(|e| {
                errors.push(e);
                None
            }),
            None => None,
        };
        let search = input.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        if search.as_ref().is_some_and(|s| s.chars().count() > 64 || s.chars().any(char::is_control)) {
            errors.push(FieldError::new("search", "must be at most 64 characters, without control characters"));
        }
        let page_size = input.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=1000).contains(&page_size) {
            errors.push(FieldError::new("maxItems", "must be between 1 and 1000"));
        }
        let after = match input.marker.as_deref().filter(|m| !m.is_empty()) {
            Some(m) => match decode_marker(m, input.sort) {
                Some(key) => Some(key),
                None => {
                    errors.push(FieldError::new(
                        "marker",
                        "is not a marker of this listing; start again from the first page",
                    ));
                    None
                }
            },
            None => None,
        };
        if !errors.is_empty() {
            return Err(IamError::Validation(errors));
        }
        let resource = format!("arn:aws:iam::{account_id}:user{}*", prefix.as_deref().unwrap_or("/"));
        self.authorize(actor, IamAction::ListUsers, &Resource::untagged(resource))?;

        let order = match input.sort {
            UserSort::Name => UserOrder::Name,
            UserSort::Created => UserOrder::Created,
        };
        let query = UserListQuery {
            account_id: account_id.as_str(),
            path_prefix: prefix.as_deref(),
            name_contains: search.as_deref(),
            order,
            descending: input.descending,
            after,
            limit: i64::from(page_size) + 1,
            hygiene: input.hygiene,
            extras: extras_for(&input.columns),
        };
        let mut conn = self.warm.acquire().await?;
        let mut rows = dir::list_users(&mut *conn, &query).await?;
        let more = rows.len() > page_size as usize;
        rows.truncate(page_size as usize);
        let next_marker = more.then(|| rows.last()).flatten().map(|r| {
            encode_marker(&match order {
                UserOrder::Name => UserKey::Name(r.user_name.to_lowercase()),
                UserOrder::Created => UserKey::Created(r.created_at, r.user_id.clone()),
            })
        });
        let total = match input.counting {
            Counting::Skip => Total::NotCounted,
            Counting::Count => {
                let counted = dir::find_user_count(&mut *conn, &query, SEARCH_COUNT_CAP).await?.max(0);
                if (query.name_contains.is_some() || query.hygiene.is_some()) && counted > SEARCH_COUNT_CAP {
                    Total::AtLeast(SEARCH_COUNT_CAP as u64)
                } else {
                    Total::Exact(counted as u64)
                }
            }
        };
        conn.release();
        let users = rows
            .into_iter()
            .map(|r| {
                let arn = match (IamPath::parse(&r.path), UserName::parse(&r.user_name)) {
                    (Ok(p), Ok(n)) => user_arn(&account_id, &p, &n),
                    _ => format!("arn:aws:iam::{account_id}:user{}{}", r.path, r.user_name),
                };
                UserSummary {
                    arn,
                    user_id: r.user_id,
                    user_name: r.user_name,
                    path: r.path,
                    created_at: r.created_at,
                    password_last_used_at: r.password_last_used_at,
                    mfa_devices: r.mfa_devices,
                    ssh_public_keys: r.ssh_public_keys,
                    signing_certificates: r.signing_certificates,
                    permissions_boundary: r.permissions_boundary,
                    groups: r.groups,
                    password_changed_at: r.password_changed_at,
                    oldest_active_key_at: r.oldest_active_key_at,
                    key_last_used_at: r.key_last_used_at,
                }
            })
            .collect();
        Ok(UserPage { users, next_marker, total })
    }

    /// One level of the path tree: the users directly at `parent` and its child paths with the
    /// number of users at or below each.
    pub async fn list_path_level(&self, actor: &Actor, parent: &str) -> Result<PathLevel, IamError> {
        let parent = IamPath::parse(parent)?;
        let account_id = actor.account_id();
        self.authorize(
            actor,
            IamAction::ListUsers,
            &Resource::untagged(format!("arn:aws:iam::{account_id}:user{parent}*")),
        )?;
        let children = dir::list_path_children(&self.pool, account_id.as_str(), parent.as_str()).await?;
        let direct = dir::find_path_user_count(&self.pool, account_id.as_str(), parent.as_str()).await?;
        Ok(PathLevel {
            path: parent.to_string(),
            direct_users: direct.max(0) as u64,
            children: children
                .into_iter()
                .map(|c| PathNode {
                    path: c.path,
                    user_count: c.user_count.max(0) as u64,
                    has_children: c.has_children,
                })
                .collect(),
        })
    }

    /// Loads `count` synthetic users (`user-0000001`…) spread over `paths` paths
    /// (`/dept-NN/team-NNNN/`), in batches of one statement each. For load tests only: users get
    /// no console password.
    pub async fn seed_users(&self, account_id: &AccountId, count: u64, paths: u64) -> Result<u64, IamError> {
        const BATCH: u64 = 50_000;
        let paths = paths.max(1);
        let start = OffsetDateTime::now_utc() - time::Duration::seconds(count as i64);
        let mut inserted = 0;
        let mut next = 0u64;
        while next < count {
            let n = BATCH.min(count - next);
            let (mut ids, mut names, mut ps, mut created) = (
                Vec::with_capacity(n as usize),
                Vec::with_capacity(n as usize),
                Vec::with_capacity(n as usize),
                Vec::with_capacity(n as usize),
            );
            for i in next..next + n {
                ids.push(UniqueId::generate(UniqueIdKind::User).to_string());
                names.push(format!("user-{i:07}"));
                let p = i % paths;
                ps.push(format!("/dept-{:02}/team-{p:05}/", p % 50));
                created.push(start + time::Duration::seconds(i as i64));
            }
            let mut tx = self.pool.begin().await?;
            inserted += dir::insert_users_batch(&mut *tx, account_id.as_str(), &ids, &names, &ps, &created).await?;
            tx.commit().await?;
            next += n;
        }
        self.compact_path_counters().await?;
        Ok(inserted)
    }

    /// Folds the per-path user counters' shards back into one row per path, a batch per
    /// transaction, until none is left that no writer holds; returns how many rows were folded.
    /// The server runs it every minute; reads of the path tree sum every row of a path.
    pub async fn compact_path_counters(&self) -> Result<u64, IamError> {
        const BATCH: i32 = 2_000;
        let mut folded = 0u64;
        loop {
            let n = dir::update_compact_path_counters(&self.pool, BATCH).await?;
            folded += n.max(0) as u64;
            if n < i64::from(BATCH) {
                return Ok(folded);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_belong_to_their_sort() {
        let k = UserKey::Name("bob.o'neil@x".into());
        let m = encode_marker(&k);
        assert_eq!(decode_marker(&m, UserSort::Name), Some(k));
        assert_eq!(decode_marker(&m, UserSort::Created), None);
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_800_000_000_123_456_789).unwrap();
        let k = UserKey::Created(at, "AIDAXXXXXXXXXXXXXXXXX".into());
        assert_eq!(decode_marker(&encode_marker(&k), UserSort::Created), Some(k));
        for bad in ["", "n.zz", "n.6", "x.00", "c.notanumber.00"] {
            assert_eq!(decode_marker(bad, UserSort::Name).or(decode_marker(bad, UserSort::Created)), None, "{bad}");
        }
    }

    #[test]
    fn path_prefixes_follow_iam() {
        assert!(parse_path_prefix("/").is_ok());
        assert!(parse_path_prefix("/test-life").is_ok(), "a plain prefix need not end with /");
        assert!(parse_path_prefix("eng/").is_err());
        assert!(parse_path_prefix("/a b/").is_err());
        assert!(parse_path_prefix(&format!("/{}", "x".repeat(512))).is_err());
    }
}
