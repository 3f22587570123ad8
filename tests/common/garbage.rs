//! Random hostile text for the randomized parser tests (engine and server): pieces parsers care
//! about — separators, escapes, controls, multi-byte characters, AWS-looking fragments — joined at
//! random lengths, sometimes long, and random edits of valid input.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::Rng;

pub const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "/",
    "*",
    "?",
    "%",
    "&",
    "=",
    "+",
    " ",
    "\"",
    "'",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    ";",
    "<",
    ">",
    "\u{0}",
    "\n",
    "\r",
    "\t",
    "\u{7f}",
    "é",
    "😀",
    "\u{202e}",
    "\u{301}",
    "\u{fffd}",
    ".",
    "-",
    "_",
    "@",
    "arn:aws:iam::123456789012:",
    "${aws:username}",
    "${",
    "AWS4-HMAC-SHA256",
    "Credential=",
    "SignedHeaders=",
    "Signature=",
    "aws4_request",
    "20261202",
    "T",
    "Z",
    "user/",
    "mfa/",
    "AKIA",
    "ASIA",
    "null",
    "true",
    "-1",
    "99999999999999999999",
    "1e400",
    "{\"",
    "\":",
    "[]",
];

pub fn garbage(rng: &mut StdRng) -> String {
    let len = match rng.gen_range(0..12) {
        0 => 0,
        1 => rng.gen_range(200..5_000),
        _ => rng.gen_range(1..30),
    };
    (0..len).map(|_| PIECES[rng.gen_range(0..PIECES.len())]).collect()
}

/// `valid` with a few random edits: a piece inserted, a character dropped, the text cut short.
pub fn mutate(rng: &mut StdRng, valid: &str) -> String {
    let mut chars: Vec<char> = valid.chars().collect();
    for _ in 0..rng.gen_range(1..4) {
        let at = rng.gen_range(0..=chars.len());
        match rng.gen_range(0..3) {
            0 => {
                let piece: Vec<char> = PIECES[rng.gen_range(0..PIECES.len())].chars().collect();
                chars.splice(at..at, piece);
            }
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}
