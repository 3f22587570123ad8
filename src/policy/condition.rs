//! The `Condition` element: operators, `…IfExists`, and how a condition holds against a request's
//! context keys (several values of one key: any may match; several keys or operators: all must hold).

use super::pattern::{glob, substitute, VarLookup};
use crate::IamError;
use serde_json::Value;

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
    Bool,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
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
            "Bool" => Bool,
            "ArnEquals" => ArnEquals,
            "ArnLike" => ArnLike,
            "ArnNotEquals" => ArnNotEquals,
            "ArnNotLike" => ArnNotLike,
            "Null" => Null,
            _ => return None,
        })
    }

    /// Negated operators hold when the key is absent (IAM: nothing in the request matches).
    fn negated(self) -> bool {
        use ConditionOperator::*;
        matches!(
            self,
            StringNotEquals | StringNotEqualsIgnoreCase | StringNotLike | NumericNotEquals | ArnNotEquals | ArnNotLike
        )
    }

    /// Whether a context value matches one policy value under the positive form of the operator.
    fn matches(self, context: &str, policy: &str) -> bool {
        use ConditionOperator::*;
        let num = |s: &str| s.trim().parse::<f64>().ok();
        match self {
            StringEquals | StringNotEquals => context == policy,
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => context.to_lowercase() == policy.to_lowercase(),
            StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => {
                glob(policy, context, false)
            }
            Bool => context.eq_ignore_ascii_case(policy),
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => match (num(context), num(policy)) {
                (Some(c), Some(p)) => match self {
                    NumericLessThan => c < p,
                    NumericLessThanEquals => c <= p,
                    NumericGreaterThan => c > p,
                    NumericGreaterThanEquals => c >= p,
                    _ => c == p,
                },
                _ => false,
            },
            Null => false,
        }
    }
}

/// One operator on one key with its values, e.g. `"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionBlock {
    pub operator: ConditionOperator,
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
        let (base, if_exists) = match name.strip_suffix("IfExists") {
            Some(base) if base != "Null" => (base, true),
            _ => (name.as_str(), false),
        };
        let operator = ConditionOperator::parse(base)
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
            blocks.push(ConditionBlock { operator, if_exists, key: key.clone(), values });
        }
    }
    Ok(blocks)
}

impl ConditionBlock {
    /// Whether the condition holds. `context` gives a key's values (None when the request does not
    /// have the key); `vars` resolves `${…}` in the policy's values, or is `None` when the policy's
    /// version takes them literally.
    pub fn holds(&self, context: &dyn Fn(&str) -> Option<Vec<String>>, vars: Option<VarLookup<'_>>) -> bool {
        let present = context(&self.key);
        if self.operator == ConditionOperator::Null {
            let absent = present.is_none();
            return self.values.iter().any(|v| v.eq_ignore_ascii_case(if absent { "true" } else { "false" }));
        }
        let Some(present) = present else {
            return self.if_exists || self.operator.negated();
        };
        let policy_values: Vec<String> = self
            .values
            .iter()
            .filter_map(|v| match vars {
                Some(vars) => substitute(v, vars),
                None => Some(v.clone()),
            })
            .collect();
        let any = present.iter().any(|c| policy_values.iter().any(|p| self.operator.matches(c, p)));
        if self.operator.negated() {
            !any
        } else {
            any
        }
    }
}
