//! Address ranges as IAM's `IpAddress` condition and the `--trusted-proxies` setting write them:
//! `203.0.113.0/24`, `2001:db8::/32`, or one address. IPv4-mapped IPv6 addresses count as IPv4.

use std::net::IpAddr;

/// One address, IPv4-mapped IPv6 normalised to IPv4 (a dual-stack socket reports `::ffff:a.b.c.d`).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    Some(canonical_ip(s.trim().parse().ok()?))
}

pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    net: IpAddr,
    bits: u32,
}

impl IpRange {
    pub fn parse(s: &str) -> Option<IpRange> {
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u32>().ok()?)),
            None => (s.trim(), None),
        };
        let net = parse_ip(addr)?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(IpRange { net, bits })
    }

    pub fn contains(self, ip: IpAddr) -> bool {
        let mask = |bits: u32, width: u32| if bits == 0 { 0u128 } else { u128::MAX << (width - bits) };
        match (self.net, canonical_ip(ip)) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let m = mask(self.bits, 32) as u32;
                u32::from(n) & m == u32::from(i) & m
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let m = mask(self.bits, 128);
                u128::from(n) & m == u128::from(i) & m
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_their_addresses_only() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains("10.1.2.3".parse().unwrap()));
        assert!(r.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!r.contains("11.0.0.1".parse().unwrap()));
        assert!(IpRange::parse("127.0.0.1").unwrap().contains("127.0.0.1".parse().unwrap()));
        assert!(!IpRange::parse("127.0.0.1").unwrap().contains("127.0.0.2".parse().unwrap()));
        assert!(IpRange::parse("2001:db8::/32").unwrap().contains("2001:db8::1".parse().unwrap()));
        assert_eq!(IpRange::parse("10.0.0.0/33"), None);
        assert_eq!(IpRange::parse("nonsense"), None);
    }
}
