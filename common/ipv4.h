// IPv4 value types: addresses, prefixes, Cisco address/wildcard pairs, ranges and port matches.
//
// Addresses are held in host byte order (so comparisons and ranges are plain integer arithmetic);
// converting to and from network order happens only at the wire (see wire.h).
//
// Cisco access lists name addresses as `any`, `host A`, or `A W` where W is a wildcard mask:
// a 1 bit means "don't care". A wildcard is *contiguous* when its 1 bits are the low bits
// (0.0.0.255, 0.0.255.255), i.e. when it is the inverse of a netmask; only contiguous wildcards
// describe a prefix, and only prefixes can be IPsec traffic selectors or routes. Tandem keeps
// discontiguous wildcards representable (IOS accepts them) so that validation can say precisely
// why one cannot be used.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tandem {

class Ipv4Address {
public:
    constexpr Ipv4Address() = default;
    constexpr explicit Ipv4Address(uint32_t host_order) : v_(host_order) {}
    constexpr Ipv4Address(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
        : v_((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d) {}

    // Strict dotted quad: four decimal octets 0..255, no leading zeros (they read as octal
    // elsewhere), no spaces.
    static Result<Ipv4Address> parse(std::string_view text);

    constexpr uint32_t value() const { return v_; }
    std::string str() const;

    constexpr bool is_unspecified() const { return v_ == 0; }
    constexpr bool is_multicast() const { return (v_ >> 28) == 0xe; }
    constexpr bool is_loopback() const { return (v_ >> 24) == 127; }
    constexpr bool is_broadcast() const { return v_ == 0xffffffffu; }

    friend constexpr auto operator<=>(Ipv4Address, Ipv4Address) = default;

private:
    uint32_t v_ = 0;
};

// Netmask for a prefix length 0..32 (host order).
constexpr uint32_t prefix_mask(unsigned len) {
    return len == 0 ? 0u : ~uint32_t{0} << (32 - len);
}

// Prefix length of a contiguous netmask (255.255.255.0 -> 24), or nullopt.
std::optional<unsigned> netmask_length(Ipv4Address mask);

class Ipv4Prefix {
public:
    constexpr Ipv4Prefix() = default;
    // The address must have no bits set past the prefix length (see parse / make).
    constexpr Ipv4Prefix(Ipv4Address a, unsigned len) : addr_(a), len_(static_cast<uint8_t>(len)) {}

    // "A.B.C.D/N". Host bits set past /N are an error naming the canonical prefix.
    static Result<Ipv4Prefix> parse(std::string_view text);
    // Canonicalises: host bits are cleared.
    static Ipv4Prefix containing(Ipv4Address a, unsigned len) {
        return Ipv4Prefix(Ipv4Address(a.value() & prefix_mask(len)), len);
    }

    constexpr Ipv4Address address() const { return addr_; }
    constexpr unsigned length() const { return len_; }
    constexpr uint32_t mask() const { return prefix_mask(len_); }
    constexpr Ipv4Address first() const { return addr_; }
    constexpr Ipv4Address last() const { return Ipv4Address(addr_.value() | ~mask()); }
    constexpr bool contains(Ipv4Address a) const { return (a.value() & mask()) == addr_.value(); }
    constexpr bool contains(const Ipv4Prefix& p) const {
        return p.len_ >= len_ && contains(p.addr_);
    }
    constexpr bool is_default() const { return len_ == 0; }

    std::string str() const;                  // "10.0.0.0/8"
    std::string netmask_str() const;          // "10.0.0.0 255.0.0.0"

    friend constexpr auto operator<=>(const Ipv4Prefix&, const Ipv4Prefix&) = default;

private:
    Ipv4Address addr_;
    uint8_t len_ = 0;
};

// An interface address: host address plus the length of its subnet ("192.168.0.2/24").
struct Ipv4InterfaceAddress {
    Ipv4Address address;
    unsigned length = 32;

    static Result<Ipv4InterfaceAddress> parse(std::string_view text);
    Ipv4Prefix subnet() const { return Ipv4Prefix::containing(address, length); }
    std::string str() const;
    friend bool operator==(const Ipv4InterfaceAddress&, const Ipv4InterfaceAddress&) = default;
};

struct Ipv4Range {
    Ipv4Address first;
    Ipv4Address last;
    friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

// A Cisco address match: `any`, `host A` or `A W`.
class Ipv4Wildcard {
public:
    constexpr Ipv4Wildcard() = default;  // any
    constexpr Ipv4Wildcard(Ipv4Address a, Ipv4Address wildcard)
        : addr_(Ipv4Address(a.value() & ~wildcard.value())), wild_(wildcard) {}
    static constexpr Ipv4Wildcard any() { return Ipv4Wildcard(Ipv4Address(), Ipv4Address(~0u)); }
    static constexpr Ipv4Wildcard host(Ipv4Address a) { return Ipv4Wildcard(a, Ipv4Address()); }
    static constexpr Ipv4Wildcard from_prefix(const Ipv4Prefix& p) {
        return Ipv4Wildcard(p.address(), Ipv4Address(~p.mask()));
    }

    constexpr Ipv4Address address() const { return addr_; }
    constexpr Ipv4Address wildcard() const { return wild_; }
    constexpr bool is_any() const { return wild_.value() == ~0u; }
    constexpr bool is_host() const { return wild_.value() == 0; }
    // True when the don't-care bits are the low bits, i.e. the match is one prefix.
    constexpr bool is_contiguous() const { return (wild_.value() & (wild_.value() + 1)) == 0; }
    std::optional<Ipv4Prefix> prefix() const;
    constexpr bool matches(Ipv4Address a) const {
        return (a.value() & ~wild_.value()) == addr_.value();
    }

    std::string str() const;  // "any", "host 10.0.0.1", "10.0.0.0 0.0.0.255"

    friend constexpr bool operator==(const Ipv4Wildcard&, const Ipv4Wildcard&) = default;

private:
    Ipv4Address addr_;
    Ipv4Address wild_{~0u};
};

// Checks a wildcard mask as typed by a person: a netmask typed where a wildcard belongs
// (255.255.255.0) is the classic mistake; it gets an error that names the wildcard meant.
// Discontiguous wildcards are accepted here (IOS accepts them); users that need a prefix check
// is_contiguous().
Result<Ipv4Address> parse_wildcard_mask(std::string_view text);

// Transport port match of an extended ACL entry: eq, neq, lt, gt, range.
struct PortMatch {
    enum class Op : uint8_t { any, eq, neq, lt, gt, range };
    Op op = Op::any;
    uint16_t lo = 0;  // eq/neq/lt/gt operand, or range start
    uint16_t hi = 0;  // range end

    bool is_any() const { return op == Op::any; }
    bool matches(uint16_t port) const;
    std::string str() const;  // "", "eq 443", "range 1000 2000"
    friend bool operator==(const PortMatch&, const PortMatch&) = default;
};

struct PortRange {
    uint16_t lo = 0;
    uint16_t hi = 65535;
    friend bool operator==(const PortRange&, const PortRange&) = default;
};

// Well-known port names IOS accepts in ACLs (www, domain, isakmp, non500-isakmp, ...).
std::optional<uint16_t> port_by_name(std::string_view name, bool udp);
// IP protocol keywords (ip, tcp, udp, icmp, esp, ahp, gre, ospf, ...); "ip" is 0 = any.
std::optional<uint8_t> protocol_by_name(std::string_view name);
std::string protocol_name(uint8_t proto);  // "tcp", or the number

}  // namespace tandem
