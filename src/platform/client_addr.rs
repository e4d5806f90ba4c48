//! Who the client is, behind reverse proxies the operator trusts.
//!
//! The TCP peer is the client unless it is a trusted proxy
//! (`EVISTREAM_TRUSTED_PROXIES`); then `X-Forwarded-For` (or, without it,
//! `Forwarded: for=`) is read from the right, skipping trusted hops, and the
//! first address that is not a trusted proxy is the client. A header sent by
//! anyone else changes nothing, so a client cannot pick the address it is
//! throttled or audited under.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use ipnet::IpNet;

pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|network| network.contains(ip));
    let peer_ip = canonical(peer.ip());
    if !is_trusted(&peer_ip) {
        return peer_ip;
    }
    let mut hops = forwarded_for(headers);
    if hops.is_empty() {
        return peer_ip;
    }
    // Rightmost first: each trusted proxy appended the address it saw.
    while let Some(hop) = hops.pop() {
        if !is_trusted(&hop) {
            return hop;
        }
        if hops.is_empty() {
            return hop;
        }
    }
    peer_ip
}

/// The addresses of `X-Forwarded-For` (all its headers, in order), else of
/// `Forwarded`'s `for=` parameters. Unparseable entries (obfuscated
/// identifiers, `unknown`) end the list there: nothing left of them can be
/// trusted to be in order.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    let items: Vec<String> = if !xff.is_empty() {
        xff.into_iter().map(str::to_owned).collect()
    } else {
        headers
            .get_all(http::header::FORWARDED)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| value.trim().trim_matches('"').to_owned())
                })
            })
            .collect()
    };
    let parsed: Vec<Option<IpAddr>> = items.iter().map(|item| parse_hop(item)).collect();
    // Keep only the trustworthy tail: after the last entry we cannot read.
    let start = parsed
        .iter()
        .rposition(Option::is_none)
        .map_or(0, |last_bad| last_bad + 1);
    parsed[start..].iter().flatten().copied().collect()
}

/// `203.0.113.7`, `203.0.113.7:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_hop(item: &str) -> Option<IpAddr> {
    if let Ok(ip) = item.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(addr) = item.parse::<SocketAddr>() {
        return Some(canonical(addr.ip()));
    }
    let bracketed = item.strip_prefix('[')?;
    let inner = bracketed.split(']').next()?;
    inner.parse::<IpAddr>().ok().map(canonical)
}

/// IPv4 seen through an IPv6 socket (`::ffff:10.0.0.1`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|item| item.parse().unwrap()).collect()
    }

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 4000)
    }

    #[test]
    fn headers_from_an_untrusted_peer_change_nothing() {
        let spoofed = headers(&[("x-forwarded-for", "198.51.100.9")]);
        let ip = client_ip(peer("203.0.113.5"), &spoofed, &nets(&["10.0.0.0/8"]));
        assert_eq!(ip, "203.0.113.5".parse::<IpAddr>().unwrap());
        // No trusted proxies configured: the same.
        let ip = client_ip(peer("10.0.0.2"), &spoofed, &[]);
        assert_eq!(ip, "10.0.0.2".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_are_skipped() {
        // The client sent a fake first hop; the proxy appended the real address.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.9")]);
        let ip = client_ip(peer("10.0.0.2"), &chain, &nets(&["10.0.0.0/8"]));
        assert_eq!(ip, "198.51.100.9".parse::<IpAddr>().unwrap());
        // Two trusted proxies in a row.
        let chain = headers(&[("x-forwarded-for", "198.51.100.9, 10.1.1.1")]);
        let ip = client_ip(peer("10.0.0.2"), &chain, &nets(&["10.0.0.0/8"]));
        assert_eq!(ip, "198.51.100.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let chain = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\"",
        )]);
        let ip = client_ip(peer("127.0.0.1"), &chain, &nets(&["127.0.0.1/32"]));
        assert_eq!(ip, "2001:db8:cafe::17".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn an_unreadable_hop_stops_the_walk_and_mapped_ipv4_is_plain() {
        let chain = headers(&[("x-forwarded-for", "198.51.100.9, unknown, 10.1.1.1")]);
        // Everything left of "unknown" is ignored; only trusted hops remain.
        let ip = client_ip(peer("::ffff:10.0.0.2"), &chain, &nets(&["10.0.0.0/8"]));
        assert_eq!(ip, "10.1.1.1".parse::<IpAddr>().unwrap());
    }
}
