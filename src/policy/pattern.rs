//! Wildcard matching (`*` any run, `?` one character) and policy variables (`${aws:username}`).

/// Whether `text` matches `pattern`; `fold` compares ignoring ASCII case (actions do, ARNs do not).
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if fold {
        (pattern.to_ascii_lowercase().chars().collect(), text.to_ascii_lowercase().chars().collect())
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    // Iterative matching with backtracking to the last `*`: linear in practice, no recursion.
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
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
    p[pi..].iter().all(|c| *c == '*')
}

/// Replaces `${key}` with the context's value. `None` when a variable has no value (the statement
/// then does not apply, as in IAM). `${*}`, `${?}` and `${$}` stand for the literal characters, so a
/// policy can match them.
pub fn substitute(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
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
