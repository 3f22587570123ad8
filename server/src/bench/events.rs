//! The event history at scale: `--events N` (default 10,000,000) seeded into the bench account in
//! bulk, spread over 400 days, then p50/p99 of the history's first page for no filter and for
//! each filter alone (through the engine, as the page asks), of the full server-rendered page,
//! and the export's rate.

use super::{bench_err, ms, sequential_latencies};
use crate::error::CommandResult;
use futures::TryStreamExt;
use lanyard_iam::usecases::event_history::EventFilter;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Rows per seeding statement (each one its own transaction, with progress printed).
const CHUNK: u64 = 1_000_000;

/// Inserts `n` synthetic events for `account_id`: 20 event names, 1,000 acting users and root,
/// 10,000 users they are about, 500 access keys (API calls only), 2,000 addresses, 3 % failed.
async fn seed(pool: &sqlx::PgPool, account_id: &str, n: u64) -> Result<(), sqlx::Error> {
    let mut done = 0;
    while done < n {
        let take = CHUNK.min(n - done);
        sqlx::query(
            r#"INSERT INTO events (account_id, event_time, event_name, event_source, read_only, user_name,
                                   resource_name, access_key_id, source_ip, error_code, record)
               SELECT $1, now() - (random() * interval '400 days'), name, 'iam.amazonaws.com', false,
                      CASE WHEN i % 10 = 0 THEN 'root' ELSE 'user-' || (i % 1000) END,
                      CASE WHEN i % 3 = 0 THEN NULL ELSE 'target-' || (i * 7 % 10000) END,
                      CASE WHEN i % 2 = 0 THEN 'AKIABENCH' || lpad((i % 500)::text, 11, '0') END,
                      '10.0.' || (i % 2000 / 250) || '.' || (i % 250),
                      CASE WHEN i % 33 = 0 THEN 'AccessDenied' END,
                      jsonb_build_object('eventVersion', '1.09', 'eventName', name, 'eventID', gen_random_uuid(),
                                         'eventSource', 'iam.amazonaws.com', 'awsRegion', 'us-east-1',
                                         'requestParameters', jsonb_build_object('userName', 'target-' || (i * 7 % 10000)))
                 FROM generate_series($2::bigint, $3::bigint) AS i,
                      LATERAL (SELECT (ARRAY['CreateUser','DeleteUser','UpdateUser','TagUser','UntagUser',
                              'CreateAccessKey','UpdateAccessKey','DeleteAccessKey','CreateLoginProfile',
                              'UpdateLoginProfile','AttachUserPolicy','DetachUserPolicy','PutUserPolicy',
                              'AddUserToGroup','RemoveUserFromGroup','EnableMFADevice','ChangePassword',
                              'ConsoleLogin','CheckMfa','ConsoleSignOut'])[1 + (i % 20)] AS name) AS names"#,
        )
        .bind(account_id)
        .bind(done as i64)
        .bind((done + take - 1) as i64)
        .execute(pool)
        .await?;
        done += take;
        println!("    … {done} events");
    }
    sqlx::query("ANALYZE events").execute(pool).await?;
    Ok(())
}

pub async fn event_figures(
    engine: &lanyard_iam::Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    events: u64,
    requests: usize,
) -> CommandResult {
    let started = Instant::now();
    seed(engine.pool(), root.account_id().as_str(), events).await.map_err(|e| bench_err("seeding events", e))?;
    let secs = started.elapsed().as_secs_f64();
    println!("  seeded {events} events in {secs:.1} s ({:.0} events/s)", events as f64 / secs);
    let week_ago = (OffsetDateTime::now_utc() - time::Duration::days(7)).unix_timestamp();
    let filters: Vec<(&str, EventFilter)> = vec![
        ("no filter (newest first)", EventFilter::default()),
        ("event name DeleteUser", EventFilter { event_name: Some("DeleteUser".into()), ..Default::default() }),
        ("user name user-7", EventFilter { user_name: Some("user-7".into()), ..Default::default() }),
        ("about user target-42", EventFilter { resource_name: Some("target-42".into()), ..Default::default() }),
        (
            "access key AKIABENCH00000000042",
            EventFilter { access_key_id: Some("AKIABENCH00000000042".into()), ..Default::default() },
        ),
        ("source address 10.0.3.42", EventFilter { source_ip: Some("10.0.3.42".into()), ..Default::default() }),
        ("failed only", EventFilter { failed_only: true, ..Default::default() }),
        ("last 7 days", EventFilter { since: Some(week_ago), ..Default::default() }),
        (
            "DeleteUser, failed, last 7 days",
            EventFilter {
                event_name: Some("DeleteUser".into()),
                failed_only: true,
                since: Some(week_ago),
                ..Default::default()
            },
        ),
    ];
    for (what, filter) in &filters {
        let mut lat = Vec::with_capacity(requests);
        let mut shown = 0;
        for _ in 0..requests {
            let t = Instant::now();
            let page = engine.list_events(root, filter, None, 50).await?;
            lat.push(t.elapsed());
            shown = page.events.len();
        }
        // The second page too: a marker is a keyset position, as cheap as the first.
        let first = engine.list_events(root, filter, None, 50).await?;
        let t = Instant::now();
        if let Some(marker) = first.next.as_deref() {
            engine.list_events(root, filter, Some(marker), 50).await?;
        }
        let second = t.elapsed();
        lat.sort();
        println!(
            "  events, {what:<34} first page p50 {}  p99 {}  ({shown} rows; next page {})",
            ms(super::stats::percentile(&lat, 0.5)),
            ms(super::stats::percentile(&lat, 0.99)),
            ms(second)
        );
    }
    let page = sequential_latencies(
        client,
        &format!("{base}/console/events?event=DeleteUser"),
        cookie,
        requests,
        "DeleteUser",
    )
    .await?;
    println!(
        "  GET /console/events?event=DeleteUser (whole page)   p50 {}  p99 {}  (n={})",
        ms(super::stats::percentile(&page, 0.5)),
        ms(super::stats::percentile(&page, 0.99)),
        page.len()
    );
    // Export: a month of the account's events, streamed and serialized as the CLI writes them.
    let until = OffsetDateTime::now_utc();
    let since = until - time::Duration::days(30);
    let t = Instant::now();
    let mut stream = engine.export_events(root.account_id(), since, until);
    let (mut rows, mut bytes) = (0u64, 0usize);
    while let Some(record) = stream.try_next().await? {
        bytes += serde_json::to_vec(&record).map(|v| v.len() + 1).unwrap_or(0);
        rows += 1;
    }
    let took = t.elapsed().max(Duration::from_millis(1));
    println!(
        "  export of 30 days: {rows} events ({:.0} MB of JSON lines) in {} = {:.0} events/s",
        bytes as f64 / 1e6,
        ms(took),
        rows as f64 / took.as_secs_f64()
    );
    Ok(())
}
