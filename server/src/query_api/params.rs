//! AWS Query parameters decoded once per request: scalars, `Name.member.N` lists,
//! `Tags.member.N.Key/Value` maps, numbers and booleans, with IAM's ValidationError wording built
//! from the parameter's name (`Value null at 'userName' failed to satisfy constraint: …`).

use lanyard_iam::{FieldError, IamError};

/// The form fields of one request (`application/x-www-form-urlencoded` body or query string),
/// each name at most once, with an index so that a list of N members is read in N lookups.
#[derive(Clone, Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
    index: std::collections::HashMap<String, usize>,
}

/// IAM's name for a parameter in messages: `UserName` → `userName`.
pub fn field_name(param: &str) -> String {
    let mut chars = param.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn invalid(param: &str, rule: impl Into<String>) -> IamError {
    IamError::Validation(vec![FieldError::new(&field_name(param), rule)])
}

/// Parameters that carry secrets: never recorded in an event.
const SECRET_PARAMS: &[&str] =
    &["Password", "OldPassword", "NewPassword", "AuthenticationCode1", "AuthenticationCode2", "TokenCode"];

impl Params {
    /// The request as CloudTrail's `requestParameters` names it (`userName`, `tags.member.1.key`),
    /// without `Action`, `Version` or any secret; long values are cut.
    pub fn recorded(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.pairs {
            let secret = SECRET_PARAMS.iter().any(|s| k.eq_ignore_ascii_case(s));
            if secret || k == "Action" || k == "Version" || map.len() >= 100 {
                continue;
            }
            map.insert(field_name(k), serde_json::Value::String(v.chars().take(2048).collect()));
        }
        serde_json::Value::Object(map)
    }

    /// The query string is decoded exactly as SigV4's canonical request reads it (`%XX` only, so
    /// `+` is a plus sign: `a+b` and `a%2Bb` sign alike and so must mean alike); the body as a
    /// form. A name given twice is refused: the signature does not fix the order of a query's
    /// pairs, so "the first one wins" would let a reordering change what a signed request means.
    pub fn parse(body: &[u8], query: &str) -> Result<Self, IamError> {
        let decode = |s: &str| String::from_utf8_lossy(&lanyard_iam::sigv4::percent_decode(s)).into_owned();
        let query_pairs = query.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        });
        let pairs: Vec<(String, String)> = query_pairs.chain(url::form_urlencoded::parse(body).into_owned()).collect();
        let mut index = std::collections::HashMap::with_capacity(pairs.len());
        for (i, (k, _)) in pairs.iter().enumerate() {
            if index.insert(k.clone(), i).is_some() {
                return Err(IamError::InvalidInput(format!("The parameter {k} is given more than once.")));
            }
        }
        Ok(Params { pairs, index })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.index.get(name).and_then(|i| self.pairs.get(*i)).map(|(_, v)| v.as_str())
    }

    /// A parameter that may be absent; an empty value counts as given (IAM then checks its length).
    pub fn opt(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    pub fn req(&self, name: &str) -> Result<String, IamError> {
        self.opt(name).ok_or_else(|| invalid(name, "Member must not be null"))
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, IamError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(invalid(name, "Member must be true or false")),
        }
    }

    pub fn opt_int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, IamError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(invalid(
                    name,
                    format!("Member must have value greater than or equal to {min} and less than or equal to {max}"),
                )),
            },
        }
    }

    /// `Name.member.1`, `Name.member.2`, … in order (gaps end the list, as AWS reads it).
    pub fn list(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for n in 1.. {
            match self.get(&format!("{name}.member.{n}")) {
                Some(v) => out.push(v.to_owned()),
                None => break,
            }
            if n >= 10_000 {
                break;
            }
        }
        out
    }

    /// `Tags.member.N.Key` / `.Value` pairs. Keys given twice (ignoring case) are IAM's
    /// `InvalidInput`, with AWS's message, before any other check of the tags.
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>, IamError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for n in 1..=1000 {
            let key = self.get(&format!("{name}.member.{n}.Key"));
            let value = self.get(&format!("{name}.member.{n}.Value"));
            match (key, value) {
                (None, None) => break,
                (k, v) => out.push((k.unwrap_or_default().to_owned(), v.unwrap_or_default().to_owned())),
            }
        }
        let mut keys: Vec<String> = out.iter().map(|(k, _)| k.to_lowercase()).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(IamError::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.".into(),
            ));
        }
        Ok(out)
    }

    /// IAM's paging parameters: `MaxItems` 1–1000 (default 100) and the previous page's `Marker`.
    pub fn paging(&self) -> Result<(usize, Option<String>), IamError> {
        let max = self.opt_int("MaxItems", 1, 1000)?.unwrap_or(100) as usize;
        Ok((max, self.opt("Marker")))
    }
}

/// One page of an in-memory list: the marker is the index of the next item.
pub fn page_of<T>(items: Vec<T>, max: usize, marker: Option<&str>) -> Result<(Vec<T>, Option<String>), IamError> {
    let start = match marker {
        None => 0,
        Some(m) => m
            .strip_prefix("i")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| invalid("Marker", "Member must be a marker this service returned"))?,
    };
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| format!("i{end}"));
    Ok((items.into_iter().skip(start).take(end - start).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_lists_maps_and_numbers() {
        let p = Params::parse(
            b"Action=CreateUser&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=eng&Tags.member.2.Key=x&MaxItems=5&ActionNames.member.1=iam%3AGetUser&ActionNames.member.2=iam%3AListUsers",
            "",
        )
        .unwrap();
        assert_eq!(p.req("UserName").unwrap(), "bob");
        assert_eq!(p.tags("Tags").unwrap(), vec![("team".into(), "eng".into()), ("x".into(), String::new())]);
        assert_eq!(p.list("ActionNames"), vec!["iam:GetUser", "iam:ListUsers"]);
        assert_eq!(p.paging().unwrap(), (5, None));
        let e = p.req("Path").unwrap_err();
        assert_eq!(
            e.public_message(),
            "1 validation error detected: Value at 'path' failed to satisfy constraint: Member must not be null"
        );
        assert!(Params::parse(b"MaxItems=0", "").unwrap().paging().is_err());
        assert!(Params::parse(b"MaxItems=abc", "").unwrap().paging().is_err());
    }

    /// The attack of issue 29: in the GET form, `+` and `%2B` sign alike, and a reordering of
    /// duplicate pairs keeps the signature; neither may change what the request means.
    #[test]
    fn attack_query_string_plus_and_duplicates_cannot_change_meaning() {
        let p = Params::parse(b"", "Action=GetUser&UserName=a+b").unwrap();
        assert_eq!(p.get("UserName"), Some("a+b"), "decoded as the canonical request decodes it");
        let p = Params::parse(b"", "Action=GetUser&UserName=a%2Bb").unwrap();
        assert_eq!(p.get("UserName"), Some("a+b"));
        assert!(Params::parse(b"", "Action=GetUser&UserName=alice&UserName=bob").is_err());
        assert!(Params::parse(b"UserName=bob", "UserName=alice").is_err());
        let dup = Params::parse(b"Tags.member.1.Key=Team&Tags.member.1.Value=a&Tags.member.2.Key=team", "").unwrap();
        assert_eq!(
            dup.tags("Tags").unwrap_err().public_message(),
            "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        );
        // A form body keeps form decoding (its bytes are signed as they are).
        assert_eq!(Params::parse(b"UserName=a+b", "").unwrap().get("UserName"), Some("a b"));
    }

    #[test]
    fn pages_in_memory_lists() {
        let (a, next) = page_of((1..=5).collect(), 2, None).unwrap();
        assert_eq!((a, next.as_deref()), (vec![1, 2], Some("i2")));
        let (b, next) = page_of((1..=5).collect(), 10, Some("i4")).unwrap();
        assert_eq!((b, next), (vec![5], None));
        assert!(page_of((1..=5).collect::<Vec<i32>>(), 2, Some("zz")).is_err());
    }
}
