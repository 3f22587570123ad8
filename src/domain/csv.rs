//! CSV fields for files people open in spreadsheets (the credential report, the Add-users
//! credentials file): quoted when they hold a comma, quote or line break, and, for text a user
//! chose, neutralised when they begin with `=`, `+`, `-`, `@`, tab or carriage return, which
//! spreadsheets would run as a formula (OWASP's CSV injection): a `'` is put in front.

use std::borrow::Cow;

/// One field of text someone chose (a user name): neutralised and quoted as needed.
pub fn text_field(field: &str) -> Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(quoted(&format!("'{field}")).into_owned())
    } else {
        quoted(field)
    }
}

/// One field quoted as needed, kept byte for byte (secrets, ARNs, times: nothing to neutralise,
/// and a changed secret would no longer work).
/// Borrowed when nothing needs quoting: the credential report writes millions of fields.
pub fn quoted(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attack of issue 29: a user named `=HYPERLINK(…)` or `@SUM(…)` ran as a formula when
    /// an administrator opened the report in a spreadsheet.
    #[test]
    fn attack_formula_user_names_are_neutralised() {
        assert_eq!(text_field("=1+1"), "'=1+1");
        assert_eq!(text_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_field("+x"), "'+x");
        assert_eq!(text_field("-x"), "'-x");
        assert_eq!(text_field("=a,b"), "\"'=a,b\"");
        assert_eq!(text_field("alice"), "alice");
        assert_eq!(text_field("a=b"), "a=b");
        assert_eq!(quoted("=secret"), "=secret", "secrets are never changed");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
