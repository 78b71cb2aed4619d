// The configuration model: one gateway's interfaces, HSRP standby groups, extended access lists,
// transform sets, IKE settings, crypto maps and dynamic maps, and the dataplane and BIRD settings.
//
// Everything Tandem runs (the dataplane's SPD and FIB, IKE, HSRP, RRI) is compiled from this one
// model. It mirrors Cisco IOS's configuration objects (docs/configuration.md names the IOS command
// behind each field) and is filled either from YAML (yaml_loader.h) or from IOS text
// (ios_import.h); validate.h checks it; the renderers print it back as YAML or IOS text.
//
// Every object carries the SourcePos it was read from, so validation can name file:line:column.
// Positions are not part of a value's identity: two models that differ only in where they were
// read from compare equal (that is what the round-trip tests check).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ipv4.h"

namespace tandem::config {

struct SourcePos {
    std::string file;
    int line = 0;    // 1-based; 0 = unknown
    int column = 0;  // 1-based; 0 = unknown

    std::string str() const;  // "file:line:col", "file:line", or "file"
    friend bool operator==(const SourcePos&, const SourcePos&) { return true; }
};

// Where each field of an object was read (YAML key or IOS command), for diagnostics that point at
// the field itself rather than at the object. Like SourcePos, not part of a value's identity.
class FieldPositions {
public:
    void set(std::string_view field, SourcePos pos);
    const SourcePos* find(std::string_view field) const;
    friend bool operator==(const FieldPositions&, const FieldPositions&) { return true; }

private:
    std::vector<std::pair<std::string, SourcePos>> v_;
};

// The position of obj's `field` when known, else of obj itself.
template <typename T>
const SourcePos& pos_of(const T& obj, std::string_view field) {
    const SourcePos* p = obj.fields.find(field);
    return p ? *p : obj.pos;
}

// ---------------------------------------------------------------- access lists

enum class AclAction : uint8_t { permit, deny };

// One line of an extended access list:
//   permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS] [log]
// `remark TEXT` lines are kept (as is_remark) so that a rendered list reads as it was written.
struct AclEntry {
    SourcePos pos;
    FieldPositions fields;
    bool is_remark = false;
    std::string remark;
    AclAction action = AclAction::permit;
    uint8_t protocol = 0;  // 0 = ip (any protocol)
    Ipv4Wildcard source = Ipv4Wildcard::any();
    PortMatch source_ports;
    Ipv4Wildcard destination = Ipv4Wildcard::any();
    PortMatch destination_ports;
    bool log = false;

    friend bool operator==(const AclEntry&, const AclEntry&) = default;
};

struct AccessList {
    SourcePos pos;
    FieldPositions fields;
    std::string name;  // "101" or a name
    std::vector<AclEntry> entries;
    friend bool operator==(const AccessList&, const AccessList&) = default;
};

// ---------------------------------------------------------------- transforms and IKE

enum class EspCipher : uint8_t { aes_gcm_128, aes_gcm_256, aes_cbc_128, aes_cbc_256 };
enum class EspIntegrity : uint8_t { none, sha1_96, sha256_128, sha384_192, sha512_256 };
enum class TransformMode : uint8_t { tunnel };  // transport is not offered

struct TransformSet {
    SourcePos pos;
    FieldPositions fields;
    std::string name;
    EspCipher cipher = EspCipher::aes_gcm_128;
    EspIntegrity integrity = EspIntegrity::none;  // must be none for GCM, set for CBC
    TransformMode mode = TransformMode::tunnel;
    friend bool operator==(const TransformSet&, const TransformSet&) = default;
};

enum class IkeCipher : uint8_t { aes_gcm_128, aes_gcm_256, aes_cbc_128, aes_cbc_256 };
enum class IkeHash : uint8_t { sha256, sha384, sha512 };  // PRF and integrity (HMAC)

// An IKEv2 proposal (IOS `crypto ikev2 proposal`; `crypto isakmp policy` imports into one).
struct IkeProposal {
    SourcePos pos;
    FieldPositions fields;
    std::string name;
    std::vector<IkeCipher> encryption;
    std::vector<IkeHash> prf;
    std::vector<IkeHash> integrity;  // empty with AEAD ciphers
    std::vector<uint16_t> dh_groups;  // 14, 19, 20, 21, 31
    friend bool operator==(const IkeProposal&, const IkeProposal&) = default;
};

// A pre-shared key for the peers in `peer` (a host or a wildcard prefix; 0.0.0.0/0 = any peer).
// The most specific prefix wins.
struct PresharedKey {
    SourcePos pos;
    FieldPositions fields;
    Ipv4Prefix peer;
    std::string key;
    friend bool operator==(const PresharedKey&, const PresharedKey&) = default;
};

struct Lifetime {
    std::optional<uint32_t> seconds;
    std::optional<uint64_t> kilobytes;
    friend bool operator==(const Lifetime&, const Lifetime&) = default;
};

enum class DpdMode : uint8_t { periodic, on_demand };

// IOS `crypto isakmp keepalive INTERVAL RETRY [periodic|on-demand]` / `crypto ikev2 dpd`.
struct Keepalive {
    SourcePos pos;
    FieldPositions fields;
    uint32_t interval = 10;  // seconds
    uint32_t retry = 2;      // seconds between retries
    DpdMode mode = DpdMode::periodic;
    friend bool operator==(const Keepalive&, const Keepalive&) = default;
};

struct IkeSettings {
    SourcePos pos;
    FieldPositions fields;
    std::vector<IkeProposal> proposals;  // in order of preference
    std::vector<PresharedKey> keys;
    std::optional<uint32_t> lifetime_seconds;  // IKE SA lifetime; default 86400
    std::optional<Keepalive> keepalive;        // DPD; off when absent
    std::optional<uint32_t> nat_keepalive;     // seconds; off when absent
    friend bool operator==(const IkeSettings&, const IkeSettings&) = default;
};

struct IpsecSettings {
    SourcePos pos;
    FieldPositions fields;
    Lifetime lifetime;                         // global default (IOS 3600 s / 4608000 KB)
    std::optional<uint32_t> replay_window;     // packets, 0 = off; default 64, at most 4096
    std::optional<uint16_t> pfs_group;         // global default: none
    friend bool operator==(const IpsecSettings&, const IpsecSettings&) = default;
};

// ---------------------------------------------------------------- crypto maps

// `reverse-route [static | remote-peer ADDR [gateway]] [tag N]`, `set reverse-route tag|distance`.
struct ReverseRoute {
    SourcePos pos;
    FieldPositions fields;
    bool static_routes = false;   // `reverse-route static`: ACL routes always present (explicit)
    bool follow_sa = false;       // static maps: routes follow live SAs (later IOS behaviour)
    std::optional<Ipv4Address> remote_peer;  // next hop instead of the interface
    bool gateway = false;         // `remote-peer ADDR gateway`
    std::optional<uint32_t> tag;
    std::optional<uint8_t> distance;  // administrative distance, default 1
    std::optional<uint32_t> metric;   // routing-protocol metric (OSPF E2 / BGP MED)
    friend bool operator==(const ReverseRoute&, const ReverseRoute&) = default;
};

// What a static or dynamic entry may set.
struct CryptoPolicy {
    std::vector<Ipv4Address> peers;           // `set peer`, in order
    std::vector<std::string> transform_sets;  // `set transform-set`, in order of preference
    std::optional<std::string> match_address; // `match address ACL`
    std::optional<ReverseRoute> reverse_route;
    std::optional<uint16_t> pfs_group;        // `set pfs groupN`
    Lifetime lifetime;                        // `set security-association lifetime`
    std::optional<std::string> ike_proposal;  // restricts IKE to one proposal
    friend bool operator==(const CryptoPolicy&, const CryptoPolicy&) = default;
};

struct CryptoMapEntry {
    SourcePos pos;
    FieldPositions fields;
    uint32_t seq = 0;
    std::optional<std::string> dynamic_map;  // `ipsec-isakmp dynamic NAME`: nothing else is set
    CryptoPolicy policy;
    // `initiate: start`: negotiate this entry's tunnels as soon as the gateway can (and keep them
    // up), instead of on the first matching packet (`initiate: traffic`, IOS's only behaviour).
    bool initiate_at_start = false;
    friend bool operator==(const CryptoMapEntry&, const CryptoMapEntry&) = default;
};

struct CryptoMap {
    SourcePos pos;
    FieldPositions fields;
    std::string name;
    std::vector<CryptoMapEntry> entries;  // sorted by seq
    friend bool operator==(const CryptoMap&, const CryptoMap&) = default;
};

struct DynamicMapEntry {
    SourcePos pos;
    FieldPositions fields;
    uint32_t seq = 0;
    CryptoPolicy policy;
    friend bool operator==(const DynamicMapEntry&, const DynamicMapEntry&) = default;
};

struct DynamicMap {
    SourcePos pos;
    FieldPositions fields;
    std::string name;
    std::vector<DynamicMapEntry> entries;  // sorted by seq
    friend bool operator==(const DynamicMap&, const DynamicMap&) = default;
};

// ---------------------------------------------------------------- interfaces and HSRP

enum class InterfaceRole : uint8_t { outside, inside };

struct StandbyTrack {
    SourcePos pos;
    FieldPositions fields;
    std::optional<uint32_t> object;      // `standby N track OBJECT decrement D`
    std::optional<std::string> interface;  // `standby N track IFNAME D`
    uint8_t decrement = 10;
    friend bool operator==(const StandbyTrack&, const StandbyTrack&) = default;
};

struct StandbyAuth {
    enum class Kind : uint8_t { text, md5 };
    Kind kind = Kind::text;
    std::string key;  // text string (at most 8 chars in v1) or MD5 key string
    friend bool operator==(const StandbyAuth&, const StandbyAuth&) = default;
};

// An HSRP group on an interface (`standby [GROUP] ...`).
struct StandbyGroup {
    SourcePos pos;
    FieldPositions fields;
    uint32_t group = 0;
    std::optional<std::string> name;
    std::optional<Ipv4Address> ip;  // may be learned from the active router when absent
    uint8_t priority = 100;
    bool preempt = false;
    uint32_t preempt_delay_ms = 0;  // `preempt delay minimum S`
    uint32_t hello_ms = 3000;
    uint32_t hold_ms = 10000;
    std::optional<StandbyAuth> auth;
    std::vector<StandbyTrack> track;
    friend bool operator==(const StandbyGroup&, const StandbyGroup&) = default;
};

// `crypto map NAME [redundancy [STANDBY-NAME]]` on an interface.
struct CryptoMapBinding {
    SourcePos pos;
    FieldPositions fields;
    std::string map;
    bool redundancy = false;
    std::optional<std::string> standby_name;  // empty = the interface's only named group
    friend bool operator==(const CryptoMapBinding&, const CryptoMapBinding&) = default;
};

struct Interface {
    SourcePos pos;
    FieldPositions fields;
    std::string name;                  // "FastEthernet0/0", "out0"
    std::optional<std::string> port;   // DPDK: PCI address or vdev devargs
    std::optional<Ipv4InterfaceAddress> address;
    std::optional<InterfaceRole> role;
    uint16_t mtu = 1500;
    uint8_t standby_version = 1;       // `standby version 1|2`, per interface as in IOS
    std::vector<StandbyGroup> standby;
    std::optional<CryptoMapBinding> crypto_map;
    bool shutdown = false;
    friend bool operator==(const Interface&, const Interface&) = default;
};

// A static route the operator configured (`ip route PREFIX MASK NEXTHOP|IFNAME [DISTANCE]`).
struct StaticRoute {
    SourcePos pos;
    FieldPositions fields;
    Ipv4Prefix prefix;
    std::optional<Ipv4Address> next_hop;
    std::optional<std::string> interface;
    uint8_t distance = 1;
    std::optional<uint32_t> tag;
    friend bool operator==(const StaticRoute&, const StaticRoute&) = default;
};

// ---------------------------------------------------------------- processes

enum class PollMode : uint8_t { adaptive, busy };
enum class CryptoDevice : uint8_t { aesni_mb, openssl };

struct DataplaneSettings {
    SourcePos pos;
    FieldPositions fields;
    std::vector<uint32_t> workers;          // worker lcore ids; empty = one, on main_lcore + 1
    uint32_t main_lcore = 0;
    CryptoDevice crypto = CryptoDevice::aesni_mb;
    PollMode poll = PollMode::busy;
    uint32_t mbufs = 8191;                  // per port
    uint32_t mbuf_cache = 256;
    bool hugepages = true;                  // false = --no-huge (tests)
    uint32_t memory_mb = 0;                 // 0 = EAL default
    std::string file_prefix = "tandem";
    std::string api_socket = "/run/tandem/dataplane.sock";
    std::vector<std::string> eal_args;      // passed through verbatim, after Tandem's own
    std::optional<uint32_t> main_cpu;       // CPU of the main lcore's thread; unset = CPU main_lcore
    uint32_t max_sas = 4096;                // SA table size (sa_id < max_sas); one crypto session each
    uint32_t max_policies = 4096;           // policy_id < max_policies
    uint32_t max_routes = 65536;            // FIB routes (the default route not counted)
    friend bool operator==(const DataplaneSettings&, const DataplaneSettings&) = default;
};

struct BirdSettings {
    SourcePos pos;
    FieldPositions fields;
    bool enabled = false;  // tandem-control hands RRI routes to BIRD only when set
    std::string socket = "/run/bird/bird.ctl";
    std::string include_file = "/etc/tandem/bird-rri.conf";
    std::string protocol = "rri";
    friend bool operator==(const BirdSettings&, const BirdSettings&) = default;
};

struct ControlSettings {
    SourcePos pos;
    FieldPositions fields;
    std::string socket = "/run/tandem/control.sock";
    friend bool operator==(const ControlSettings&, const ControlSettings&) = default;
};

// ---------------------------------------------------------------- the whole gateway

struct Config {
    std::string hostname = "tandem";
    std::vector<Interface> interfaces;
    std::vector<AccessList> access_lists;
    std::vector<TransformSet> transform_sets;
    IkeSettings ike;
    IpsecSettings ipsec;
    std::vector<CryptoMap> crypto_maps;
    std::vector<DynamicMap> dynamic_maps;
    std::vector<StaticRoute> routes;
    DataplaneSettings dataplane;
    BirdSettings bird;
    ControlSettings control;

    const AccessList* find_access_list(std::string_view name) const;
    const TransformSet* find_transform_set(std::string_view name) const;
    const CryptoMap* find_crypto_map(std::string_view name) const;
    const DynamicMap* find_dynamic_map(std::string_view name) const;
    const Interface* find_interface(std::string_view name) const;
    const IkeProposal* find_ike_proposal(std::string_view name) const;

    friend bool operator==(const Config&, const Config&) = default;
};

// ---------------------------------------------------------------- names used by every renderer

// The IOS keyword and the YAML spelling of each enum are the same word where IOS has one.
std::string_view to_string(EspCipher);     // "aes-gcm-128"
std::string_view to_string(EspIntegrity);  // "sha256" ("none")
std::string_view to_string(IkeCipher);
std::string_view to_string(IkeHash);
std::string_view to_string(DpdMode);       // "periodic", "on-demand"
std::string_view to_string(InterfaceRole);
std::string_view to_string(PollMode);
std::string_view to_string(CryptoDevice);
std::optional<EspCipher> esp_cipher_from(std::string_view);
std::optional<EspIntegrity> esp_integrity_from(std::string_view);
std::optional<IkeCipher> ike_cipher_from(std::string_view);
std::optional<IkeHash> ike_hash_from(std::string_view);

// DH groups Tandem's IKE implements.
bool dh_group_supported(uint16_t group);

}  // namespace tandem::config
