// Internal to the codec: wire layout of the API's objects (SaParams, PolicyRule, Route, ...) and
// of the parse context shared by the message codec. docs/dataplane-api.md draws each layout.
//
// Parsing here is structural only: it fails on a field that does not fit (truncated), a reserved
// byte that is not zero or an unknown flag bit (bad_flags), and a value that cannot be represented
// (a key longer than its array, a prefix longer than 32: bad_key_length, bad_prefix). Enum values
// are stored as read and judged by verify.cc, with everything else a value can be wrong about.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/dpapi/codec.h"
#include "common/dpapi/messages.h"
#include "common/wire.h"

namespace tandem::dpapi::detail {

// Parser state: the reader plus the first structural fault (which also fails the reader, so
// everything after it reads as zeros and is discarded).
struct Parser {
    explicit Parser(std::span<const uint8_t> body, uint16_t v = kMaxVersion) : r(body), version(v) {}
    WireReader r;
    uint16_t version;                   // the header's: bodies that differ by version read by it
    uint32_t item = kNoItem;            // item being read, for error reports
    std::optional<CodecError> fault;

    void fail(Status s, std::string text) {
        if (!fault) fault = CodecError{s, item, std::move(text), 0};
        r.fail();
    }
    void reserved_zero(uint64_t v, const char* what) {
        if (v != 0 && r.ok()) fail(Status::bad_flags, std::string(what) + ": reserved bits not zero");
    }
};

// Fixed wire sizes (bytes).
inline constexpr size_t kSaFixedSize = 96;          // + cipher key + auth key
inline constexpr size_t kSaMaxSize = kSaFixedSize + 32 + 64;
inline constexpr size_t kPolicyRuleSize = 32;
inline constexpr size_t kRouteSize = 12;
inline constexpr size_t kRouteListItemSize = 16;    // version 2 ROUTE_LIST: + origin, reserved
inline constexpr size_t kPrefixSize = 5;
inline constexpr size_t kVaddrSize = 12;
inline constexpr size_t kVaddrRefSize = 8;
inline constexpr size_t kIdSize = 4;
inline constexpr size_t kPortStatsSize = 68;
inline constexpr size_t kSaStatsSize = 68;
inline constexpr size_t kWorkerStatsSize = 36;
inline constexpr size_t kListHeaderSize = 4;        // count u16, reserved u16 (or port u16, count u16)

// SaParams flag bits.
inline constexpr uint8_t kSaFlagEsn = 0x01;
inline constexpr uint8_t kSaFlagNatt = 0x02;

void write_sa(WireWriter& w, const SaParams& sa);
void read_sa(Parser& p, SaParams& sa);
void write_policy(WireWriter& w, const PolicyRule& rule);
void read_policy(Parser& p, PolicyRule& rule);
void write_route(WireWriter& w, const Route& route);
void read_route(Parser& p, Route& route);
void write_route_with_origin(WireWriter& w, const Route& route);
void read_route_with_origin(Parser& p, Route& route);
void write_prefix(WireWriter& w, const Ipv4Prefix& prefix);
void read_prefix(Parser& p, Ipv4Prefix& prefix);
void write_vaddr(WireWriter& w, const VirtualAddress& v);
void read_vaddr(Parser& p, VirtualAddress& v);
void write_vaddr_ref(WireWriter& w, const VaddrRef& v);
void read_vaddr_ref(Parser& p, VaddrRef& v);
void write_id(WireWriter& w, uint32_t id);
void read_id(Parser& p, uint32_t& id);
void write_port_stats(WireWriter& w, const PortStats& s);
void read_port_stats(Parser& p, PortStats& s);
void write_sa_stats(WireWriter& w, const SaStats& s);
void read_sa_stats(Parser& p, SaStats& s);
void write_worker_stats(WireWriter& w, const WorkerStats& s);
void read_worker_stats(Parser& p, WorkerStats& s);

// The encoder without verify(): for tests and fuzzing, which need invalid messages on the wire to
// check that the decoder refuses them. False when the message does not fit kMaxMessageSize.
bool encode_unverified(const Message& m, std::vector<uint8_t>& out);

// Text: u16 length + bytes. Parsing takes at most max_length bytes (bad_text beyond).
void write_text(WireWriter& w, const std::string& s);
void read_text(Parser& p, std::string& s, size_t max_length);

}  // namespace tandem::dpapi::detail
