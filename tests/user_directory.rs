//! Browsing users against a real Postgres: order, keyset pages under concurrent inserts, path
//! prefixes, name search, totals, the path tree and its counters, seeding.

mod common;

use common::*;
use lanyard_iam::domain::Principal;
use lanyard_iam::usecases::user_directory::{ListUsersInput, Total, UserSort};
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Engine, IamError};
use sqlx::PgPool;
use std::collections::HashSet;

async fn make(e: &Engine, root: &lanyard_iam::Actor, name: &str, path: &str) {
    e.create_user(
        root,
        NewUser {
            user_name: name.into(),
            path: Some(path.into()),
            password: None,
            password_reset_required: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

fn names(page: &lanyard_iam::usecases::user_directory::UserPage) -> Vec<&str> {
    page.users.iter().map(|u| u.user_name.as_str()).collect()
}

async fn setup(pool: PgPool) -> (Engine, lanyard_iam::Actor) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let root = root_of(&a);
    for (n, p) in [
        ("carol", "/eng/ops/"),
        ("Alice", "/eng/"),
        ("bob", "/eng/ops/"),
        ("dave", "/sales/"),
        ("erin", "/test-lifecycle/"),
        ("frank", "/"),
        ("grace_x", "/a_b/"),
    ] {
        make(&e, &root, n, p).await;
    }
    (e, root)
}

#[sqlx::test]
async fn lists_by_name_ignoring_case_with_prefix_filter_and_exact_totals(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let all = e.list_users(&root, ListUsersInput::default()).await.unwrap();
    assert_eq!(names(&all), ["Alice", "bob", "carol", "dave", "erin", "frank", "grace_x"]);
    assert_eq!((all.total, all.next_marker.clone()), (Total::Exact(7), None));
    assert_eq!(all.users[0].arn, format!("arn:aws:iam::{}:user/eng/Alice", root.account_id()));

    let eng =
        e.list_users(&root, ListUsersInput { path_prefix: Some("/eng/".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&eng), ["Alice", "bob", "carol"]);
    assert_eq!(eng.total, Total::Exact(3));
    // IAM's PathPrefix is a plain string prefix.
    let life = e
        .list_users(&root, ListUsersInput { path_prefix: Some("/test-life".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(names(&life), ["erin"]);
    // `_` is a literal character, not a LIKE wildcard.
    let lit =
        e.list_users(&root, ListUsersInput { path_prefix: Some("/a_".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&lit), ["grace_x"]);
    let desc = e
        .list_users(&root, ListUsersInput { sort: UserSort::Created, descending: true, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(names(&desc)[0], "grace_x", "newest first");
}

#[sqlx::test]
async fn name_search_is_a_case_insensitive_substring(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let found = e.list_users(&root, ListUsersInput { search: Some("AR".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&found), ["carol"]);
    let found = e.list_users(&root, ListUsersInput { search: Some("_".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&found), ["grace_x"], "underscore matched literally");
    assert_eq!(found.total, Total::Exact(1));
}

/// Keyset pages stay correct while users are added: nobody who existed when paging began is
/// skipped or shown twice, whatever is inserted before or after the cursor.
#[sqlx::test]
async fn keyset_pages_stay_correct_under_concurrent_inserts(pool: PgPool) {
    let (e, root) = setup(pool).await;
    for sort in [UserSort::Name, UserSort::Created] {
        let original: HashSet<String> = e
            .list_users(&root, ListUsersInput { page_size: Some(1000), ..Default::default() })
            .await
            .unwrap()
            .users
            .into_iter()
            .map(|u| u.user_name)
            .collect();
        let mut seen = Vec::new();
        let mut marker = None;
        let mut round = 0;
        loop {
            let page = e
                .list_users(
                    &root,
                    ListUsersInput { sort, marker: marker.clone(), page_size: Some(2), ..Default::default() },
                )
                .await
                .unwrap();
            seen.extend(page.users.iter().map(|u| u.user_name.clone()));
            // Between the first pages, others add users that sort both before and after the cursor
            // (in creation order every new user lands after it, so the additions must stop).
            round += 1;
            if round <= 3 {
                make(&e, &root, &format!("aa-{sort:?}-{round}"), "/new/").await;
                make(&e, &root, &format!("zz-{sort:?}-{round}"), "/new/").await;
            }
            assert!(round < 100, "paging does not end");
            match page.next_marker {
                Some(m) => marker = Some(m),
                None => break,
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: someone shown twice: {seen:?}");
        for name in &original {
            assert!(seen.contains(name), "{sort:?}: {name} skipped");
        }
    }
}

#[sqlx::test]
async fn the_path_tree_counts_users_at_and_below_each_path_and_follows_moves(pool: PgPool) {
    let (e, root) = setup(pool.clone()).await;
    let top = e.list_path_level(&root, "/").await.unwrap();
    assert_eq!(top.direct_users, 1, "frank at /");
    let got: Vec<(String, u64, bool)> =
        top.children.iter().map(|c| (c.path.clone(), c.user_count, c.has_children)).collect();
    assert_eq!(
        got,
        [
            ("/a_b/".to_string(), 1, false),
            ("/eng/".to_string(), 3, true),
            ("/sales/".to_string(), 1, false),
            ("/test-lifecycle/".to_string(), 1, false)
        ]
    );
    let eng = e.list_path_level(&root, "/eng/").await.unwrap();
    assert_eq!(eng.direct_users, 1);
    assert_eq!(eng.children.len(), 1);
    assert_eq!((eng.children[0].path.as_str(), eng.children[0].user_count), ("/eng/ops/", 2));
    // Moves and deletions keep the counters exact (the triggers, whatever statement does it).
    sqlx::query("UPDATE users SET path = '/sales/' WHERE path = '/eng/ops/'").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM users WHERE user_name = 'Alice'").execute(&pool).await.unwrap();
    let top = e.list_path_level(&root, "/").await.unwrap();
    let got: Vec<(String, u64)> = top.children.iter().map(|c| (c.path.clone(), c.user_count)).collect();
    assert_eq!(got, [("/a_b/".to_string(), 1), ("/sales/".to_string(), 3), ("/test-lifecycle/".to_string(), 1)]);
    // The counters (spread over shard rows) sum to exactly the users at each path, and a shard
    // row that reaches zero is dropped.
    let drift: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT account_id, path, sum(user_count) AS n FROM user_paths GROUP BY 1, 2) c
           FULL JOIN (SELECT account_id, path, count(*) AS n FROM users GROUP BY 1, 2) u USING (account_id, path)
          WHERE coalesce(c.n, 0) <> coalesce(u.n, 0)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(drift, 0, "per-path counters match the users");
    let zero: i64 =
        sqlx::query_scalar("SELECT count(*) FROM user_paths WHERE user_count = 0").fetch_one(&pool).await.unwrap();
    assert_eq!(zero, 0, "empty counter rows disappear");
}

#[sqlx::test]
async fn seeded_users_are_counted_and_paged(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    assert_eq!(e.seed_users(&a.account_id, 2_345, 30).await.unwrap(), 2_345);
    let page = e.list_users(&root, ListUsersInput { page_size: Some(1000), ..Default::default() }).await.unwrap();
    assert_eq!((page.total, page.users.len()), (Total::Exact(2_345), 1000));
    assert!(page.next_marker.is_some());
    let top = e.list_path_level(&root, "/").await.unwrap();
    assert_eq!(top.children.iter().map(|c| c.user_count).sum::<u64>(), 2_345);
    let team = e
        .list_users(&root, ListUsersInput { path_prefix: Some("/dept-03/".into()), ..Default::default() })
        .await
        .unwrap();
    assert!(
        matches!(team.total, Total::Exact(n) if n > 0) && team.users.iter().all(|u| u.path.starts_with("/dept-03/"))
    );
}

#[sqlx::test]
async fn bad_listing_input_names_every_field_and_iam_users_are_denied(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let err = e
        .list_users(
            &root,
            ListUsersInput {
                path_prefix: Some("no-slash".into()),
                search: Some("x".repeat(65)),
                page_size: Some(0),
                marker: Some("garbage".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["pathPrefix", "search", "maxItems", "marker"]);
    let user = Principal::User {
        account_id: root.account_id().clone(),
        user_id: lanyard_iam::domain::UniqueId::parse("AIDAJQABLZS4A3QDU576Q").unwrap(),
        user_name: lanyard_iam::domain::UserName::parse("frank").unwrap(),
        path: lanyard_iam::domain::IamPath::root(),
    };
    let user = lanyard_iam::Actor::with_policies(user, Vec::new(), lanyard_iam::MfaContext::NotPresent);
    let denied = e.list_users(&user, ListUsersInput::default()).await.unwrap_err();
    assert!(matches!(denied, IamError::AccessDenied(ref m) if m.contains("iam:ListUsers")), "{denied:?}");
}

/// Writers on many connections spread a path's counter over shards; compaction folds them back to
/// one row per path while writers keep going, and no count changes.
#[sqlx::test]
async fn compaction_folds_counter_shards_without_changing_a_count(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let root = lanyard_iam::Actor::root(a.account_id.clone(), "owner@example.com");
    // Parallel creates use several pooled connections, hence several shards per path.
    let create = |prefix: &'static str, n: usize| {
        let (e, root) = (e.clone(), root.clone());
        tokio::spawn(async move {
            for i in 0..n {
                let path = Some(format!("/team-{}/", i % 3));
                let user = NewUser { user_name: format!("{prefix}-{i}"), path, ..Default::default() };
                e.create_user(&root, user).await.unwrap();
            }
        })
    };
    let writers: Vec<_> = ["a", "b", "c", "d"].into_iter().map(|p| create(p, 30)).collect();
    for w in writers {
        w.await.unwrap();
    }
    let rows = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM user_paths").fetch_one(&pool).await.unwrap()
    };
    let before = e.list_path_level(&root, "/").await.unwrap();
    assert!(rows(pool.clone()).await > 3, "the writers used more than one shard per path");
    // Compaction while more users arrive.
    let late = create("late", 30);
    let folded = e.compact_path_counters().await.unwrap();
    late.await.unwrap();
    e.compact_path_counters().await.unwrap();
    assert!(folded > 0);
    assert_eq!(rows(pool.clone()).await, 3, "one row per path");
    let after = e.list_path_level(&root, "/").await.unwrap();
    let counts = |l: &lanyard_iam::usecases::user_directory::PathLevel| {
        l.children.iter().map(|c| (c.path.clone(), c.user_count)).collect::<Vec<_>>()
    };
    assert_eq!(counts(&before).iter().map(|c| c.1).sum::<u64>(), 120);
    assert_eq!(counts(&after), vec![("/team-0/".into(), 50), ("/team-1/".into(), 50), ("/team-2/".into(), 50)]);
    let page = e.list_users(&root, ListUsersInput::default()).await.unwrap();
    assert_eq!(page.total, Total::Exact(150));
}

#[sqlx::test]
async fn hygiene_filters_find_old_and_unused_keys_and_missing_mfa_and_columns_show_them(pool: PgPool) {
    use lanyard_iam::domain::{UserColumn, UserHygiene};
    use lanyard_iam::usecases::credential_owner::OwnerRef;
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let root = root_of(&a);
    for name in ["old-key", "stale-key", "keys-only"] {
        make(&e, &root, name, "/").await;
        e.create_access_key(&root, &OwnerRef::User(name.into())).await.unwrap();
    }
    user(&e, &a.account_id, "owner@example.com", "console").await;
    e.create_group(&root, "ops", None).await.unwrap();
    e.add_user_to_group(&root, "ops", "old-key").await.unwrap();
    let backdate = |name: &'static str, created: i32, used: Option<i32>| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "UPDATE access_keys SET created_at = now() - make_interval(days => $2),
                        last_used_at = now() - make_interval(days => $3)
                  WHERE user_id = (SELECT user_id FROM users WHERE user_name = $1)",
            )
            .bind(name)
            .bind(created)
            .bind(used)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    backdate("old-key", 120, Some(1)).await;
    backdate("stale-key", 40, None).await;
    let filtered = |hygiene| ListUsersInput { hygiene: Some(hygiene), ..Default::default() };
    let page = e.list_users(&root, filtered(UserHygiene::KeysOlderThan(90))).await.unwrap();
    assert_eq!((names(&page), page.total), (vec!["old-key"], Total::Exact(1)));
    let page = e.list_users(&root, filtered(UserHygiene::KeysUnusedFor(30))).await.unwrap();
    assert_eq!(names(&page), ["stale-key"], "old-key was used yesterday");
    let page = e.list_users(&root, filtered(UserHygiene::KeysUnusedFor(50))).await.unwrap();
    assert!(names(&page).is_empty());
    let page = e.list_users(&root, filtered(UserHygiene::NoMfa)).await.unwrap();
    assert_eq!(names(&page), ["console", "keys-only", "old-key", "stale-key"]);
    let page = e.list_users(&root, filtered(UserHygiene::ConsoleWithoutMfa)).await.unwrap();
    assert_eq!(names(&page), ["console"]);

    // The columns: figures only when asked for (the API asks for none).
    let all = e.list_users(&root, ListUsersInput { columns: UserColumn::ALL.to_vec(), ..Default::default() }).await;
    let all = all.unwrap();
    let old = all.users.iter().find(|u| u.user_name == "old-key").unwrap();
    assert_eq!(old.groups.as_deref(), Some("ops"));
    let key_age = time::OffsetDateTime::now_utc() - old.oldest_active_key_at.unwrap();
    assert_eq!(key_age.whole_days(), 120);
    assert_eq!(old.last_activity(), old.key_last_used_at);
    assert!(old.key_last_used_at.is_some());
    let console = all.users.iter().find(|u| u.user_name == "console").unwrap();
    assert!(console.password_changed_at.is_some());
    assert_eq!(console.oldest_active_key_at, None);
    let bare = e.list_users(&root, ListUsersInput::default()).await.unwrap();
    let old = bare.users.iter().find(|u| u.user_name == "old-key").unwrap();
    assert_eq!((old.groups.as_deref(), old.key_last_used_at), (None, None));
}

/// One user created or deleted takes the counters' single-row path: a shard row may go negative
/// (created through one connection, deleted through another) and is dropped when it reaches zero;
/// an account deleted with its one user leaves no counter behind and no error.
#[sqlx::test]
async fn single_user_writes_keep_counters_exact_across_connections(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", None).await;
    // Two connections whose backends write different shards (pid mod 16).
    let shard_of = |pid: i32| pid % 16;
    let mut one = pool.acquire().await.unwrap();
    let first: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *one).await.unwrap();
    let mut other = None;
    for _ in 0..4 {
        let mut c = pool.acquire().await.unwrap();
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *c).await.unwrap();
        if shard_of(pid) != shard_of(first) {
            other = Some(c);
            break;
        }
        c.detach(); // a new backend next time
    }
    let mut other = other.expect("a second backend on another shard");
    let insert = "INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, $3, '/solo/')";
    let count = |pool: PgPool| async move {
        sqlx::query_as::<_, (i64, i64, i64)>(
            "SELECT coalesce(sum(user_count), 0)::bigint, count(*), count(*) FILTER (WHERE user_count = 0)
               FROM user_paths WHERE path = '/solo/'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let account_id = a.account_id.as_str();
    sqlx::query(insert).bind("AIDASOLO1").bind(account_id).bind("solo1").execute(&mut *one).await.unwrap();
    assert_eq!(count(pool.clone()).await, (1, 1, 0));
    sqlx::query("DELETE FROM users WHERE user_id = 'AIDASOLO1'").execute(&mut *other).await.unwrap();
    assert_eq!(count(pool.clone()).await, (0, 2, 0), "+1 on one shard, -1 on the other");
    sqlx::query(insert).bind("AIDASOLO2").bind(account_id).bind("solo2").execute(&mut *other).await.unwrap();
    assert_eq!(count(pool.clone()).await, (1, 1, 0), "the shard back at zero is dropped");
    drop((one, other));

    let b = account(&e, "other@example.com", None).await;
    make(&e, &root_of(&b), "last", "/solo/").await;
    e.delete_account(&b.account_id).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM user_paths WHERE account_id = $1")
        .bind(b.account_id.as_str())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(e.list_path_level(&root_of(&a), "/").await.unwrap().children[0].user_count, 1);
}
