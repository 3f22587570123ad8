//! Records the client's address (the TCP peer) for sign-in throttling. Requests handled in-process
//! without a socket (tests) count as `0.0.0.0`.

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use lanyard_app::ssr::ClientAddr;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub async fn client_addr(mut req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    req.extensions_mut().insert(ClientAddr(ip));
    next.run(req).await
}
