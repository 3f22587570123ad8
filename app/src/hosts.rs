//! Which host a request came to: the console's own origin, or an account's sign-in host
//! (`<alias-or-id>.<signin-domain>:<port>`, like `<alias>.signin.aws.amazon.com`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostConfig {
    /// The console's public origin, e.g. `http://localhost:3000`.
    pub public_origin: String,
    /// The sign-in domain, e.g. `signin.localhost`.
    pub signin_domain: String,
}

impl HostConfig {
    fn scheme(&self) -> &str {
        self.public_origin.split_once("://").map(|(s, _)| s).unwrap_or("http")
    }

    /// `:3000` when the public origin names a port, else empty.
    fn port_suffix(&self) -> String {
        let authority = self.public_origin.split_once("://").map(|(_, a)| a).unwrap_or(&self.public_origin);
        let authority = authority.trim_end_matches('/');
        match authority.rsplit_once(':') {
            Some((_, port)) if port.chars().all(|c| c.is_ascii_digit()) => format!(":{port}"),
            _ => String::new(),
        }
    }

    /// The account label of an account sign-in host, from a `Host` header; `None` for any other host.
    pub fn account_label(&self, host_header: &str) -> Option<String> {
        let host = host_header.trim().to_ascii_lowercase();
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h.to_owned(),
            _ => host,
        };
        // `demo.signin.localhost.` (a fully qualified name) is the same host: without this the
        // trailing dot made an account's host pass for the console's, where root signs in and any
        // account may be named (issue 29).
        let host = host.strip_suffix('.').unwrap_or(&host);
        let label = host.strip_suffix(&format!(".{}", self.signin_domain.to_ascii_lowercase()))?;
        (!label.is_empty() && !label.contains('.')).then(|| label.to_owned())
    }

    /// The sign-in URL of an account's IAM users.
    pub fn account_signin_url(&self, alias_or_id: &str) -> String {
        format!("{}://{}.{}{}/console", self.scheme(), alias_or_id, self.signin_domain, self.port_suffix())
    }

    /// The general sign-in page (root users and IAM users by account), on the console's origin.
    pub fn root_signin_url(&self) -> String {
        format!("{}/signin", self.public_origin.trim_end_matches('/'))
    }
}

/// A same-origin path to return to (`/signin/demo`), or `None`. Only a plain absolute path is
/// accepted: letters, digits and `/ . _ - ~`, never `//` or `\\` (which browsers read as another
/// host), no controls, spaces or encodings, at most 256 characters. What passes is also always a
/// valid `Location` header value.
pub fn safe_local_path(raw: &str) -> Option<&str> {
    let ok = raw.len() <= 256
        && raw.starts_with('/')
        && !raw.contains("//")
        && !raw.split('/').any(|segment| segment == "." || segment == "..")
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-~".contains(&b));
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> HostConfig {
        HostConfig { public_origin: "http://localhost:3000".into(), signin_domain: "signin.localhost".into() }
    }

    #[test]
    fn recognises_account_hosts_with_or_without_port() {
        assert_eq!(cfg().account_label("demo.signin.localhost:3000").as_deref(), Some("demo"));
        assert_eq!(cfg().account_label("DEMO.signin.localhost").as_deref(), Some("demo"));
        assert_eq!(cfg().account_label("123456789012.signin.localhost:3000").as_deref(), Some("123456789012"));
        assert_eq!(cfg().account_label("localhost:3000"), None);
        assert_eq!(cfg().account_label("signin.localhost:3000"), None);
        assert_eq!(cfg().account_label("a.b.signin.localhost:3000"), None);
        assert_eq!(cfg().account_label("demo.signin.localhost.evil.com"), None);
        // Attack: a trailing dot must not turn an account's host into the console's own.
        assert_eq!(cfg().account_label("demo.signin.localhost.:3000").as_deref(), Some("demo"));
        assert_eq!(cfg().account_label("demo.signin.localhost.").as_deref(), Some("demo"));
        assert_eq!(cfg().account_label("demo.signin.localhost..:3000"), None);
    }

    /// Attack: an open redirect after sign-out through `from` (`/\\evil.example`, `/<TAB>/evil`), and a
    /// panic building a `Location` header from `/x\x7fy`.
    #[test]
    fn only_plain_local_paths_are_returned_to() {
        for ok in ["/signin", "/signin/demo", "/console", "/signin/123456789012"] {
            assert_eq!(safe_local_path(ok), Some(ok));
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/x\x7fy",
            "https://evil.example",
            "evil",
            "",
            "/a/../b",
            "/a/..",
            "/%2F%2Fevil",
            "/a b",
            "/signin\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(safe_local_path(bad), None, "{bad:?}");
        }
        assert_eq!(safe_local_path(&format!("/{}", "a".repeat(300))), None);
    }

    #[test]
    fn builds_urls_from_the_public_origin() {
        assert_eq!(cfg().account_signin_url("demo"), "http://demo.signin.localhost:3000/console");
        assert_eq!(cfg().root_signin_url(), "http://localhost:3000/signin");
        let https =
            HostConfig { public_origin: "https://iam.example.com/".into(), signin_domain: "signin.example.com".into() };
        assert_eq!(https.account_signin_url("acme"), "https://acme.signin.example.com/console");
        assert_eq!(https.root_signin_url(), "https://iam.example.com/signin");
    }
}
