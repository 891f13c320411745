//! Which IP addresses the link checker may connect to. The website URL is partner-controlled, so
//! a name that resolves to the checker's own network (loopback, private ranges, cloud metadata)
//! must never be fetched: that would let a partner file probe the CI runner's surroundings.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP is, as far as fetching from it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddrClass {
    /// A globally routable address: the only kind fetched without the test override.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (site-local).
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// 100.64/10 (carrier-grade NAT).
    Cgnat,
    /// 224/4, ff00::/8, 255.255.255.255.
    Multicast,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// Cloud instance metadata services (169.254.169.254, 100.100.100.200, fd00:ec2::254).
    Metadata,
    /// Documentation, benchmarking, reserved and other special-purpose ranges, and IPv6 tunnel
    /// forms whose embedded IPv4 address cannot be judged (Teredo).
    Reserved,
}

impl AddrClass {
    /// Whether a fetch may connect to such an address.
    pub fn is_public(self) -> bool {
        self == AddrClass::Public
    }
}

/// Classify an address. IPv6 forms that embed an IPv4 address (v4-mapped, v4-compatible, NAT64,
/// 6to4) are judged by the embedded address.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => AddrClass::Metadata,
        _ if ip == Ipv4Addr::new(100, 100, 100, 200) => AddrClass::Metadata,
        (0, ..) => AddrClass::Unspecified,
        (127, ..) => AddrClass::Loopback,
        (10, ..) | (192, 168, _) => AddrClass::Private,
        (172, 16..=31, _) => AddrClass::Private,
        (169, 254, _) => AddrClass::LinkLocal,
        (100, 64..=127, _) => AddrClass::Cgnat,
        (224..=239, ..) => AddrClass::Multicast,
        _ if ip.is_broadcast() => AddrClass::Multicast,
        (240..=255, ..) => AddrClass::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => {
            AddrClass::Reserved
        }
        _ => AddrClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    let s = ip.segments();
    if ip.is_unspecified() {
        return AddrClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddrClass::Loopback;
    }
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return AddrClass::Metadata;
    }
    if let Some(v4) = embedded_v4(&s) {
        return classify_v4(v4);
    }
    match s[0] {
        0xfc00..=0xfdff => AddrClass::Private,
        0xfec0..=0xfeff => AddrClass::Private,
        0xfe80..=0xfebf => AddrClass::LinkLocal,
        0xff00..=0xffff => AddrClass::Multicast,
        // Teredo (2001::/32) hides an obfuscated IPv4 address; documentation 2001:db8::/32.
        0x2001 if s[1] == 0 || s[1] == 0xdb8 => AddrClass::Reserved,
        // Only 2000::/3 is allocated as global unicast; the rest (incl. 100::/64) is not.
        0x2000..=0x3fff => AddrClass::Public,
        _ => AddrClass::Reserved,
    }
}

/// The IPv4 address inside v4-mapped (::ffff:a.b.c.d), v4-compatible (::a.b.c.d), NAT64
/// (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::) addresses.
fn embedded_v4(s: &[u16; 8]) -> Option<Ipv4Addr> {
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0, 0, hi, lo] => Some(v4(*hi, *lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(*hi, *lo)),
        [0x2002, hi, lo, ..] => Some(v4(*hi, *lo)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::AddrClass::*;
    use super::*;

    fn c(s: &str) -> AddrClass {
        classify(s.parse().expect("an IP address"))
    }

    #[test]
    fn ipv4_special_ranges() {
        assert_eq!(c("169.254.169.254"), Metadata);
        assert_eq!(c("100.100.100.200"), Metadata);
        assert_eq!(c("169.254.1.1"), LinkLocal);
        assert_eq!(c("127.0.0.1"), Loopback);
        assert_eq!(c("127.255.255.254"), Loopback);
        assert_eq!(c("10.0.0.1"), Private);
        assert_eq!(c("172.16.0.1"), Private);
        assert_eq!(c("172.31.255.255"), Private);
        assert_eq!(c("192.168.178.1"), Private);
        assert_eq!(c("100.64.0.1"), Cgnat);
        assert_eq!(c("100.127.255.255"), Cgnat);
        assert_eq!(c("0.0.0.0"), Unspecified);
        assert_eq!(c("0.1.2.3"), Unspecified);
        assert_eq!(c("224.0.0.1"), Multicast);
        assert_eq!(c("255.255.255.255"), Multicast);
        assert_eq!(c("240.0.0.1"), Reserved);
        assert_eq!(c("192.0.2.10"), Reserved);
        assert_eq!(c("198.18.0.1"), Reserved);
    }

    #[test]
    fn ipv4_public_neighbours_of_special_ranges() {
        for ip in [
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "169.253.255.255",
            "8.8.8.8",
            "192.169.0.1",
            "223.255.255.255",
        ] {
            assert_eq!(c(ip), Public, "{ip}");
        }
    }

    #[test]
    fn ipv6_special_ranges() {
        assert_eq!(c("::1"), Loopback);
        assert_eq!(c("::"), Unspecified);
        assert_eq!(c("fd00::1"), Private);
        assert_eq!(c("fc00::1"), Private);
        assert_eq!(c("fec0::1"), Private);
        assert_eq!(c("fe80::1"), LinkLocal);
        assert_eq!(c("ff02::1"), Multicast);
        assert_eq!(c("fd00:ec2::254"), Metadata);
        assert_eq!(c("2001:db8::1"), Reserved);
        assert_eq!(c("2001:0:4136:e378:8000:63bf:3fff:fdd2"), Reserved);
        assert_eq!(c("100::1"), Reserved);
        assert_eq!(c("2a00:1450:4001:80b::200e"), Public);
    }

    #[test]
    fn ipv6_forms_with_an_ipv4_inside_are_judged_by_it() {
        assert_eq!(c("::ffff:10.0.0.1"), Private);
        assert_eq!(c("::ffff:127.0.0.1"), Loopback);
        assert_eq!(c("::ffff:169.254.169.254"), Metadata);
        assert_eq!(c("::127.0.0.1"), Loopback);
        assert_eq!(c("64:ff9b::192.168.0.1"), Private);
        assert_eq!(c("2002:a9fe:a9fe::"), Metadata);
        assert_eq!(c("2002:7f00:1::"), Loopback);
        assert_eq!(c("::ffff:8.8.8.8"), Public);
        assert_eq!(c("64:ff9b::8.8.8.8"), Public);
    }
}
