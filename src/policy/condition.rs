//! The `Condition` element: operators, `…IfExists`, the `ForAllValues:` / `ForAnyValue:` set
//! qualifiers, and how a condition holds against a request's context keys (several values of one
//! key: any may match; several keys or operators: all must hold). AWS's rules are kept exactly: a
//! key absent from the request makes a positive operator false and a negated one true, `…IfExists`
//! true, and `Null` tests presence.

use super::pattern::{substitute, Pattern, VarLookup};
use crate::domain::{parse_ip, IpRange};
use crate::IamError;
use serde_json::Value;
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// How a condition treats a key with several values (`aws:TagKeys`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    /// No qualifier: the condition holds if any value of the key matches.
    Single,
    /// Every value in the request matches (also when the key is absent or empty).
    ForAllValues,
    /// At least one value in the request matches (never when the key is absent).
    ForAnyValue,
}

impl ConditionOperator {
    fn parse(name: &str) -> Option<Self> {
        use ConditionOperator::*;
        Some(match name {
            "StringEquals" => StringEquals,
            "StringNotEquals" => StringNotEquals,
            "StringEqualsIgnoreCase" => StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => StringNotEqualsIgnoreCase,
            "StringLike" => StringLike,
            "StringNotLike" => StringNotLike,
            "NumericEquals" => NumericEquals,
            "NumericNotEquals" => NumericNotEquals,
            "NumericLessThan" => NumericLessThan,
            "NumericLessThanEquals" => NumericLessThanEquals,
            "NumericGreaterThan" => NumericGreaterThan,
            "NumericGreaterThanEquals" => NumericGreaterThanEquals,
            "DateEquals" => DateEquals,
            "DateNotEquals" => DateNotEquals,
            "DateLessThan" => DateLessThan,
            "DateLessThanEquals" => DateLessThanEquals,
            "DateGreaterThan" => DateGreaterThan,
            "DateGreaterThanEquals" => DateGreaterThanEquals,
            "Bool" => Bool,
            "BinaryEquals" => BinaryEquals,
            "IpAddress" => IpAddress,
            "NotIpAddress" => NotIpAddress,
            "ArnEquals" => ArnEquals,
            "ArnLike" => ArnLike,
            "ArnNotEquals" => ArnNotEquals,
            "ArnNotLike" => ArnNotLike,
            "Null" => Null,
            _ => return None,
        })
    }

    /// Negated operators hold when nothing in the request matches, the key's absence included.
    fn negated(self) -> bool {
        use ConditionOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// Whether a value written in a policy is one this operator can compare; checked when the
    /// policy is saved, as IAM does, so a typo is an error rather than a statement that never applies.
    fn accepts(self, policy: &str) -> bool {
        use ConditionOperator::*;
        if policy.contains("${") {
            return true;
        }
        match self {
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => policy.trim().parse::<f64>().is_ok(),
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => parse_date(policy).is_some(),
            IpAddress | NotIpAddress => IpRange::parse(policy).is_some(),
            Bool | Null => policy.eq_ignore_ascii_case("true") || policy.eq_ignore_ascii_case("false"),
            _ => true,
        }
    }

    /// Whether a context value matches one policy value under the positive form of the operator.
    fn matches(self, context: &str, pattern: &Pattern<'_>) -> bool {
        use ConditionOperator::*;
        let num = |s: &str| s.trim().parse::<f64>().ok();
        // The wildcard operators take the pattern; the others its text, escapes removed.
        let literal = || pattern.literal();
        match self {
            StringLike | StringNotLike => pattern.matches(context, false),
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => arn_matches(pattern, context),
            StringEquals | StringNotEquals | BinaryEquals => literal() == context,
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => context.to_lowercase() == literal().to_lowercase(),
            Bool => context.eq_ignore_ascii_case(&literal()),
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => match (num(context), num(&literal())) {
                (Some(c), Some(p)) => compare(self, c.partial_cmp(&p)),
                _ => false,
            },
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => match (parse_date(context), parse_date(&literal())) {
                (Some(c), Some(p)) => compare(self, Some(c.cmp(&p))),
                _ => false,
            },
            IpAddress | NotIpAddress => match (parse_ip(context), IpRange::parse(&literal())) {
                (Some(ip), Some(net)) => net.contains(ip),
                _ => false,
            },
            Null => false,
        }
    }
}

/// The ARN operators compare each of an ARN's six colon-delimited parts (`arn`, partition,
/// service, region, account, resource) on its own, so a wildcard never spans a colon into the next
/// part (AWS: "each of the six colon-delimited components of the ARN is checked separately").
/// A context value that is not a six-part ARN matches nothing; the bare pattern `*` matches all.
fn arn_matches(pattern: &Pattern<'_>, context: &str) -> bool {
    match pattern.arn_parts() {
        Some(want) => {
            let got: Vec<&str> = context.splitn(6, ':').collect();
            got.len() == 6 && want.iter().zip(&got).all(|(w, g)| w.matches(g, false))
        }
        None => pattern.literal() == "*",
    }
}

/// The ordered operators' verdict on `ordering` (context compared with policy).
fn compare(op: ConditionOperator, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use ConditionOperator::*;
    let Some(o) = ordering else { return false };
    match op {
        NumericLessThan | DateLessThan => o == Less,
        NumericLessThanEquals | DateLessThanEquals => o != Greater,
        NumericGreaterThan | DateGreaterThan => o == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => o != Less,
        _ => o == Equal,
    }
}

/// A date as IAM accepts it: ISO 8601 (`2026-12-01T10:00:00Z`, with or without seconds or
/// fraction, or just `2026-12-01`) or Unix epoch seconds. Compared as seconds.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &date_only) {
        return Some(d.midnight().assume_utc().unix_timestamp());
    }
    // `2026-12-01T10:00Z`: minutes without seconds.
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    time::PrimitiveDateTime::parse(s, &minutes).ok().map(|t| t.assume_utc().unix_timestamp())
}

/// One operator on one key with its values, e.g. `"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionBlock {
    pub operator: ConditionOperator,
    pub qualifier: SetQualifier,
    pub if_exists: bool,
    pub key: String,
    pub values: Vec<String>,
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(super) fn parse_conditions(value: &Value, at: &str) -> Result<Vec<ConditionBlock>, IamError> {
    let malformed = |m: String| IamError::MalformedPolicyDocument(m);
    let Value::Object(ops) = value else {
        return Err(malformed(format!("{at} must be an object of condition operators.")));
    };
    let mut blocks = Vec::new();
    for (name, keys) in ops {
        let (qualifier, unqualified) = match name.split_once(':') {
            Some(("ForAllValues", rest)) => (SetQualifier::ForAllValues, rest),
            Some(("ForAnyValue", rest)) => (SetQualifier::ForAnyValue, rest),
            Some(_) => {
                return Err(malformed(format!("{at}: {name} is not a supported condition operator.")));
            }
            None => (SetQualifier::Single, name.as_str()),
        };
        let (base, if_exists) = match unqualified.strip_suffix("IfExists") {
            Some(base) if base != "Null" => (base, true),
            _ => (unqualified, false),
        };
        let operator = ConditionOperator::parse(base)
            .filter(|op| !(*op == ConditionOperator::Null && qualifier != SetQualifier::Single))
            .ok_or_else(|| malformed(format!("{at}: {name} is not a supported condition operator.")))?;
        let Value::Object(keys) = keys else {
            return Err(malformed(format!("{at}.{name} must be an object of condition keys.")));
        };
        if keys.is_empty() {
            return Err(malformed(format!("{at}.{name} names no condition key.")));
        }
        for (key, values) in keys {
            let values: Vec<String> = match values {
                Value::Array(items) if !items.is_empty() => items.iter().map(scalar).collect::<Option<_>>(),
                Value::Array(_) => None,
                v => scalar(v).map(|s| vec![s]),
            }
            .ok_or_else(|| {
                malformed(format!("{at}.{name}.{key} must be a string, number, boolean or a list of them."))
            })?;
            if let Some(bad) = values.iter().find(|v| !operator.accepts(v)) {
                return Err(malformed(format!("{at}.{name}.{key}: {bad:?} is not a valid value for {base}.")));
            }
            blocks.push(ConditionBlock { operator, qualifier, if_exists, key: key.clone(), values });
        }
    }
    Ok(blocks)
}

impl ConditionBlock {
    /// Whether the condition holds. `context` gives a key's values (None when the request does not
    /// have the key); `vars` resolves `${…}` in the policy's values, or is `None` when the policy's
    /// version takes them literally.
    pub fn holds(&self, context: &dyn Fn(&str) -> Option<Vec<String>>, vars: Option<VarLookup<'_>>) -> bool {
        let present = context(&self.key).filter(|v| !v.is_empty());
        if self.operator == ConditionOperator::Null {
            let absent = present.is_none();
            return self.values.iter().any(|v| v.eq_ignore_ascii_case(if absent { "true" } else { "false" }));
        }
        let Some(present) = present else {
            // AWS: ForAnyValue with the key absent is false, `…IfExists` or not (it over-permitted).
            return match self.qualifier {
                SetQualifier::ForAllValues => true,
                SetQualifier::ForAnyValue => false,
                SetQualifier::Single => self.if_exists || self.operator.negated(),
            };
        };
        let policy_values: Vec<Pattern<'_>> = self
            .values
            .iter()
            .filter_map(|v| match vars {
                Some(vars) => substitute(v, vars),
                None => Some(Pattern::raw(v)),
            })
            .collect();
        // One request value against the policy's values: a positive operator wants a match, a
        // negated one wants none.
        let value_holds = |c: &String| {
            let any = policy_values.iter().any(|p| self.operator.matches(c, p));
            any != self.operator.negated()
        };
        match self.qualifier {
            SetQualifier::ForAllValues => present.iter().all(value_holds),
            SetQualifier::ForAnyValue => present.iter().any(value_holds),
            SetQualifier::Single => {
                let any = present.iter().any(|c| policy_values.iter().any(|p| self.operator.matches(c, p)));
                any != self.operator.negated()
            }
        }
    }
}
