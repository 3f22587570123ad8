//! `lanyard events export` (CloudTrail JSON lines on stdout, streamed from the database) and
//! `lanyard events prune` (by age, in batches).

use super::{find_account, CommandError, CommandResult};
use crate::config::Config;
use futures::TryStreamExt;
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// `400d`, `12h`, `30m`: an age.
pub fn parse_age(s: &str) -> Result<Duration, CommandError> {
    let s = s.trim();
    let bad = || CommandError::Usage(format!("{s:?} is not an age such as 400d, 12h or 30m"));
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = n.parse().map_err(|_| bad())?;
    match unit {
        "d" => Ok(Duration::days(n)),
        "h" => Ok(Duration::hours(n)),
        "m" => Ok(Duration::minutes(n)),
        _ => Err(bad()),
    }
}

/// An RFC 3339 time, a UTC date, or an age before `now`.
pub fn parse_time(s: &str, now: OffsetDateTime) -> Result<OffsetDateTime, CommandError> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &date_format) {
        return Ok(d.midnight().assume_utc());
    }
    parse_age(s).map(|age| now - age).map_err(|_| {
        CommandError::Usage(format!("{s:?} is not a time (2026-12-01T00:00:00Z), a date (2026-12-01) or an age (7d)"))
    })
}

pub async fn export(config: &Config, account: &str, since: &str, until: Option<&str>) -> CommandResult {
    let now = OffsetDateTime::now_utc();
    let since = parse_time(since, now)?;
    let until = until.map(|u| parse_time(u, now)).transpose()?.unwrap_or(now + Duration::seconds(1));
    let engine = crate::setup::lookup_engine(config).await?;
    let account = find_account(&engine, account).await?;
    let mut records = engine.export_events(&account.account_id, since, until);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut n = 0u64;
    while let Some(record) = records.try_next().await? {
        serde_json::to_writer(&mut out, &record).map_err(|e| CommandError::Io(e.into()))?;
        out.write_all(b"\n").map_err(CommandError::Io)?;
        n += 1;
    }
    out.flush().map_err(CommandError::Io)?;
    eprintln!("lanyard: exported {n} events");
    Ok(())
}

pub async fn prune(config: &Config, older_than: Option<&str>) -> CommandResult {
    let age = match older_than {
        Some(age) => parse_age(age)?,
        None if config.event_retention_days > 0 => Duration::days(config.event_retention_days),
        None => return Err(CommandError::Usage("retention is off (0 days); say --older-than".into())),
    };
    let engine = crate::setup::lookup_engine(config).await?;
    let n = engine.prune_events(age).await?;
    eprintln!("lanyard: pruned {n} events older than {} days", age.whole_days());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_times_parse_in_every_documented_form() {
        assert_eq!(parse_age("400d").unwrap(), Duration::days(400));
        assert_eq!(parse_age("12h").unwrap(), Duration::hours(12));
        for bad in ["", "d", "12", "12x", "-3d", "1.5d"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
        let now = time::macros::datetime!(2026-12-02 12:00 UTC);
        assert_eq!(parse_time("2026-12-01", now).unwrap(), time::macros::datetime!(2026-12-01 0:00 UTC));
        assert_eq!(parse_time("2026-12-01T10:00:00Z", now).unwrap(), time::macros::datetime!(2026-12-01 10:00 UTC));
        assert_eq!(parse_time("24h", now).unwrap(), time::macros::datetime!(2026-12-01 12:00 UTC));
        assert!(parse_time("yesterday", now).is_err());
    }
}
