//! RFC 6238 TOTP as virtual MFA devices use it: SHA-1, 6 digits, 30-second steps (totp-rs does
//! the HMAC and truncation). Which step a code matched is returned, so the caller can refuse
//! it a second time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::RngCore;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Builder, Secret};

pub const STEP_SECONDS: u64 = 30;
const DIGITS: u8 = 6;
/// 160 bits, as RFC 4226 recommends.
const SEED_BYTES: usize = 20;

/// A device's shared secret. `Debug` never shows it.
#[derive(Clone)]
pub struct TotpSeed(Vec<u8>);

impl std::fmt::Debug for TotpSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSeed([redacted])")
    }
}

/// The time step `now` falls in.
pub fn step_at(now: OffsetDateTime) -> i64 {
    now.unix_timestamp().div_euclid(STEP_SECONDS as i64)
}

fn code_with(seed: &[u8], step: i64, digits: u8) -> String {
    if step < 0 {
        return String::new();
    }
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_secret(Secret::new(seed.to_vec().into_boxed_slice()))
        .build_noncompliant()
        .generate(step as u64 * STEP_SECONDS)
        .to_string()
}

/// Compares without an early exit, so timing tells nothing about how many digits were right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl TotpSeed {
    pub fn generate() -> Self {
        let mut seed = vec![0u8; SEED_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        Self(seed)
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// A seed as typed from its Base32 text (what `Show secret key` displays).
    pub fn from_base32(text: &str) -> Option<Self> {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        Secret::try_from_base32(clean.trim_end_matches('=')).ok().map(|s| Self(s.as_bytes().to_vec()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The seed as authenticator apps take it when typed in: RFC 4648 Base32 without padding.
    pub fn to_base32(&self) -> String {
        Secret::new(self.0.clone().into_boxed_slice()).to_base32().trim_end_matches('=').to_owned()
    }

    /// The code the device shows during `step`.
    pub fn code_at(&self, step: i64) -> String {
        code_with(&self.0, step, DIGITS)
    }

    /// The step in `from..=to` whose code is `code`, if any (the earliest).
    pub fn find_step(&self, code: &str, from: i64, to: i64) -> Option<i64> {
        (from..=to).find(|&s| same(&self.code_at(s), code))
    }

    /// The `otpauth://` URI authenticator apps read from the QR code.
    pub fn otpauth_uri(&self, issuer: &str, label: &str) -> String {
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
            encode(issuer),
            encode(label),
            self.to_base32(),
            encode(issuer)
        )
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The QR code of `text` as an SVG `data:` URI for an `<img>` (the page's CSP allows `data:` images).
pub fn qr_data_uri(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    Some(format!("data:image/svg+xml;base64,{}", STANDARD.encode(svg)))
}

/// The same QR code as a PNG, as CreateVirtualMFADevice's QRCodePNG carries it: grayscale, four
/// pixels a module, a quiet zone of four modules.
pub fn qr_png(text: &str) -> Option<Vec<u8>> {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let side = (width + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = ((i % width + QUIET) * SCALE, (i / width + QUIET) * SCALE);
            for row in y..y + SCALE {
                pixels[row * side + x..row * side + x + SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    let side = u32::try_from(side).ok()?;
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, seed "12345678901234567890").
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = b"12345678901234567890";
        for (time, code) in [
            (59_i64, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_with(seed, time / 30, 8), code, "T = {time}");
        }
        // Six digits are the last six of the same value.
        assert_eq!(TotpSeed::from_bytes(seed.to_vec()).code_at(1), "287082");
    }

    #[test]
    fn finds_the_step_a_code_belongs_to() {
        let seed = TotpSeed::generate();
        let now = 1_800_000_000 / 30;
        let code = seed.code_at(now + 1);
        assert_eq!(seed.find_step(&code, now - 1, now + 1), Some(now + 1));
        assert_eq!(seed.find_step(&code, now - 1, now), None);
        assert_eq!(seed.find_step("", now - 1, now + 1), None);
    }

    #[test]
    fn base32_and_uri_are_what_authenticator_apps_expect() {
        let seed = TotpSeed::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(seed.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            TotpSeed::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap().as_bytes(),
            seed.as_bytes()
        );
        assert_eq!(
            seed.otpauth_uri("acme", "bob+1@acme"),
            "otpauth://totp/acme:bob%2B1%40acme?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=acme&algorithm=SHA1&digits=6&period=30"
        );
        assert!(!format!("{seed:?}").contains("GEZ"));
        assert!(qr_data_uri("otpauth://totp/x").unwrap().starts_with("data:image/svg+xml;base64,"));
    }

    #[test]
    fn qr_png_is_a_png_of_whole_modules() {
        let png = qr_png("otpauth://totp/phone@demo?secret=JBSWY3DPEHPK3PXP&issuer=demo").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(png.as_slice());
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width % 4, 0, "four pixels a module");
    }
}
