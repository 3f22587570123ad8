//! Wildcard matching (`*` any run, `?` one character) and policy variables (`${aws:username}`).

/// Whether `text` matches `pattern`; `fold` compares ignoring ASCII case (actions do, ARNs do not).
/// Runs on every authorization check, so ASCII input (all IAM names and ARNs) is matched on bytes
/// without allocating; other text is matched by characters.
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob_units(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            if fold {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        })
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob_units(&p, &t, '*', '?', |a: &char, b: &char| if fold { a.eq_ignore_ascii_case(b) } else { a == b })
    }
}

fn glob_units<T: PartialEq>(p: &[T], t: &[T], any: T, one: T, eq: impl Fn(&T, &T) -> bool) -> bool {
    // Iterative matching with backtracking to the last `*`: linear in practice, no recursion.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != any && (p[pi] == one || eq(&p[pi], &t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == any)
}

/// Resolves a policy variable's name (`aws:username`) to its value in the request, if it has one.
pub type VarLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Replaces `${key}` with the context's value. `None` when a variable has no value (the statement
/// then does not apply, as in IAM). `${*}`, `${?}` and `${$}` stand for the literal characters, so a
/// policy can match them.
pub fn substitute(text: &str, lookup: VarLookup<'_>) -> Option<String> {
    if !text.contains("${") {
        return Some(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        match name {
            "*" | "?" | "$" => out.push_str(name),
            _ => out.push_str(&lookup(name)?),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(glob("*", "", false));
        assert!(glob("iam:*", "iam:CreateUser", true));
        assert!(glob("IAM:create*", "iam:CreateUser", true));
        assert!(!glob("iam:Create*", "iam:createuser", false));
        assert!(glob("iam:?etUser", "iam:GetUser", true));
        assert!(!glob("iam:Get", "iam:GetUser", true));
        assert!(glob("arn:aws:iam::*:user/*", "arn:aws:iam::123456789012:user/eng/alice", false));
        assert!(glob("a*b*c", "aXbYbZc", false));
        assert!(!glob("a*b*c", "aXbYbZ", false));
        assert!(glob("*a*a*a*a*a*b", &format!("{}b", "a".repeat(60)), false));
    }

    #[test]
    fn variables() {
        let ctx = |k: &str| (k.eq_ignore_ascii_case("aws:username")).then(|| "alice".to_owned());
        assert_eq!(substitute("user/${aws:username}", &ctx).as_deref(), Some("user/alice"));
        assert_eq!(substitute("a${*}b${?}${$}", &ctx).as_deref(), Some("a*b?$"));
        assert_eq!(substitute("user/${aws:userid}", &ctx), None, "unknown value: no match");
        assert_eq!(substitute("user/${aws:username", &ctx), None, "unterminated");
    }
}
