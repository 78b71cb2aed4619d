// HSRP v1 / v2 encoding and decoding (see packet.h for the formats).
#include "controlplane/hsrp/packet.h"

#include <cstdio>

namespace tandem::hsrp {

namespace {

constexpr uint8_t kGroupStateType = 1;
constexpr uint8_t kGroupStateLength = 40;
constexpr uint8_t kTextAuthType = 3;
constexpr uint8_t kTextAuthLength = 8;
constexpr uint8_t kV1AdvertiseOp = 3;

constexpr uint8_t kV1StateCodes[] = {0, 1, 2, 4, 8, 16};

Result<OpCode, DropReason> op_from_wire(uint8_t code, Version v) {
    if (code <= 2) return static_cast<OpCode>(code);
    if (v == Version::v1 && code == kV1AdvertiseOp) return DropReason::advertise;
    return DropReason::unknown_op;
}

Md5Tlv read_md5(WireReader& r) {
    Md5Tlv m;
    m.algorithm = r.u8();
    m.padding = r.u8();
    m.flags = r.u16();
    m.sender = Ipv4Address(r.u32());
    m.key_id = r.u32();
    auto d = r.bytes(m.digest.size());
    if (r.ok()) std::copy(d.begin(), d.end(), m.digest.begin());
    return m;
}

void write_md5(const Md5Tlv& m, WireWriter& w) {
    w.u8(Md5Tlv::kType);
    w.u8(Md5Tlv::kLength);
    w.u8(m.algorithm);
    w.u8(m.padding);
    w.u16(m.flags);
    w.u32(m.sender.value());
    w.u32(m.key_id);
    w.bytes(m.digest);
}

AuthText read_text(WireReader& r) {
    AuthText t{};
    auto b = r.bytes(t.size());
    if (r.ok()) std::copy(b.begin(), b.end(), t.begin());
    return t;
}

// The TLVs that may follow a v1 packet: MD5 (kept); anything else is skipped within its length.
Result<Packet, DropReason> parse_v1(WireReader& r) {
    Packet p;
    p.version = Version::v1;
    const uint8_t version = r.u8();
    const uint8_t op = r.u8();
    const uint8_t state = r.u8();
    const uint8_t hello = r.u8();
    const uint8_t hold = r.u8();
    p.priority = r.u8();
    p.group = r.u8();
    p.reserved = r.u8();
    p.text = read_text(r);
    p.virtual_ip = Ipv4Address(r.u32());
    if (!r.ok()) return DropReason::truncated;
    if (version != 0) return DropReason::bad_version;
    auto o = op_from_wire(op, Version::v1);
    if (!o) return o.error();
    p.op = *o;
    auto s = state_from_wire(Version::v1, state);
    if (!s) return DropReason::bad_state;
    p.state = *s;
    p.hello_ms = uint32_t{hello} * 1000;
    p.hold_ms = uint32_t{hold} * 1000;

    while (r.remaining() > 0) {
        const uint8_t type = r.u8();
        const uint8_t len = r.u8();
        WireReader v = r.sub(len);
        if (!r.ok()) return DropReason::truncated;
        if (type == Md5Tlv::kType) {
            if (len != Md5Tlv::kLength || p.md5) return DropReason::bad_tlv;
            p.md5 = read_md5(v);
        }
    }
    return p;
}

Result<Packet, DropReason> parse_v2(WireReader& r) {
    Packet p;
    p.version = Version::v2;
    bool have_group_state = false;
    while (r.remaining() > 0) {
        const uint8_t type = r.u8();
        const uint8_t len = r.u8();
        WireReader v = r.sub(len);
        if (!r.ok()) return DropReason::truncated;
        switch (type) {
        case kGroupStateType: {
            if (len != kGroupStateLength || have_group_state) return DropReason::bad_tlv;
            have_group_state = true;
            const uint8_t version = v.u8();
            const uint8_t op = v.u8();
            const uint8_t state = v.u8();
            const uint8_t ip_version = v.u8();
            p.group = v.u16();
            auto id = v.bytes(p.identifier.size());
            if (v.ok()) std::copy(id.begin(), id.end(), p.identifier.begin());
            p.priority = v.u32();
            p.hello_ms = v.u32();
            p.hold_ms = v.u32();
            p.virtual_ip = Ipv4Address(v.u32());
            v.skip(12);  // the rest of the 16-octet address field (IPv4 uses 4)
            if (!v.at_end()) return DropReason::truncated;
            if (version != 2) return DropReason::bad_version;
            if (ip_version != 4) return DropReason::unsupported_ip_version;
            auto o = op_from_wire(op, Version::v2);
            if (!o) return o.error();
            p.op = *o;
            auto s = state_from_wire(Version::v2, state);
            if (!s) return DropReason::bad_state;
            p.state = *s;
            break;
        }
        case InterfaceStateTlv::kType:
            if (len != InterfaceStateTlv::kLength || p.interface_state) return DropReason::bad_tlv;
            p.interface_state = InterfaceStateTlv{v.u16(), v.u16()};
            break;
        case kTextAuthType:
            if (len != kTextAuthLength || p.text) return DropReason::bad_tlv;
            p.text = read_text(v);
            break;
        case Md5Tlv::kType:
            if (len != Md5Tlv::kLength || p.md5) return DropReason::bad_tlv;
            p.md5 = read_md5(v);
            break;
        default:
            break;  // unknown TLV: skipped within its length
        }
        if (!have_group_state) return DropReason::bad_tlv;  // must come first
    }
    if (!have_group_state) return DropReason::truncated;
    return p;
}

}  // namespace

std::string_view state_name(State s) {
    switch (s) {
    case State::initial: return "Init";
    case State::learn: return "Learn";
    case State::listen: return "Listen";
    case State::speak: return "Speak";
    case State::standby: return "Standby";
    case State::active: return "Active";
    }
    return "?";
}

std::string_view op_name(OpCode op) {
    switch (op) {
    case OpCode::hello: return "Hello";
    case OpCode::coup: return "Coup";
    case OpCode::resign: return "Resign";
    }
    return "?";
}

uint8_t state_to_wire(Version v, State s) {
    const auto i = static_cast<uint8_t>(s);
    return v == Version::v1 ? kV1StateCodes[i] : static_cast<uint8_t>(i + 1);
}

std::optional<State> state_from_wire(Version v, uint8_t code) {
    if (v == Version::v2) {
        if (code < 1 || code > 6) return std::nullopt;
        return static_cast<State>(code - 1);
    }
    for (uint8_t i = 0; i < sizeof kV1StateCodes; ++i) {
        if (kV1StateCodes[i] == code) return static_cast<State>(i);
    }
    return std::nullopt;
}

MacAddress virtual_mac(Version v, uint16_t group) {
    if (v == Version::v1) return {0x00, 0x00, 0x0c, 0x07, 0xac, static_cast<uint8_t>(group)};
    return {0x00, 0x00, 0x0c, 0x9f, static_cast<uint8_t>(0xf0 | ((group >> 8) & 0x0f)),
            static_cast<uint8_t>(group)};
}

std::string mac_dotted(const MacAddress& m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

AuthText auth_text(std::string_view s) {
    AuthText t{};
    for (size_t i = 0; i < t.size() && i < s.size(); ++i) t[i] = static_cast<uint8_t>(s[i]);
    return t;
}

std::string_view drop_reason_name(DropReason r) {
    switch (r) {
    case DropReason::truncated: return "truncated";
    case DropReason::bad_version: return "bad-version";
    case DropReason::advertise: return "advertise";
    case DropReason::unknown_op: return "unknown-op";
    case DropReason::bad_state: return "bad-state";
    case DropReason::bad_tlv: return "bad-tlv";
    case DropReason::unsupported_ip_version: return "unsupported-ip-version";
    case DropReason::invalid: return "invalid";
    case DropReason::auth_mismatch: return "auth-mismatch";
    case DropReason::other_group: return "other-group";
    case DropReason::own_packet: return "own-packet";
    }
    return "?";
}

Result<Packet, DropReason> parse(std::span<const uint8_t> datagram) {
    WireReader r(datagram);
    if (datagram.empty()) return DropReason::truncated;
    if (datagram[0] == 0) return parse_v1(r);
    if (datagram[0] == kGroupStateType) return parse_v2(r);
    return DropReason::bad_version;
}

bool serialize(const Packet& p, WireWriter& w) {
    if (p.version == Version::v1) {
        if (p.priority > 0xff || p.group > 0xff || p.hello_ms % 1000 || p.hold_ms % 1000 ||
            p.hello_ms / 1000 > 0xff || p.hold_ms / 1000 > 0xff || p.interface_state) {
            w.fail();
            return false;
        }
        w.u8(0);
        w.u8(static_cast<uint8_t>(p.op));
        w.u8(state_to_wire(p.version, p.state));
        w.u8(static_cast<uint8_t>(p.hello_ms / 1000));
        w.u8(static_cast<uint8_t>(p.hold_ms / 1000));
        w.u8(static_cast<uint8_t>(p.priority));
        w.u8(static_cast<uint8_t>(p.group));
        w.u8(p.reserved);
        if (p.text) {
            w.bytes(*p.text);
        } else {
            w.zeros(8);
        }
        w.u32(p.virtual_ip.value());
        if (p.md5) write_md5(*p.md5, w);
        return w.ok();
    }
    w.u8(kGroupStateType);
    w.u8(kGroupStateLength);
    w.u8(2);
    w.u8(static_cast<uint8_t>(p.op));
    w.u8(state_to_wire(p.version, p.state));
    w.u8(4);
    w.u16(p.group);
    w.bytes(p.identifier);
    w.u32(p.priority);
    w.u32(p.hello_ms);
    w.u32(p.hold_ms);
    w.u32(p.virtual_ip.value());
    w.zeros(12);
    if (p.interface_state) {
        w.u8(InterfaceStateTlv::kType);
        w.u8(InterfaceStateTlv::kLength);
        w.u16(p.interface_state->active_groups);
        w.u16(p.interface_state->passive_groups);
    }
    if (p.text) {
        w.u8(kTextAuthType);
        w.u8(kTextAuthLength);
        w.bytes(*p.text);
    }
    if (p.md5) write_md5(*p.md5, w);
    return w.ok();
}

std::vector<uint8_t> serialize(const Packet& p) {
    std::vector<uint8_t> out;
    WireWriter w(out);
    if (!serialize(p, w)) out.clear();
    return out;
}

Result<void> verify(const Packet& p) {
    if (p.version == Version::v1) {
        if (p.group > 255) return Error("group " + std::to_string(p.group) + " is out of range (0..255 in version 1)");
        if (p.priority > 255) return Error("priority " + std::to_string(p.priority) + " is out of range (0..255)");
        if (p.hello_ms % 1000 || p.hold_ms % 1000 || p.hold_ms > 255000) {
            return Error("version 1 carries whole seconds up to 255");
        }
    } else {
        if (p.group > 4095) return Error("group " + std::to_string(p.group) + " is out of range (0..4095 in version 2)");
    }
    // Times only mean something in hellos (RFC 2281 5.1).
    if (p.op == OpCode::hello) {
        if (p.hello_ms == 0) return Error("hello time is zero");
        if (p.hello_ms >= p.hold_ms) {
            return Error("hold time " + std::to_string(p.hold_ms) + " ms is not greater than hello time " +
                         std::to_string(p.hello_ms) + " ms");
        }
    }
    if (p.md5 && p.md5->algorithm != 1) return Error("MD5 TLV algorithm " + std::to_string(p.md5->algorithm) + " is not MD5 (1)");
    return ok_result();
}

}  // namespace tandem::hsrp
