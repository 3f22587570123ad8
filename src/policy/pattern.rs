//! Wildcard matching (`*` any run, `?` one character) and policy variables (`${aws:username}`,
//! `${aws:username, 'default'}`, and `${*}` / `${?}` / `${$}` for the literal characters).
//!
//! Matching is linear in the text whatever the pattern: the pattern is cut at its `*`s into
//! segments; the first and last are compared in place, each middle one is found leftmost (greedy
//! leftmost is exact for `*`/`?` globs) by a bit-parallel scan. The old backtracking matcher cost
//! pattern × text steps (`arn:*aaa…b` against a long ARN), which let one simulator request burn
//! seconds of CPU.

use std::borrow::Cow;

/// Resolves a policy variable's name (`aws:username`) to its value in the request, if it has one.
pub type VarLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A pattern ready to match: either a policy's text as written (`*` and `?` are wildcards, every
/// other character literal) or the result of substituting variables, where the literal `*`, `?`
/// and `\` that came from `${*}`, `${?}` or a variable's value are escaped with `\`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern<'a> {
    text: Cow<'a, str>,
    escaped: bool,
}

impl<'a> Pattern<'a> {
    /// A pattern as written in a policy (no escapes).
    pub fn raw(text: &'a str) -> Self {
        Pattern { text: Cow::Borrowed(text), escaped: false }
    }

    /// Whether `text` matches; `fold` compares ignoring ASCII case (actions do, ARNs do not).
    pub fn matches(&self, text: &str, fold: bool) -> bool {
        let pattern = &*self.text;
        // One pass tells which matcher the pattern needs; the common shapes build nothing. This
        // runs for every action and resource of every statement a request is checked against.
        let (mut stars, mut first_star, mut special) = (0usize, 0usize, false);
        for (i, b) in pattern.bytes().enumerate() {
            match b {
                b'*' => {
                    if stars == 0 {
                        first_star = i;
                    }
                    stars += 1;
                }
                b'?' | b'\\' => special = true,
                _ => {}
            }
        }
        if !special && stars <= 1 {
            // No wildcard, or one `*` (`iam:*`, `arn:aws:iam::*:user/alice`): a prefix and a
            // suffix, compared on bytes (ASCII case folding leaves UTF-8's other bytes alone).
            let (t, p) = (text.as_bytes(), pattern.as_bytes());
            let eq = |a: &[u8], b: &[u8]| if fold { a.eq_ignore_ascii_case(b) } else { a == b };
            if stars == 0 {
                return eq(t, p);
            }
            let (h, s) = (p.get(..first_star).unwrap_or_default(), p.get(first_star + 1..).unwrap_or_default());
            return t.len() >= h.len() + s.len()
                && t.get(..h.len()).is_some_and(|x| eq(x, h))
                && t.get(t.len() - s.len()..).is_some_and(|x| eq(x, s));
        }
        // Only `*`s (`arn:aws:iam::*:user/*`): prefix, suffix, and each middle segment found
        // leftmost by `str::find` (two-way search: linear, nothing allocated).
        if !special && !fold {
            return stars_only(pattern, text);
        }
        let (pattern, text): (Cow<'_, str>, Cow<'_, str>) = if fold {
            (Cow::Owned(pattern.to_ascii_lowercase()), Cow::Owned(text.to_ascii_lowercase()))
        } else {
            (Cow::Borrowed(pattern), Cow::Borrowed(text))
        };
        if pattern.is_ascii() && text.is_ascii() {
            let tokens = tokens(pattern.bytes(), b'\\', b'*', b'?', self.escaped);
            glob_tokens(&tokens, text.as_bytes())
        } else {
            let tokens = tokens(pattern.chars(), '\\', '*', '?', self.escaped);
            let text: Vec<char> = text.chars().collect();
            glob_tokens(&tokens, &text)
        }
    }

    /// The text with escapes removed: what equality operators (`StringEquals`) compare.
    pub fn literal(&self) -> Cow<'_, str> {
        if !self.escaped || !self.text.contains('\\') {
            return Cow::Borrowed(&self.text);
        }
        let mut out = String::with_capacity(self.text.len());
        let mut chars = self.text.chars();
        while let Some(c) = chars.next() {
            out.push(if c == '\\' { chars.next().unwrap_or('\\') } else { c });
        }
        Cow::Owned(out)
    }

    /// The six colon-delimited parts of an ARN pattern, each a pattern of its own (the sixth
    /// keeps any further colons); `None` when there are fewer than six.
    pub fn arn_parts(&self) -> Option<Vec<Pattern<'_>>> {
        let parts: Vec<Pattern<'_>> =
            self.text.splitn(6, ':').map(|p| Pattern { text: Cow::Borrowed(p), escaped: self.escaped }).collect();
        (parts.len() == 6).then_some(parts)
    }

    /// The pattern as tokens over characters (for prefix analysis).
    pub(crate) fn char_tokens(&self) -> Vec<Token<char>> {
        tokens(self.text.chars(), '\\', '*', '?', self.escaped)
    }
}

/// A pattern of literals and `*` only, matched case-sensitively.
fn stars_only(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else { return pattern == text };
    let (middle, tail) = rest.rsplit_once('*').unwrap_or(("", rest));
    if text.len() < head.len() + tail.len() || !text.starts_with(head) || !text.ends_with(tail) {
        return false;
    }
    // Both ends matched whole strings, so these are character boundaries.
    let mut hay = text.get(head.len()..text.len() - tail.len()).unwrap_or_default();
    for segment in middle.split('*').filter(|s| !s.is_empty()) {
        match hay.find(segment) {
            Some(at) => hay = hay.get(at + segment.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    true
}

/// Whether `text` matches the policy pattern `pattern` as written; see [`Pattern::matches`].
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    Pattern::raw(pattern).matches(text, fold)
}

/// One unit of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token<T> {
    Lit(T),
    /// `?`: any one unit.
    One,
    /// `*`: any run, the empty one included.
    Any,
}

fn tokens<T: Copy + PartialEq>(
    units: impl Iterator<Item = T>,
    escape: T,
    any: T,
    one: T,
    escaped: bool,
) -> Vec<Token<T>> {
    let mut out = Vec::new();
    let mut units = units;
    while let Some(u) = units.next() {
        out.push(if escaped && u == escape {
            Token::Lit(units.next().unwrap_or(escape))
        } else if u == any {
            Token::Any
        } else if u == one {
            Token::One
        } else {
            Token::Lit(u)
        });
    }
    out
}

/// Whether `segment` (no `Any`) matches `text` exactly.
fn segment_eq<T: PartialEq>(segment: &[Token<T>], text: &[T]) -> bool {
    segment.len() == text.len()
        && segment.iter().zip(text).all(|(s, t)| match s {
            Token::Lit(l) => l == t,
            _ => true,
        })
}

fn glob_tokens<T: Copy + Ord>(tokens: &[Token<T>], text: &[T]) -> bool {
    let mut segments = tokens.split(|t| *t == Token::Any);
    let first = segments.next().unwrap_or_default();
    let Some(last_index) = tokens.iter().rposition(|t| *t == Token::Any) else {
        return segment_eq(tokens, text);
    };
    let last = tokens.get(last_index + 1..).unwrap_or_default();
    if first.len() + last.len() > text.len() {
        return false;
    }
    let (head, rest) = text.split_at(first.len());
    let (middle, tail) = rest.split_at(rest.len() - last.len());
    if !segment_eq(first, head) || !segment_eq(last, tail) {
        return false;
    }
    // The segments strictly between the first `*` and the last, each found leftmost in turn.
    let inner = tokens.get(first.len() + 1..last_index).unwrap_or_default();
    let mut at = 0;
    for segment in inner.split(|t| *t == Token::Any).filter(|s| !s.is_empty()) {
        match find_segment(segment, middle.get(at..).unwrap_or_default()) {
            Some(end) => at += end,
            None => return false,
        }
    }
    true
}

/// Where the leftmost occurrence of `segment` in `text` ends, by shift-and: bit i of the state
/// says "the segment's first i+1 units end here". Linear in the text (times the segment's words);
/// the masks take (distinct units + 1) × words.
fn find_segment<T: Copy + Ord>(segment: &[Token<T>], text: &[T]) -> Option<usize> {
    let len = segment.len();
    let words = len.div_ceil(64);
    let mut units: Vec<T> =
        segment.iter().filter_map(|t| if let Token::Lit(u) = t { Some(*u) } else { None }).collect();
    units.sort_unstable();
    units.dedup();
    // Row r: the positions where the unit `units[r]` may stand; the last row: where any unit
    // may (`?`), OR-ed into every lookup.
    let mut masks = vec![0u64; (units.len() + 1) * words];
    let any_row = units.len();
    for (i, t) in segment.iter().enumerate() {
        let row = match t {
            Token::Lit(u) => units.binary_search(u).unwrap_or(any_row),
            _ => any_row,
        };
        if let Some(w) = masks.get_mut(row * words + i / 64) {
            *w |= 1u64 << (i % 64);
        }
    }
    let (rows, any) = masks.split_at(any_row * words);
    let top_word = (len - 1) / 64;
    let top_bit = 1u64 << ((len - 1) % 64);
    let mut state = vec![0u64; words];
    for (pos, unit) in text.iter().enumerate() {
        let row = units.binary_search(unit).ok().and_then(|r| rows.get(r * words..(r + 1) * words));
        let mut carry = 1u64;
        for (i, s) in state.iter_mut().enumerate() {
            let m = any.get(i).copied().unwrap_or(0) | row.and_then(|r| r.get(i)).copied().unwrap_or(0);
            let next_carry = *s >> 63;
            *s = ((*s << 1) | carry) & m;
            carry = next_carry;
        }
        if state.get(top_word).is_some_and(|w| w & top_bit != 0) {
            return Some(pos + 1);
        }
    }
    None
}

/// The policy's own text around variables: it keeps its wildcards; only its backslashes are
/// escaped.
fn push_policy_text(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A value that matches only itself: its wildcards and backslashes escaped.
fn push_literal(out: &mut String, value: &str) {
    for c in value.chars() {
        if matches!(c, '*' | '?' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Replaces each `${key}` (or `${key, 'default'}`) with the context's value, which then matches
/// only itself. `None` when a variable has neither a value nor a default (the statement then does
/// not apply, as in IAM). `${*}`, `${?}` and `${$}` stand for the literal characters, so a policy
/// can match them: `${*}` is never a wildcard.
pub fn substitute<'a>(text: &'a str, lookup: VarLookup<'_>) -> Option<Pattern<'a>> {
    if !text.contains("${") {
        return Some(Pattern::raw(text));
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        push_policy_text(&mut out, &rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let inside = &after[..end];
        let (name, default) = match inside.split_once(',') {
            Some((name, default)) => (name.trim(), Some(quoted(default.trim())?)),
            None => (inside.trim(), None),
        };
        match name {
            "*" | "?" | "$" => push_literal(&mut out, name),
            _ => push_literal(&mut out, &lookup(name).or_else(|| default.map(str::to_owned))?),
        }
        rest = &after[end + 1..];
    }
    push_policy_text(&mut out, rest);
    Some(Pattern { text: Cow::Owned(out), escaped: true })
}

/// A default value as IAM writes it: in single quotes (`'bob'`, `''`).
fn quoted(text: &str) -> Option<&str> {
    text.strip_prefix('\'')?.strip_suffix('\'')
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
        assert!(glob("a*?b", "axyb", false));
        assert!(!glob("a*??b", "axb", false));
        assert!(glob("*x?z*", "wxyz", false));
        assert!(glob("**", "anything", false));
        assert!(!glob("ab*ba", "aba", false), "prefix and suffix may not overlap");
        assert!(glob("é*ü", "éaü", false));
        assert!(glob("?", "é", false), "? is one character, not one byte");
        assert!(glob("back\\*slash", "back\\xslash", false), "a written backslash is literal");
    }

    /// The allocation-free paths agree with the general matcher on every small case.
    #[test]
    fn fast_paths_agree_with_the_general_matcher() {
        let words = |alphabet: &[char], max: usize| {
            let mut all = vec![String::new()];
            let mut frontier = vec![String::new()];
            for _ in 0..max {
                frontier = frontier.iter().flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}"))).collect();
                all.extend(frontier.iter().cloned());
            }
            all
        };
        let patterns = words(&['a', 'b', '*'], 5);
        let texts = words(&['a', 'b'], 6);
        for p in &patterns {
            let tokens = tokens(p.bytes(), b'\\', b'*', b'?', false);
            for t in &texts {
                assert_eq!(glob(p, t, false), glob_tokens(&tokens, t.as_bytes()), "{p:?} on {t:?}");
                assert_eq!(stars_only(p, t), glob_tokens(&tokens, t.as_bytes()), "{p:?} on {t:?}");
                let upper = t.to_ascii_uppercase();
                assert_eq!(glob(p, &upper, true), glob_tokens(&tokens, t.as_bytes()), "{p:?} on {upper:?}, folded");
            }
        }
    }

    #[test]
    fn middle_segments_longer_than_one_word() {
        let seg = "ab?".repeat(30); // 90 units: two words of state
        let pattern = format!("x*{seg}*y");
        let text = format!("x{}{}y", "ab".repeat(50), "abc".repeat(30));
        assert!(glob(&pattern, &text, false));
        assert!(!glob(&pattern, &format!("x{}y", "ab".repeat(80)), false));
    }

    /// The attack of issue 29: a pattern that made the backtracking matcher take pattern × text
    /// steps. The scan is now linear; this checks the answer, `lanyard bench` measures the time.
    #[test]
    fn attack_backtracking_patterns_answer_correctly() {
        let pattern = format!("arn:*{}b", "a".repeat(1000));
        let text = format!("arn:{}", "a".repeat(2040));
        assert!(!glob(&pattern, &text, false));
        assert!(glob(&pattern, &format!("{text}b"), false));
        let pattern = format!("*{}*{}", "a?".repeat(500), "c");
        assert!(!glob(&pattern, &"ab".repeat(1024), false));
    }

    #[test]
    fn variables() {
        let ctx = |k: &str| (k.eq_ignore_ascii_case("aws:username")).then(|| "alice".to_owned());
        let sub = |t: &str| substitute(t, &ctx).map(|p| p.literal().into_owned());
        assert_eq!(sub("user/${aws:username}").as_deref(), Some("user/alice"));
        assert_eq!(sub("a${*}b${?}${$}").as_deref(), Some("a*b?$"));
        assert_eq!(sub("user/${aws:userid}"), None, "unknown value: no match");
        assert_eq!(sub("user/${aws:username"), None, "unterminated");
    }

    /// IAM's policy variables: "${aws:username, 'bob'}" uses the default when the key is absent.
    #[test]
    fn variable_defaults() {
        let ctx = |k: &str| (k == "aws:username").then(|| "alice".to_owned());
        let sub = |t: &str| substitute(t, &ctx).map(|p| p.literal().into_owned());
        assert_eq!(sub("user/${aws:username, 'bob'}").as_deref(), Some("user/alice"));
        assert_eq!(sub("user/${aws:PrincipalTag/team, 'none'}").as_deref(), Some("user/none"));
        assert_eq!(sub("user/${aws:PrincipalTag/team,''}").as_deref(), Some("user/"));
        assert_eq!(sub("user/${aws:PrincipalTag/team, bob}"), None, "a default must be quoted");
    }

    /// `${*}` is a literal asterisk, never a wildcard (it over-permitted: `user/${*}` matched every
    /// user), and a variable's value is literal too.
    #[test]
    fn attack_literal_star_is_not_a_wildcard() {
        let ctx = |k: &str| (k == "aws:username").then(|| "a*".to_owned());
        let p = substitute("arn:aws:iam::1:user/${*}", &ctx).unwrap();
        assert!(p.matches("arn:aws:iam::1:user/*", false));
        assert!(!p.matches("arn:aws:iam::1:user/alice", false));
        let p = substitute("user/${aws:username}", &ctx).unwrap();
        assert!(p.matches("user/a*", false));
        assert!(!p.matches("user/abc", false), "a value's * is literal");
        let p = substitute("user/*/${aws:username}", &ctx).unwrap();
        assert!(p.matches("user/team/a*", false), "the policy's own * still a wildcard");
    }
}
