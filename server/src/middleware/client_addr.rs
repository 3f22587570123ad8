//! Records the client's address for sign-in throttling, `aws:SourceIp` and the records: the TCP
//! peer, or — when the peer is a trusted proxy — the address that proxy says it served, read from
//! `X-Forwarded-For` right to left and stopping at the first hop that is not trusted (entries to
//! the left of it are whatever the client chose to send). Requests handled in-process without a
//! socket (tests) count as `0.0.0.0`.

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use lanyard_app::ssr::ClientAddr;
use lanyard_iam::domain::{canonical_ip, parse_ip, IpRange};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose `X-Forwarded-For` is believed (`--trusted-proxies`).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpRange>>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical_ip(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            match parse_ip(hop) {
                Some(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                None => break,
            }
        }
        client
    }
}

pub async fn client_addr(State(trusted): State<TrustedProxies>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let ip = trusted.client(peer, req.headers());
    req.extensions_mut().insert(ClientAddr(ip));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// Attack: a client sends its own `X-Forwarded-For` to pick the address its guesses are
    /// charged to (and to dodge the per-address sign-in lock).
    #[test]
    fn attack_forged_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("198.51.100.7"), &headers(&["203.0.113.1"])), ip("198.51.100.7"));
        let lb = TrustedProxies(Arc::new(vec![IpRange::parse("10.0.0.0/8").unwrap()]));
        // Not from the balancer: the header is the client's own words.
        assert_eq!(lb.client(ip("198.51.100.7"), &headers(&["203.0.113.1"])), ip("198.51.100.7"));
        // Through the balancer, a forged left part is skipped: the balancer appended the real peer.
        assert_eq!(lb.client(ip("10.0.0.2"), &headers(&["203.0.113.1, 198.51.100.7"])), ip("198.51.100.7"));
        // Two trusted hops, and the header split over two lines.
        assert_eq!(lb.client(ip("10.0.0.2"), &headers(&["198.51.100.7", "10.0.0.3"])), ip("198.51.100.7"));
        // Garbage stops the walk at the last address a trusted hop vouched for.
        assert_eq!(lb.client(ip("10.0.0.2"), &headers(&["nonsense"])), ip("10.0.0.2"));
        assert_eq!(lb.client(ip("::ffff:10.0.0.2"), &headers(&["198.51.100.7"])), ip("198.51.100.7"));
    }
}
