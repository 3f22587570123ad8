//! The one XML writer of the Query API: escaping, elements, `member` lists, timestamps as AWS
//! writes them, the `<Action>Response` envelope with its RequestId, and `ErrorResponse`.

use lanyard_iam::domain::{IamAction, Service};
use lanyard_iam::IamError;
use std::fmt::Write;
use time::OffsetDateTime;

pub fn namespace(service: Service) -> &'static str {
    match service {
        Service::Iam => "https://iam.amazonaws.com/doc/2010-05-08/",
        Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no way to write other control characters (not even as `&#1;`): an
            // answer with one is unparseable for every SDK, so they come out as U+FFFD.
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Whether XML 1.0 can carry `c` (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `2026-12-01T10:00:00Z`: whole seconds, UTC, as IAM answers.
pub fn timestamp(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// The body of a `<…Result>` element, built element by element.
#[derive(Default, Debug)]
pub struct Xml(String);

impl Xml {
    pub fn new() -> Self {
        Xml(String::new())
    }

    pub fn el(&mut self, name: &str, value: impl AsRef<str>) -> &mut Self {
        let _ = write!(self.0, "<{name}>{}</{name}>", escape(value.as_ref()));
        self
    }

    pub fn opt(&mut self, name: &str, value: Option<impl AsRef<str>>) -> &mut Self {
        if let Some(v) = value {
            self.el(name, v);
        }
        self
    }

    pub fn time(&mut self, name: &str, t: OffsetDateTime) -> &mut Self {
        self.el(name, timestamp(t))
    }

    pub fn bool(&mut self, name: &str, b: bool) -> &mut Self {
        self.el(name, if b { "true" } else { "false" })
    }

    /// `<name>` … `</name>` around what `inner` writes.
    pub fn nest(&mut self, name: &str, inner: impl FnOnce(&mut Xml)) -> &mut Self {
        let _ = write!(self.0, "<{name}>");
        inner(self);
        let _ = write!(self.0, "</{name}>");
        self
    }

    /// `<name><member>…</member>…</name>`.
    pub fn members<T>(&mut self, name: &str, items: &[T], mut each: impl FnMut(&mut Xml, &T)) -> &mut Self {
        self.nest(name, |x| {
            for item in items {
                x.nest("member", |m| each(m, item));
            }
        })
    }

    /// `IsTruncated` and, when there is more, `Marker`.
    pub fn paging(&mut self, next: Option<&str>) -> &mut Self {
        self.bool("IsTruncated", next.is_some()).opt("Marker", next)
    }
}

/// `<ActionResponse xmlns=…>[<ActionResult>…</ActionResult>]<ResponseMetadata>…`.
pub fn envelope(action: IamAction, result: Option<&Xml>, request_id: &str) -> String {
    let name = action.name();
    let ns = namespace(action.service());
    let result = result.map(|r| format!("<{name}Result>{}</{name}Result>", r.0)).unwrap_or_default();
    format!(
        "<{name}Response xmlns=\"{ns}\">{result}<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{name}Response>"
    )
}

pub fn error_body(e: &IamError, service: Service, request_id: &str) -> String {
    let kind = if e.status() >= 500 { "Receiver" } else { "Sender" };
    format!(
        "<ErrorResponse xmlns=\"{}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        namespace(service),
        e.code(),
        escape(&e.public_message())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_aws_shapes() {
        let mut x = Xml::new();
        x.nest("User", |u| {
            u.el("UserName", "a<b").time("CreateDate", time::macros::datetime!(2026-12-01 10:00:00.5 UTC));
        })
        .members("Tags", &[("k", "v")], |m, (k, v)| {
            m.el("Key", k).el("Value", v);
        })
        .paging(None);
        let body = envelope(IamAction::CreateUser, Some(&x), "rid");
        assert_eq!(
            body,
            "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateUserResult><User><UserName>a&lt;b</UserName><CreateDate>2026-12-01T10:00:00Z</CreateDate></User><Tags><member><Key>k</Key><Value>v</Value></member></Tags><IsTruncated>false</IsTruncated></CreateUserResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></CreateUserResponse>"
        );
        assert!(envelope(IamAction::DeleteUser, None, "r").starts_with("<DeleteUserResponse xmlns"));
    }
}
