// HSRP packets: version 1 (RFC 2281 section 5) and Cisco's version 2 TLV format, as one model.
//
// Model. A Packet holds what either version carries: op code, state, group, priority, hello and
// hold times (milliseconds; v1 carries whole seconds, so a v1 packet's times are multiples of
// 1000), virtual IP, and the authentication it carries (the 8-octet text, the MD5 TLV). The
// version decides the encoding. parse() reads a UDP payload through a bounded WireReader and
// tells the versions apart by the first octet (0: the v1 version field; 1: the v2 Group State
// TLV type); serialize() writes the same packet back; verify() checks what the wire cannot
// (v1 hellotime < holdtime, group range per version, v1 times in whole seconds <= 255 s).
// Computing and checking MD5 digests lives in auth.h; this file only carries the TLV.
//
// Both versions travel on UDP port 1985, v1 to 224.0.0.2 and v2 to 224.0.0.102, TTL 1.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"
#include "common/wire.h"

namespace tandem::hsrp {

inline constexpr uint16_t kUdpPort = 1985;
inline constexpr Ipv4Address kV1Destination{224, 0, 0, 2};
inline constexpr Ipv4Address kV2Destination{224, 0, 0, 102};
inline constexpr size_t kV1Length = 20;  // the fixed v1 packet, before any TLV

enum class Version : uint8_t { v1 = 1, v2 = 2 };
enum class OpCode : uint8_t { hello = 0, coup = 1, resign = 2 };

// The protocol states (RFC 2281 6.1). Their wire codes differ per version, see state_to_wire.
enum class State : uint8_t { initial, learn, listen, speak, standby, active };

std::string_view state_name(State s);          // IOS spelling: "Init", "Learn", ... "Active"
std::string_view op_name(OpCode op);           // "Hello", "Coup", "Resign"
uint8_t state_to_wire(Version v, State s);     // v1: 0 1 2 4 8 16; v2: 1 2 3 4 5 6
std::optional<State> state_from_wire(Version v, uint8_t code);

using MacAddress = std::array<uint8_t, 6>;
// 0000.0c07.acXX (v1, group 0..255) and 0000.0c9f.fXXX (v2, group 0..4095).
MacAddress virtual_mac(Version v, uint16_t group);
std::string mac_dotted(const MacAddress& m);   // Cisco form, "0000.0c07.ac01"

using AuthText = std::array<uint8_t, 8>;
inline constexpr std::string_view kDefaultAuthText = "cisco";
// The string NUL-padded (and cut) to 8 octets, as IOS puts it on the wire.
AuthText auth_text(std::string_view s);

//  MD5 Authentication TLV (type 4), after the v1 packet or among the v2 TLVs:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Type = 4    |  Length = 28  |   Algorithm   |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |             Flags             |     IP Address (of sender)    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   (IP Address, continued)     |            Key ID             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   (Key ID, continued)         |    Authentication Data        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+       (16 octets) ...         |
// TLV lengths count the value only, not the type and length octets.
struct Md5Tlv {
    static constexpr uint8_t kType = 4;
    static constexpr uint8_t kLength = 28;
    uint8_t algorithm = 1;  // 1 = MD5
    uint8_t padding = 0;
    uint16_t flags = 0;
    Ipv4Address sender;
    uint32_t key_id = 0;
    std::array<uint8_t, 16> digest{};
    friend bool operator==(const Md5Tlv&, const Md5Tlv&) = default;
};

// Interface State TLV (v2 type 2, length 4): active groups (16 bits), passive groups (16 bits).
// Read and kept so a packet round-trips; the state machine ignores it.
struct InterfaceStateTlv {
    static constexpr uint8_t kType = 2;
    static constexpr uint8_t kLength = 4;
    uint16_t active_groups = 0;
    uint16_t passive_groups = 0;
    friend bool operator==(const InterfaceStateTlv&, const InterfaceStateTlv&) = default;
};

//  HSRP v1 (RFC 2281 5.1), 20 octets:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Version     |   Op Code     |     State     |   Hellotime   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Holdtime    |   Priority    |     Group     |   Reserved    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Authentication Data                      |
// +                           (8 octets)                          +
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                      Virtual IP Address                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Version 0; times in seconds. With MD5 authentication IOS zeroes the authentication data and
// appends the MD5 TLV above.
//
//  HSRP v2 Group State TLV (type 1, length 40), the first TLV of every v2 packet:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   Type = 1    |  Length = 40  |  Version = 2  |   Op Code     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     State     |  IP Version   |          Group Number         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                   Identifier (sender's MAC,                   |
// +                   6 octets)   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                               |   Priority (32 bits) ...      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ... Priority                |   Hello Time (ms, 32 bits)... |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ... Hello Time              |   Hold Time (ms, 32 bits) ... |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ... Hold Time               |   Virtual IP Address          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   (16 octets; IPv4 in the     |
// |                                    first 4, the rest zero)    |
// Text Authentication TLV: type 3, length 8, the 8-octet string.
// v2 states: 1 Init, 2 Learn, 3 Listen, 4 Speak, 5 Standby, 6 Active. Only IP version 4 is
// accepted (Tandem's data plane is IPv4).
struct Packet {
    Version version = Version::v1;
    OpCode op = OpCode::hello;
    State state = State::initial;
    uint16_t group = 0;
    uint32_t priority = 100;
    uint32_t hello_ms = 3000;
    uint32_t hold_ms = 10000;
    Ipv4Address virtual_ip;          // 0.0.0.0: not known to the sender
    MacAddress identifier{};         // v2 only
    uint8_t reserved = 0;            // v1 only, kept for round trips
    std::optional<AuthText> text;    // v1: the fixed field (always set by parse); v2: TLV 3
    std::optional<Md5Tlv> md5;       // TLV 4, written last
    std::optional<InterfaceStateTlv> interface_state;  // v2 TLV 2
    friend bool operator==(const Packet&, const Packet&) = default;
};

// Why a datagram was not accepted. The daemon keeps a counter per reason.
enum class DropReason : uint8_t {
    truncated,           // a field or TLV runs past the datagram
    bad_version,         // v1 version field not 0, v2 group-state version not 2, neither format
    advertise,           // v1 op code 3 (Advertise, later IOS): recognised, not used
    unknown_op,          // any other op code
    bad_state,           // a state code neither version defines
    bad_tlv,             // TLV with the wrong length, repeated, or the Group State TLV missing
    unsupported_ip_version,  // v2 group state for IPv6
    invalid,             // verify() failed (times, group range)
    auth_mismatch,       // authentication does not match the group's (auth.h / fsm)
    other_group,         // for another group on the interface
    own_packet,          // our own hello looped back
};
inline constexpr size_t kDropReasonCount = 11;
std::string_view drop_reason_name(DropReason r);

Result<Packet, DropReason> parse(std::span<const uint8_t> datagram);
// Appends the packet's encoding; false (and the writer failed) when a field does not fit its
// version's encoding (a v1 priority > 255, say). Call verify() first for a clean packet.
bool serialize(const Packet& p, WireWriter& w);
std::vector<uint8_t> serialize(const Packet& p);
// The semantic checks, with a message naming the field.
Result<void> verify(const Packet& p);

}  // namespace tandem::hsrp
