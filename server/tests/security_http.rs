//! Regression tests for the issue-13 attacks that live at the HTTP layer, through the whole
//! router against a real Postgres: markup in raw-text elements, the sign-in host, return paths,
//! cross-site and malformed posts, statuses and sizes. Each test names its attack.

mod common;

use common::{body_text, session_cookie};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use clap::Parser;
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::policies::NewPolicy;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Actor, Engine, EngineConfig};
use lanyard_server::config::Cli;
use lanyard_server::{router, sessions};
use sqlx::PgPool;
use tower::ServiceExt;

const ROOT_EMAIL: &str = "owner@example.com";
const ROOT_PASSWORD: &str = "Root-Password-1";
const USER_PASSWORD: &str = "User-Password-1";
const HOST: &str = "localhost:3000";
const MARKUP: &str = "</textarea><b>x</b>";

struct Site {
    app: axum::Router,
    engine: Engine,
    root: Actor,
}

/// Account `demo` with user alice (a console password) and account `other` with user olga.
async fn site(pool: &PgPool) -> Site {
    let engine = Engine::new(pool.clone(), EngineConfig { hash_concurrency: 2, ..EngineConfig::default() }).unwrap();
    let mut roots = Vec::new();
    for (alias, email, user) in [("demo", ROOT_EMAIL, "alice"), ("other", "other@example.com", "olga")] {
        let account = engine
            .create_account(NewAccount {
                email: email.into(),
                alias: Some(alias.into()),
                password: Password::new(ROOT_PASSWORD),
            })
            .await
            .unwrap();
        let root = Actor::root(account.account_id.clone(), email);
        let new_user =
            NewUser { user_name: user.into(), password: Some(Password::new(USER_PASSWORD)), ..Default::default() };
        engine.create_user(&root, new_user).await.unwrap();
        roots.push(root);
    }
    let config = Cli::parse_from(["lanyard", "--site-root", "/nonexistent"]).config;
    let app = router::build(&config, engine.clone(), sessions::store(pool));
    Site { app, engine, root: roots.swap_remove(0) }
}

fn post(path: &str, host: &str, body: &str, cookie: Option<&str>, plain_form: bool) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, host)
        .header(header::ORIGIN, format!("http://{host}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, if plain_form { "text/html" } else { "application/json" })
        .header(header::REFERER, format!("http://{host}/console"));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, HOST).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn root_cookie(app: &axum::Router) -> String {
    let body = format!("kind=root&email={}&password={ROOT_PASSWORD}&from=%2Fsignin", enc(ROOT_EMAIL));
    let res = app.clone().oneshot(post("/api/sign_in", HOST, &body, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    session_cookie(&res).unwrap()
}

/// `</textarea><b>x</b>` must show up escaped, never as markup that ends the textarea.
fn assert_escaped(html: &str, what: &str) {
    assert!(!html.contains(MARKUP), "{what}: raw markup in the page");
    assert!(html.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"), "{what}: the value is not shown escaped");
}

/// Attack: stored HTML injection — a policy document holding `</textarea><meta http-equiv=refresh …>`
/// was written unescaped into the policy page's textarea (for every administrator who opened it),
/// and the same for documents echoed back after failed no-JavaScript posts; the simulator reflected
/// its `actions` query the same way, to any signed-in user.
#[sqlx::test(migrations = "../migrations")]
async fn attack_markup_in_textareas_is_escaped_in_every_form(pool: PgPool) {
    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let document = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:GetUser","Resource":"*",
            "Condition":{{"StringEquals":{{"aws:username":"{}"}}}}}}]}}"#,
        MARKUP.replace('/', "\\/")
    );
    let policy = s
        .engine
        .create_policy(
            &s.root,
            NewPolicy { policy_name: "stored".into(), document: document.clone(), ..Default::default() },
        )
        .await
        .unwrap();
    let page =
        s.app.clone().oneshot(get(&format!("/console/policies/view?arn={}", enc(&policy.arn)), &cookie)).await.unwrap();
    assert_escaped(&body_text(page).await, "policy page");

    let sim = format!("/console/policies/simulate?user=alice&actions={}", enc(MARKUP));
    assert_escaped(&body_text(s.app.clone().oneshot(get(&sim, &cookie)).await.unwrap()).await, "simulator");

    // Failed plain posts keep what was typed for the form: create, edit, inline.
    let bad_doc = format!("{{\"Statement\": \"{MARKUP}\"}}");
    for (endpoint, body, page) in [
        (
            "/api/create_policy",
            format!("policy_name=p2&policy_document={}", enc(&bad_doc)),
            "/console/policies".to_owned(),
        ),
        (
            "/api/edit_policy",
            format!("arn={}&policy_document={}", enc(&policy.arn), enc(&bad_doc)),
            format!("/console/policies/view?arn={}", enc(&policy.arn)),
        ),
        (
            "/api/put_inline_policy",
            format!("kind=user&name=alice&policy_name=inline&policy_document={}", enc(&bad_doc)),
            "/console/users/alice".to_owned(),
        ),
    ] {
        let res = s.app.clone().oneshot(post(endpoint, HOST, &body, Some(&cookie), true)).await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{endpoint}");
        let html = body_text(s.app.clone().oneshot(get(&page, &cookie)).await.unwrap()).await;
        assert_escaped(&html, endpoint);
    }
}

/// Attack: sign-in was not bound to the host — root signed in with `kind=root` on an account's
/// host, and an IAM user of account `other` signed in on `demo`'s host (which then showed other's
/// console). The account comes from the host; root signs in on the console's own host only.
#[sqlx::test(migrations = "../migrations")]
async fn attack_sign_in_on_another_accounts_host(pool: PgPool) {
    let s = site(&pool).await;
    let demo_host = "demo.signin.localhost:3000";
    let root = format!("kind=root&email={}&password={ROOT_PASSWORD}", enc(ROOT_EMAIL));
    let res = s.app.clone().oneshot(post("/api/sign_in", demo_host, &root, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(session_cookie(&res).is_none());
    assert!(body_text(res).await.contains("The root user signs in at http://localhost:3000/signin"));

    let olga = format!("kind=iam&account=other&user_name=olga&password={USER_PASSWORD}");
    let res = s.app.clone().oneshot(post("/api/sign_in", demo_host, &olga, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "other's user on demo's host");
    let res =
        s.app.clone().oneshot(post("/api/sign_in", "other.signin.localhost:3000", &olga, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "on its own account's host");
    let alice = format!("kind=iam&account=other&user_name=alice&password={USER_PASSWORD}");
    let res = s.app.clone().oneshot(post("/api/sign_in", demo_host, &alice, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "demo's host signs in demo's users whatever was typed");
}

/// Attacks: an open redirect after sign-out (`from=/\evil.example`, `/<TAB>/evil.example`), and a
/// panic (the connection dropped) when sign-out built a `Location` header from `/x\x7fy`.
#[sqlx::test(migrations = "../migrations")]
async fn attack_return_paths_neither_leave_the_origin_nor_panic(pool: PgPool) {
    let s = site(&pool).await;
    for from in ["/\\evil.example", "/\t/evil.example", "/x\x7fy", "//evil.example", "https://evil.example"] {
        let body = format!("kind=root&email={}&password={ROOT_PASSWORD}&from={}", enc(ROOT_EMAIL), enc(from));
        let res = s.app.clone().oneshot(post("/api/sign_in", HOST, &body, None, false)).await.unwrap();
        let cookie = session_cookie(&res).unwrap();
        let res = s.app.clone().oneshot(post("/api/sign_out", HOST, "", Some(&cookie), true)).await.unwrap();
        assert_eq!(res.status(), StatusCode::FOUND, "{from:?}");
        assert_eq!(res.headers()[header::LOCATION], "/signin", "{from:?}");
    }
}

/// Attacks on the server-function surface: a cookie-bearing POST with neither `Origin` nor
/// `Sec-Fetch-Site` went through; a `text/plain` body was parsed as a form; a 5 MB body was read
/// (to ~2 MB) and answered 500; reads answered 500 for NoSuchEntity and AccessDenied, and missing
/// arguments 500; 100,000-character inputs came back whole in the message.
#[sqlx::test(migrations = "../migrations")]
async fn attack_malformed_and_oversized_server_function_posts(pool: PgPool) {
    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let no_origin = Request::post("/api/load_user")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("user_name=alice"))
        .unwrap();
    assert_eq!(s.app.clone().oneshot(no_origin).await.unwrap().status(), StatusCode::FORBIDDEN);

    let mut plain = post("/api/load_user", HOST, "user_name=alice", Some(&cookie), false);
    plain.headers_mut().insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    assert_eq!(s.app.clone().oneshot(plain).await.unwrap().status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let huge = format!("user_name={}", "a".repeat(5 * 1024 * 1024));
    let mut declared = post("/api/load_user", HOST, &huge, Some(&cookie), false);
    declared.headers_mut().insert(header::CONTENT_LENGTH, huge.len().into());
    let res = s.app.clone().oneshot(declared).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without a declared length (chunked) the body is cut off at the limit: a client error, never 500.
    let res = s.app.clone().oneshot(post("/api/load_user", HOST, &huge, Some(&cookie), false)).await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());

    let missing =
        s.app.clone().oneshot(post("/api/load_user", HOST, "user_name=nosuch", Some(&cookie), false)).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(body_text(missing).await.contains("NoSuchEntity"));
    let no_args = s.app.clone().oneshot(post("/api/load_user", HOST, "", Some(&cookie), false)).await.unwrap();
    assert_eq!(no_args.status(), StatusCode::BAD_REQUEST);

    let long = "b".repeat(40_000);
    let res = s
        .app
        .clone()
        .oneshot(post("/api/load_user", HOST, &format!("user_name={long}"), Some(&cookie), false))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body = body_text(res).await;
    assert!(body.len() < 2_000, "echoed {} bytes", body.len());

    // A user without permissions is refused with 403, not 500.
    let alice = format!("kind=iam&account=demo&user_name=alice&password={USER_PASSWORD}");
    let res =
        s.app.clone().oneshot(post("/api/sign_in", "demo.signin.localhost:3000", &alice, None, false)).await.unwrap();
    let alice_cookie = session_cookie(&res).unwrap();
    let req = post("/api/load_user", "demo.signin.localhost:3000", "user_name=alice", Some(&alice_cookie), false);
    assert_eq!(s.app.clone().oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
}

/// The high-severity finding's console side: a policy testing a key Lanyard never supplies is
/// flagged by name where it is saved and simulated, and the simulator shows the context it used
/// (the keys a Deny could rely on are all there).
#[sqlx::test(migrations = "../migrations")]
async fn policies_testing_unsupplied_keys_are_flagged_and_the_simulator_shows_its_conbody_text(pool: PgPool) {
    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*",
        "Condition":{"StringEquals":{"s3:prefix":"home/","aws:ResourceTag/role":"admin"}}}]}"#;
    let policy = s
        .engine
        .create_policy(
            &s.root,
            NewPolicy { policy_name: "flagged".into(), document: document.into(), ..Default::default() },
        )
        .await
        .unwrap();
    let page =
        s.app.clone().oneshot(get(&format!("/console/policies/view?arn={}", enc(&policy.arn)), &cookie)).await.unwrap();
    let html = body_text(page).await;
    assert!(html.contains("The condition key s3:prefix is never present"), "no warning on the policy page");
    assert!(!html.contains("The condition key aws:ResourceTag/role is never present"));

    s.engine
        .attach_policy(&s.root, &lanyard_iam::usecases::policies::PolicyTarget::User("alice".into()), &policy.arn)
        .await
        .unwrap();
    let sim = format!(
        "/console/policies/simulate?user=alice&actions=iam%3AGetUser&resource={}",
        enc(&format!("arn:aws:iam::{}:user/alice", s.root.account_id()))
    );
    let html = body_text(s.app.clone().oneshot(get(&sim, &cookie)).await.unwrap()).await;
    assert!(html.contains("s3:prefix is never present"), "no warning in the simulator");
    for key in [
        "aws:PrincipalArn",
        "aws:CurrentTime",
        "aws:SourceIp",
        "aws:RequestedRegion",
        "aws:username",
        "aws:ResourceAccount",
    ] {
        assert!(html.contains(key), "the simulator's context lacks {key}");
    }
}

/// Attack (issue 29): markup through page titles. `<title>` was written unescaped and a user's
/// page takes its title from the URL, so `/console/users/</title><meta http-equiv=refresh …>`
/// redirected a signed-in administrator to another site. The title is escaped, and a page about
/// a user that does not exist answers 404.
#[sqlx::test(migrations = "../migrations")]
async fn attack_markup_through_page_titles_is_escaped(pool: PgPool) {
    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let evil = "</title><meta http-equiv=refresh content=0;url=https://evil.example>";
    let path = format!("/console/users/{}", url::form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>())
        .replace('+', "%20");
    let res = s.app.clone().oneshot(get(&path, &cookie)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no such user");
    let html = body_text(res).await;
    assert!(!html.contains("<meta http-equiv=refresh"), "raw markup in the page");
    let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
    assert!(title.contains("&lt;/title&gt;&lt;meta"), "{title}");
    // A real user's page still answers 200 with its name in the title.
    let res = s.app.clone().oneshot(get("/console/users/alice", &cookie)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains("<title>alice · Users · Lanyard</title>"));
}

/// Defect (issue 29): a shown-once secret was dropped without a word when the session store could
/// not be read (`.ok().flatten()` in the server functions that hand it over): the page showed no
/// key, and its secret was never seen again. A read failure is an error now (503), and the secret
/// stays in the session for the next try.
#[sqlx::test(migrations = "../migrations")]
async fn a_shown_once_secret_survives_a_session_store_read_failure(pool: PgPool) {
    use tower_sessions::session::Id;
    use tower_sessions::SessionStore;

    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let res =
        s.app.clone().oneshot(post("/api/create_access_key", HOST, "user_name=alice", Some(&cookie), false)).await;
    assert_eq!(res.unwrap().status(), StatusCode::OK);
    // The kept key made unreadable: a value of another type where the tuple was.
    let store = sessions::store(&pool);
    let id: Id = cookie.split_once('=').map(|(_, v)| v).unwrap_or_default().parse().unwrap();
    let mut record = store.load(&id).await.unwrap().unwrap();
    let kept = record.data.insert("new_access_key".into(), serde_json::json!(42)).unwrap();
    store.save(&record).await.unwrap();
    let take = || post("/api/take_new_access_key", HOST, "user_name=alice", Some(&cookie), false);
    let res = s.app.clone().oneshot(take()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{}", body_text(res).await);
    // Readable again: the key is handed over, once.
    record.data.insert("new_access_key".into(), kept);
    store.save(&record).await.unwrap();
    let res = s.app.clone().oneshot(take()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body_text(res).await.contains("AKIA"));
    let res = s.app.clone().oneshot(take()).await.unwrap();
    assert!(!body_text(res).await.contains("AKIA"), "shown once");
}
