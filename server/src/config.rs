//! Every setting, from flags or the environment; `lanyard --help` lists them with their defaults.

use clap::{Args, Parser, Subcommand, ValueEnum};
use lanyard_iam::domain::IpRange;
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(name = "lanyard", version, about = "Lanyard: a self-hosted console for IAM users, sign-in and credentials")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// PostgreSQL URL. The default is the project's own local cluster that `scripts/run` starts.
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:54329/lanyard", global = true)]
    pub database_url: String,

    /// Address and port the console listens on.
    #[arg(long, env = "LANYARD_LISTEN", default_value = "127.0.0.1:3000", global = true)]
    pub listen: SocketAddr,

    /// The console's public origin, as browsers reach it (scheme, host, port).
    #[arg(long, env = "LANYARD_PUBLIC_URL", default_value = "http://localhost:3000", global = true)]
    pub public_url: String,

    /// Domain under which each account has its sign-in host: `<alias-or-id>.<domain>` on the public port.
    #[arg(long, env = "LANYARD_SIGNIN_DOMAIN", default_value = "signin.localhost", global = true)]
    pub signin_domain: String,

    /// Mark cookies `Secure`: `auto` does so when the public URL is https.
    #[arg(long, env = "LANYARD_SECURE_COOKIES", value_enum, default_value = "auto", global = true)]
    pub secure_cookies: SecureCookies,

    /// A signed-in session ends after this many idle minutes (and always 12 hours after sign-in).
    #[arg(long, env = "LANYARD_SESSION_IDLE_MINUTES", default_value_t = 60, global = true)]
    pub session_idle_minutes: i64,

    /// Directory with the built site (`/pkg`, assets), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: String,

    /// Largest number of database connections the server opens.
    #[arg(long, env = "LANYARD_DB_MAX_CONNECTIONS", default_value_t = 20, global = true)]
    pub db_max_connections: u32,

    /// Longest a statement of the server may run, in milliseconds (0: no limit): a stuck lock
    /// cannot pin the pool, and the request answers 503. Batch subcommands run without it.
    #[arg(long, env = "LANYARD_DB_STATEMENT_TIMEOUT_MS", default_value_t = 10_000, global = true)]
    pub db_statement_timeout_ms: u64,

    /// Longest a request may take, in milliseconds, before it is answered 503 (and its
    /// transaction rolled back).
    #[arg(long, env = "LANYARD_REQUEST_TIMEOUT_MS", default_value_t = 30_000, global = true)]
    pub request_timeout_ms: u64,

    /// Older master keys (files, comma-separated) that still open what they sealed, during a
    /// rotation; nothing new is sealed with them.
    #[arg(long, env = "LANYARD_PREVIOUS_MASTER_KEY_FILES", value_delimiter = ',', global = true)]
    pub previous_master_key_files: Vec<std::path::PathBuf>,

    /// Proxies (addresses or ranges, comma-separated) whose `X-Forwarded-For` is believed: behind
    /// a load balancer every request comes from it, and sign-in throttling, `aws:SourceIp` and the
    /// records need the client's own address. Empty (the default): the TCP peer is the client.
    #[arg(long, env = "LANYARD_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_ip_range, global = true)]
    pub trusted_proxies: Vec<IpRange>,

    /// Longest a client may take to send a request's headers, and then its body, in
    /// milliseconds: a client trickling bytes cannot hold a connection.
    #[arg(long, env = "LANYARD_CLIENT_TIMEOUT_MS", default_value_t = 10_000, global = true)]
    pub client_timeout_ms: u64,

    /// File holding the master key that seals secrets at rest (32 bytes, base64). Default:
    /// `$XDG_DATA_HOME/lanyard/master.key` (else `~/.local/share/lanyard/master.key`), the same
    /// whatever the working directory, generated there only for a database that has sealed
    /// nothing. Back it up: sealed secrets are useless without it.
    #[arg(long, env = "LANYARD_MASTER_KEY_FILE", global = true)]
    pub master_key_file: Option<std::path::PathBuf>,

    /// Regions a signed API request's credential scope may name, comma-separated. The default
    /// is AWS's public regions (IAM itself answers in us-east-1).
    #[arg(long, env = "LANYARD_API_REGIONS", value_delimiter = ',', global = true)]
    pub api_regions: Vec<String>,

    /// How long the event history keeps events; servers prune older ones hourly (and
    /// `lanyard events prune` does it on demand). `0` keeps them forever.
    #[arg(long, env = "LANYARD_EVENT_RETENTION_DAYS", default_value_t = 400, global = true)]
    pub event_retention_days: i64,

    /// Record read-only API calls (Get*, List*, GetCallerIdentity…) in the event history too,
    /// successful or not. Off by default, as in CloudTrail's event history: reads are most of the
    /// traffic and change nothing; changes and sign-ins are always recorded.
    #[arg(long, env = "LANYARD_RECORD_READS", global = true)]
    pub record_reads: bool,

    /// Where `GET /metrics` (Prometheus text format) is served, e.g. `127.0.0.1:9464`. Off when
    /// unset: metrics tell about traffic, so they get their own, usually private, address.
    #[arg(long, env = "LANYARD_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<SocketAddr>,

    #[command(flatten)]
    pub smtp: SmtpConfig,
}

/// Mail delivery. Without `--smtp-host` mail stays in the database's outbox (`lanyard outbox`).
#[derive(Args, Clone, Debug, Default)]
pub struct SmtpConfig {
    /// SMTP relay that delivers mail (root password reset links).
    #[arg(long, env = "LANYARD_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// SMTP port; the default follows `--smtp-tls` (587, 465, or 25).
    #[arg(long, env = "LANYARD_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,

    /// `starttls` (required, never falls back to plain text), `tls` (implicit TLS), or `none` (a relay on a trusted network).
    #[arg(long, env = "LANYARD_SMTP_TLS", value_enum, default_value = "starttls", global = true)]
    pub smtp_tls: SmtpTls,

    /// SMTP user name, if the relay wants authentication.
    #[arg(long, env = "LANYARD_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,

    /// File whose first line is the SMTP password (kept out of the environment and the command line).
    #[arg(long, env = "LANYARD_SMTP_PASSWORD_FILE", global = true)]
    pub smtp_password_file: Option<std::path::PathBuf>,

    /// The From address of Lanyard's mail.
    #[arg(long, env = "LANYARD_MAIL_FROM", default_value = "Lanyard <lanyard@localhost>", global = true)]
    pub mail_from: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum SmtpTls {
    #[default]
    Starttls,
    Tls,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SecureCookies {
    Auto,
    True,
    False,
}

impl Config {
    pub fn public_is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn secure_cookies(&self) -> bool {
        match self.secure_cookies {
            SecureCookies::Auto => self.public_is_https(),
            SecureCookies::True => true,
            SecureCookies::False => false,
        }
    }

    pub fn hosts(&self) -> lanyard_app::hosts::HostConfig {
        lanyard_app::hosts::HostConfig {
            public_origin: self.public_url.trim_end_matches('/').to_owned(),
            signin_domain: self.signin_domain.clone(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console (the default when no command is given); applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Manage IAM users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage access keys.
    AccessKey {
        #[command(subcommand)]
        command: AccessKeyCommand,
    },
    /// What OpenSSH's sshd asks: see "SSH public keys" in the README.
    Ssh {
        #[command(subcommand)]
        command: SshCommand,
    },
    /// The event history: export it as CloudTrail JSON lines, prune it by age.
    Events {
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// Development helpers.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
    /// The master key that seals secrets at rest.
    MasterKey {
        #[command(subcommand)]
        command: MasterKeyCommand,
    },
    /// Measure sign-in throughput and page latency; prints figures.
    Bench(BenchArgs),
    /// Print the newest mail kept locally (root password reset links) when no SMTP server is set.
    Outbox {
        #[arg(long, default_value_t = 10)]
        limit: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum SshCommand {
    /// Print the IAM user's active SSH public keys in `authorized_keys` format, one per line (none
    /// for an unknown user): sshd's `AuthorizedKeysCommand`. Needs only the database; no master key.
    AuthorizedKeys {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// The IAM user (sshd's `%u`).
        user: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum EventsCommand {
    /// Write the account's events to stdout, oldest first, one CloudTrail record (JSON) per line.
    Export {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// Start: an RFC 3339 time (`2026-12-01T00:00:00Z`), a date (`2026-12-01`, UTC) or an age
        /// (`24h`, `7d`: that long ago).
        #[arg(long)]
        since: String,
        /// End (exclusive), in the same forms; now when omitted.
        #[arg(long)]
        until: Option<String>,
    },
    /// Delete events older than an age (`400d`, `12h`); the retention setting when omitted.
    Prune {
        #[arg(long)]
        older_than: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum MasterKeyCommand {
    /// Re-seal every sealed secret under the key in `--new-key-file` (from the configured key and
    /// any `--previous-master-key-files`), in batches, while servers run; then retire the old keys.
    /// Servers must hold both keys meanwhile: see "Rotating the master key" in the README.
    Rotate {
        /// The new master key (32 bytes, base64), e.g. from `head -c 32 /dev/urandom | base64`.
        #[arg(long)]
        new_key_file: std::path::PathBuf,
        /// Rows re-sealed per transaction.
        #[arg(long, default_value_t = 500)]
        batch_size: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Create an account with its root user; prints the account as one line of JSON.
    Create {
        /// The root user's email address (unique across the installation).
        #[arg(long)]
        email: String,
        /// The account alias (3–63 of a-z, 0-9 and single hyphens, not all digits).
        #[arg(long)]
        alias: Option<String>,
        /// Read the root password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Use this 12-digit account ID instead of a random one (tests, migrating a layout).
        #[arg(long)]
        account_id: Option<String>,
    },
    /// Delete an account and everything in it, in one transaction. Without --yes it only prints
    /// what would be removed.
    Delete {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// Really delete.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an IAM user, with a console password when one is given; prints it as JSON.
    Create {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// The user name (1–64 of letters, digits and _+=,.@-).
        #[arg(long)]
        name: String,
        /// The user's path, e.g. `/eng/ops/` (default `/`).
        #[arg(long)]
        path: Option<String>,
        /// Read a console password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Require a new password at the next sign-in.
        #[arg(long)]
        password_reset_required: bool,
        /// Attach this managed policy (an ARN such as arn:aws:iam::aws:policy/IAMReadOnlyAccess); repeatable.
        #[arg(long = "attach-policy", value_name = "ARN", conflicts_with_all = ["groups", "copy_from"])]
        attach_policies: Vec<String>,
        /// Add the user to this group; repeatable.
        #[arg(long = "group", value_name = "GROUP", conflicts_with = "copy_from")]
        groups: Vec<String>,
        /// Give the user the groups, managed and inline policies of this existing user.
        #[arg(long, value_name = "USER")]
        copy_from: Option<String>,
        /// Embed an inline policy read from a JSON file, as NAME=FILE; repeatable.
        #[arg(long = "inline-policy", value_name = "NAME=FILE")]
        inline_policies: Vec<String>,
        /// Also create an access key; its id and secret are printed once, in the JSON.
        #[arg(long)]
        access_key: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccessKeyCommand {
    /// Create an access key for an IAM user or the root user (how automation gets its first key);
    /// prints `access_key_id` and `secret_access_key` once, as JSON.
    Create {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// The IAM user whose key it is.
        #[arg(long, conflicts_with = "root", required_unless_present = "root")]
        user: Option<String>,
        /// The key is the root user's.
        #[arg(long)]
        root: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Create the demo account (alias `demo`) and its IAM user if absent; prints credentials and URLs.
    Demo,
    /// Load synthetic users (`user-0000001`…, no console password) for load tests.
    SeedUsers {
        /// The account's 12-digit ID or its alias.
        #[arg(long)]
        account: String,
        /// How many users to add.
        #[arg(long)]
        count: u64,
        /// Over how many paths (`/dept-NN/team-NNNNN/`).
        #[arg(long, default_value_t = 100)]
        paths: u64,
    },
}

/// `lanyard bench`: what to measure and for how long.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Seconds of each sign-in storm.
    #[arg(long, default_value_t = 6)]
    pub seconds: u64,
    /// Rounds of (raw hashing, sign-in storm).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Concurrent sign-in clients during the storm.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// Users seeded for the directory figures (0 skips them).
    #[arg(long, default_value_t = 1_000_000)]
    pub users: u64,
    /// Paths the seeded users are spread over.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Requests per measured directory page.
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// Seconds of signed GetCallerIdentity load (0 skips it).
    #[arg(long, default_value_t = 10)]
    pub api_seconds: u64,
    /// Concurrent API clients.
    #[arg(long, default_value_t = 32)]
    pub api_clients: usize,
    /// Concurrent clients of the mixed IAM workload (run for --api-seconds too).
    #[arg(long, default_value_t = 32)]
    pub mixed_clients: usize,
    /// Events seeded for the event-history figures (0 skips them).
    #[arg(long, default_value_t = 10_000_000)]
    pub events: u64,
    /// Instead of the figures above: hold a fixed mixed rate (pages, sign-ins, API calls) this
    /// many seconds and print p50/p99 and memory per minute.
    #[arg(long, default_value_t = 0)]
    pub soak: u64,
}

fn parse_ip_range(s: &str) -> Result<IpRange, String> {
    IpRange::parse(s).ok_or_else(|| format!("`{s}` is not an address or a range such as 10.0.0.0/8"))
}
