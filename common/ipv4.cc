#include "common/ipv4.h"

#include <array>
#include <charconv>
#include <span>

namespace tandem {

namespace {

// Parses a decimal number with no sign, no leading zeros (except "0") and at most max_digits.
std::optional<uint32_t> parse_decimal(std::string_view s, size_t max_digits) {
    if (s.empty() || s.size() > max_digits) return std::nullopt;
    if (s.size() > 1 && s[0] == '0') return std::nullopt;
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

Result<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    uint32_t v = 0;
    std::string_view rest = text;
    for (int i = 0; i < 4; ++i) {
        size_t dot = rest.find('.');
        std::string_view part = i < 3 ? rest.substr(0, dot) : rest;
        if (i < 3 && dot == std::string_view::npos) {
            return Error("'" + std::string(text) + "' is not an IPv4 address (expected A.B.C.D)");
        }
        auto octet = parse_decimal(part, 3);
        if (!octet || *octet > 255) {
            return Error("'" + std::string(text) + "' is not an IPv4 address (each of A.B.C.D is 0..255)");
        }
        v = (v << 8) | *octet;
        if (i < 3) rest = rest.substr(dot + 1);
    }
    return Ipv4Address(v);
}

std::string Ipv4Address::str() const {
    std::string s;
    s.reserve(15);
    for (int shift = 24; shift >= 0; shift -= 8) {
        s += std::to_string((v_ >> shift) & 0xff);
        if (shift) s += '.';
    }
    return s;
}

std::optional<unsigned> netmask_length(Ipv4Address mask) {
    uint32_t inv = ~mask.value();
    if ((inv & (inv + 1)) != 0) return std::nullopt;
    unsigned len = 0;
    for (uint32_t m = mask.value(); m & 0x80000000u; m <<= 1) ++len;
    return len;
}

namespace {

Result<std::pair<Ipv4Address, unsigned>> split_slash(std::string_view text, const char* what) {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return Error("'" + std::string(text) + "' is not " + what + " (expected A.B.C.D/N)");
    }
    auto a = Ipv4Address::parse(text.substr(0, slash));
    if (!a) return a.error();
    auto len = parse_decimal(text.substr(slash + 1), 2);
    if (!len || *len > 32) {
        return Error("'" + std::string(text) + "': prefix length must be 0..32");
    }
    return std::pair{*a, static_cast<unsigned>(*len)};
}

}  // namespace

Result<Ipv4Prefix> Ipv4Prefix::parse(std::string_view text) {
    auto parts = split_slash(text, "an IPv4 prefix");
    if (!parts) return parts.error();
    auto [a, len] = *parts;
    Ipv4Prefix canonical = containing(a, len);
    if (canonical.address() != a) {
        return Error("'" + std::string(text) + "' has host bits set; the prefix is " + canonical.str());
    }
    return canonical;
}

std::string Ipv4Prefix::str() const { return addr_.str() + "/" + std::to_string(len_); }

std::string Ipv4Prefix::netmask_str() const {
    return addr_.str() + " " + Ipv4Address(mask()).str();
}

Result<Ipv4InterfaceAddress> Ipv4InterfaceAddress::parse(std::string_view text) {
    auto parts = split_slash(text, "an interface address");
    if (!parts) return parts.error();
    return Ipv4InterfaceAddress{parts->first, parts->second};
}

std::string Ipv4InterfaceAddress::str() const {
    return address.str() + "/" + std::to_string(length);
}

std::optional<Ipv4Prefix> Ipv4Wildcard::prefix() const {
    if (!is_contiguous()) return std::nullopt;
    auto len = netmask_length(Ipv4Address(~wild_.value()));
    return Ipv4Prefix(addr_, *len);
}

std::string Ipv4Wildcard::str() const {
    if (is_any()) return "any";
    if (is_host()) return "host " + addr_.str();
    return addr_.str() + " " + wild_.str();
}

Result<Ipv4Address> parse_wildcard_mask(std::string_view text) {
    auto w = Ipv4Address::parse(text);
    if (!w) return w.error();
    uint32_t v = w->value();
    // A netmask (leading ones, then zeros, not all-zero and not all-ones) where a wildcard
    // belongs. 255.255.255.255 ("any") and 0.0.0.0 ("host") are valid wildcards.
    uint32_t inv = ~v;
    bool looks_like_netmask = v != 0 && v != ~0u && (inv & (inv + 1)) == 0 && (v & 0x80000000u);
    if (looks_like_netmask) {
        return Error("wildcard mask " + w->str() + " looks like a subnet mask; access lists take "
                     "the inverse, a wildcard mask: " + Ipv4Address(inv).str());
    }
    return *w;
}

bool PortMatch::matches(uint16_t port) const {
    switch (op) {
        case Op::any: return true;
        case Op::eq: return port == lo;
        case Op::neq: return port != lo;
        case Op::lt: return port < lo;
        case Op::gt: return port > lo;
        case Op::range: return port >= lo && port <= hi;
    }
    return false;
}

std::string PortMatch::str() const {
    switch (op) {
        case Op::any: return "";
        case Op::eq: return "eq " + std::to_string(lo);
        case Op::neq: return "neq " + std::to_string(lo);
        case Op::lt: return "lt " + std::to_string(lo);
        case Op::gt: return "gt " + std::to_string(lo);
        case Op::range: return "range " + std::to_string(lo) + " " + std::to_string(hi);
    }
    return "";
}

namespace {

struct NamedNumber {
    std::string_view name;
    uint16_t number;
};

// The port names IOS prints and accepts for the protocols a VPN gateway's ACLs name most.
constexpr std::array<NamedNumber, 16> tcp_ports{{
    {"bgp", 179}, {"domain", 53}, {"ftp", 21}, {"ftp-data", 20}, {"https", 443}, {"ldap", 389},
    {"pop3", 110}, {"smtp", 25}, {"ssh", 22}, {"telnet", 23}, {"www", 80}, {"http", 80},
    {"imap4", 143}, {"ntp", 123}, {"syslog", 514}, {"tacacs", 49},
}};
constexpr std::array<NamedNumber, 11> udp_ports{{
    {"bootpc", 68}, {"bootps", 67}, {"domain", 53}, {"isakmp", 500}, {"non500-isakmp", 4500},
    {"ntp", 123}, {"snmp", 161}, {"snmptrap", 162}, {"syslog", 514}, {"tftp", 69}, {"rip", 520},
}};
constexpr std::array<NamedNumber, 13> protocols{{
    {"ip", 0}, {"icmp", 1}, {"igmp", 2}, {"ipinip", 4}, {"tcp", 6}, {"udp", 17}, {"gre", 47},
    {"esp", 50}, {"ahp", 51}, {"eigrp", 88}, {"ospf", 89}, {"pim", 103}, {"pcp", 108},
}};

}  // namespace

std::optional<uint16_t> port_by_name(std::string_view name, bool udp) {
    if (auto n = parse_decimal(name, 5)) {
        if (*n <= 65535) return static_cast<uint16_t>(*n);
        return std::nullopt;
    }
    const auto& table = udp ? std::span<const NamedNumber>(udp_ports) : std::span<const NamedNumber>(tcp_ports);
    for (const auto& e : table) {
        if (e.name == name) return e.number;
    }
    return std::nullopt;
}

std::optional<uint8_t> protocol_by_name(std::string_view name) {
    if (auto n = parse_decimal(name, 3)) {
        if (*n <= 255) return static_cast<uint8_t>(*n);
        return std::nullopt;
    }
    for (const auto& e : protocols) {
        if (e.name == name) return static_cast<uint8_t>(e.number);
    }
    return std::nullopt;
}

std::string protocol_name(uint8_t proto) {
    for (const auto& e : protocols) {
        if (e.number == proto) return std::string(e.name);
    }
    return std::to_string(proto);
}

}  // namespace tandem
