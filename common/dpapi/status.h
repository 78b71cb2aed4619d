// Status codes of the dataplane API: the `status` of every REPLY, and what a decode error says.
//
// Codes are grouped so a reader can tell who found the problem:
//   0        ok
//   1..19    framing: the message as a whole could not be read (the codec, before any item)
//   20..39   validation: an item is out of range (the codec's verify step; REPLY names the item)
//   40..63   the dataplane's tables refused a valid request (server side)
// Codes are part of the wire protocol: never renumber one; new codes take unused numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace tandem::dpapi {

enum class Status : uint16_t {
    ok = 0,

    // Framing.
    truncated = 1,             // fewer bytes than the header or a field needs
    bad_magic = 2,             // not 'TNDM'
    unsupported_version = 3,   // header version (or HELLO range) not spoken by the receiver
    unknown_type = 4,          // message type this version does not define
    bad_length = 5,            // body length field != bytes received, or bytes left over
    bad_flags = 6,             // unknown header flag, flag not allowed on this type, reserved != 0
    too_large = 7,             // over kMaxMessageSize
    bad_count = 8,             // item count cannot fit the body / over a limit

    // Validation of one item (REPLY.item says which).
    bad_enum = 20,             // enum value this version does not define
    bad_algorithm = 21,        // cipher/integrity combination not allowed (AuthAlg none iff GCM)
    bad_key_length = 22,       // key length does not match the algorithm
    bad_value = 23,            // number out of its range (replay window, SPI, lifetimes, ...)
    bad_prefix = 24,           // prefix length > 32 or host bits set
    bad_range = 25,            // first > last (addresses or ports)
    bad_address = 26,          // an address that cannot be used here (0.0.0.0, multicast, ...)
    duplicate = 27,            // the same key twice in one request
    bad_text = 28,             // text field too long

    // Refused by the dataplane.
    hello_required = 40,       // a request before a successful HELLO
    unexpected_message = 41,   // a message the dataplane does not accept (a REPLY, an event, ...)
    unknown_port = 42,         // port number the dataplane does not have
    id_out_of_range = 43,      // sa_id / policy_id over the dataplane's limits (HELLO_INFO)
    exists = 44,               // SA id / inbound SPI already installed, address claimed by another MAC
    not_found = 45,            // delete or query of something not installed
    table_full = 46,           // no room (SA table, FIB, rules)
    sequence_error = 47,       // a POLICY_SET continuation without its start, or for another port
    unsupported = 48,          // valid request the dataplane cannot honour (e.g. no crypto for it)
    internal = 49,             // the dataplane failed (a DPDK call); nothing changed
};

constexpr std::string_view status_name(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::truncated: return "truncated";
    case Status::bad_magic: return "bad_magic";
    case Status::unsupported_version: return "unsupported_version";
    case Status::unknown_type: return "unknown_type";
    case Status::bad_length: return "bad_length";
    case Status::bad_flags: return "bad_flags";
    case Status::too_large: return "too_large";
    case Status::bad_count: return "bad_count";
    case Status::bad_enum: return "bad_enum";
    case Status::bad_algorithm: return "bad_algorithm";
    case Status::bad_key_length: return "bad_key_length";
    case Status::bad_value: return "bad_value";
    case Status::bad_prefix: return "bad_prefix";
    case Status::bad_range: return "bad_range";
    case Status::bad_address: return "bad_address";
    case Status::duplicate: return "duplicate";
    case Status::bad_text: return "bad_text";
    case Status::hello_required: return "hello_required";
    case Status::unexpected_message: return "unexpected_message";
    case Status::unknown_port: return "unknown_port";
    case Status::id_out_of_range: return "id_out_of_range";
    case Status::exists: return "exists";
    case Status::not_found: return "not_found";
    case Status::table_full: return "table_full";
    case Status::sequence_error: return "sequence_error";
    case Status::unsupported: return "unsupported";
    case Status::internal: return "internal";
    }
    return {};  // not a status this version defines
}

constexpr bool is_known(Status s) { return !status_name(s).empty(); }

}  // namespace tandem::dpapi
