//! AWS Signature Version 4, for the Query API: parsing the `Authorization` header, the canonical
//! request, the string to sign and the signature (HMAC-SHA256 with the derived signing key). Pure
//! functions; the engine decides what a key may do. Non-S3 rules: the path is URI-encoded again as
//! sent, and the payload hash is the body's SHA-256.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A request as it arrived: raw (still percent-encoded) path and query, headers, body.
#[derive(Clone, Debug)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl SignedRequest<'_> {
    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// `YYYYMMDD` of the credential scope.
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// Why a header could not be parsed (IAM answers IncompleteSignature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed(pub String);

pub fn parse_authorization(value: &str) -> Result<Authorization, Malformed> {
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| Malformed(format!("Unsupported signing algorithm; only {ALGORITHM} is accepted.")))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let missing = |what: &str| Malformed(format!("Authorization header requires '{what}' parameter."));
    let credential = credential.ok_or_else(|| missing("Credential"))?;
    let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
    let signature = signature.ok_or_else(|| missing("Signature"))?;
    let fields: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = fields[..] else {
        return Err(Malformed(
            "Credential must have the form <access key>/<YYYYMMDD>/<region>/<service>/aws4_request.".into(),
        ));
    };
    if terminator != "aws4_request" || date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Malformed("Credential scope must be <YYYYMMDD>/<region>/<service>/aws4_request.".into()));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Malformed("Signature must be 64 hexadecimal characters.".into()));
    }
    let signed_headers: Vec<String> = signed.split(';').map(|h| h.trim().to_ascii_lowercase()).collect();
    if signed_headers.iter().any(String::is_empty) {
        return Err(Malformed("SignedHeaders must list header names separated by ';'.".into()));
    }
    Ok(Authorization {
        access_key_id: key.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

/// `X-Amz-Date` (`20150830T123600Z`) as a time.
pub fn parse_amz_date(value: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(value.trim(), &format).ok().map(PrimitiveDateTime::assume_utc)
}

pub fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, the rest is `%XX`.
fn uri_encode(s: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            push_hex(&mut out, b, UPPER_HEX);
        }
    }
    out
}

/// `%XX` decoded, nothing else (`+` stays `+`): how the canonical query string reads a query.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(k), false), uri_encode(&percent_decode(v), false))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// Trims and collapses runs of spaces, as the canonical headers need.
fn canonical_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Lowercase hex, by table: every request hashes and hexes several times on each side, and a
/// `format!` per byte showed in the API's profile.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        push_hex(&mut out, b, LOWER_HEX);
    }
    out
}

/// `b`'s two hex digits, from `digits` (lower- or uppercase).
fn push_hex(out: &mut String, b: u8, digits: &[u8; 16]) {
    out.push(char::from(digits[usize::from(b >> 4)]));
    out.push(char::from(digits[usize::from(b & 0xf)]));
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// The canonical request over `signed_headers`, or the name of a signed header that is absent.
pub fn canonical_request(req: &SignedRequest<'_>, signed_headers: &[String]) -> Result<String, String> {
    let path = if req.path.is_empty() { "/" } else { req.path };
    let mut headers = String::new();
    for name in signed_headers {
        let values = req.header_values(name);
        if values.is_empty() {
            return Err(name.clone());
        }
        let joined: Vec<String> = values.iter().map(|v| canonical_value(v)).collect();
        headers.push_str(&format!("{name}:{}\n", joined.join(",")));
    }
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        uri_encode(path.as_bytes(), true),
        canonical_query(req.query),
        headers,
        signed_headers.join(";"),
        sha256_hex(req.body)
    ))
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this never fails; if it did, an all-zero result would
    // only make the signature not match.
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().into()
        }
        Err(_) => [0; 32],
    }
}

pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(signing_key, string_to_sign.as_bytes()))
}

/// Compares without an early exit.
pub fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signs a request as a client does (the benchmark and tests use it): returns the
/// `Authorization` header for `signed_headers`, which must already be in `req.headers`.
pub fn sign(
    req: &SignedRequest<'_>,
    access_key_id: &str,
    secret: &str,
    amz_date: &str,
    region: &str,
    service: &str,
    signed_headers: &[String],
) -> Result<String, String> {
    let date = amz_date.get(..8).unwrap_or_default();
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let creq = canonical_request(req, signed_headers)?;
    let sig = signature(&signing_key(secret, date, region, service), &string_to_sign(amz_date, &scope, &creq));
    Ok(format!(
        "{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={}, Signature={sig}",
        signed_headers.join(";")
    ))
}

/// Who signs a client request: a key, its secret, and the session token of temporary credentials.
#[derive(Clone, Copy, Debug)]
pub struct ClientCredentials<'a> {
    pub access_key_id: &'a str,
    pub secret: &'a str,
    pub session_token: Option<&'a str>,
}

/// The headers an AWS SDK sends with a form `POST /` signed at `at` for `region`/`service`:
/// host, content type, date, the session token if any, and `Authorization` (what the benchmark's
/// load generator and the API tests send, as botocore builds it).
pub fn client_post_headers(
    host: &str,
    creds: ClientCredentials<'_>,
    region: &str,
    service: &str,
    body: &[u8],
    at: OffsetDateTime,
) -> Result<Vec<(String, String)>, String> {
    let amz_date = format_amz_date(at);
    let mut headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("content-type".to_owned(), "application/x-www-form-urlencoded; charset=utf-8".to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    if let Some(token) = creds.session_token {
        headers.push(("x-amz-security-token".to_owned(), token.to_owned()));
    }
    let names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    let req = SignedRequest { method: "POST", path: "/", query: "", headers: &headers, body };
    let auth = sign(&req, creds.access_key_id, creds.secret, &amz_date, region, service, &names)?;
    headers.push(("authorization".to_owned(), auth));
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    /// botocore's aws4_testsuite `get-space` and `get-utf8` (the original 2011 suite: `Date`
    /// header, service `host`): canonical request and signature.
    #[test]
    fn aws4_testsuite_vectors() {
        let h = headers(&[("Date", "Mon, 09 Sep 2011 23:36:00 GMT"), ("Host", "host.foo.com")]);
        let signed = vec!["date".to_owned(), "host".to_owned()];
        for (path, creq_path, sig) in [
            ("/%20/foo", "/%2520/foo", "2be9e587d1ee1f0fd02128724b86b4358ba3630d39f493b6e06610a19a50779e"),
            ("/%E1%88%B4", "/%25E1%2588%25B4", "57b1eb3df3b16a8479c0097b66c0b261cfd65b829419a3f2c3d05319722490b8"),
        ] {
            let req = SignedRequest { method: "GET", path, query: "", headers: &h, body: b"" };
            let creq = canonical_request(&req, &signed).unwrap();
            assert_eq!(
                creq,
                format!(
                    "GET\n{creq_path}\n\ndate:Mon, 09 Sep 2011 23:36:00 GMT\nhost:host.foo.com\n\ndate;host\n\
                     e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                )
            );
            let sts = string_to_sign("20110909T233600Z", "20110909/us-east-1/host/aws4_request", &creq);
            assert_eq!(signature(&signing_key(SECRET, "20110909", "us-east-1", "host"), &sts), sig, "{path}");
        }
    }

    /// The IAM ListUsers example of AWS's SigV4 documentation.
    #[test]
    fn aws_documentation_example() {
        let h = headers(&[
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ]);
        let req = SignedRequest {
            method: "GET",
            path: "/",
            query: "Version=2010-05-08&Action=ListUsers",
            headers: &h,
            body: b"",
        };
        let signed: Vec<String> = ["content-type", "host", "x-amz-date"].map(String::from).to_vec();
        let creq = canonical_request(&req, &signed).unwrap();
        assert!(creq.starts_with("GET\n/\nAction=ListUsers&Version=2010-05-08\n"), "query sorted: {creq}");
        assert_eq!(sha256_hex(creq.as_bytes()), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(hex(&key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        let sts = string_to_sign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", &creq);
        assert_eq!(signature(&key, &sts), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }

    #[test]
    fn parses_and_refuses_authorization_headers() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "AKIDEXAMPLE");
        assert_eq!(a.scope(), "20150830/us-east-1/sts/aws4_request");
        assert_eq!(a.signed_headers, ["host", "x-amz-date"]);
        for bad in [
            "AWS4-HMAC-SHA1 Credential=a/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 Credential=a/2015/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 Credential=a/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=xyz",
        ] {
            assert!(parse_authorization(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_missing_signed_header_is_named() {
        let h = headers(&[("Host", "localhost")]);
        let req = SignedRequest { method: "POST", path: "/", query: "", headers: &h, body: b"" };
        assert_eq!(canonical_request(&req, &["host".into(), "x-amz-date".into()]), Err("x-amz-date".into()));
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let h = headers(&[("Host", "localhost:3000"), ("X-Amz-Date", "20261122T120000Z")]);
        let body = b"Action=GetCallerIdentity&Version=2011-06-15";
        let req = SignedRequest { method: "POST", path: "/", query: "", headers: &h, body };
        let signed: Vec<String> = vec!["host".into(), "x-amz-date".into()];
        let header = sign(&req, "AKIAEXAMPLE", SECRET, "20261122T120000Z", "us-east-1", "sts", &signed).unwrap();
        let a = parse_authorization(&header).unwrap();
        let sts = string_to_sign("20261122T120000Z", &a.scope(), &canonical_request(&req, &a.signed_headers).unwrap());
        assert!(same_signature(&signature(&signing_key(SECRET, &a.date, &a.region, &a.service), &sts), &a.signature));
        assert_eq!(parse_amz_date("20261122T120000Z").map(format_amz_date).as_deref(), Some("20261122T120000Z"));
    }
}
