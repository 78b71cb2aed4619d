// Why an IKEv2 message, or one payload of it, was refused, and what a responder should answer.
//
// Parsing (structure: lengths, counts, links) and verification (values: nonce sizes, proposal
// numbering, SPI sizes, selector ranges) both fail with a ParseError. The reason is an enum with
// a dense range, so the layer above can keep one drop counter per reason and log each one
// rate-limited. `offset` is the byte offset at which a parse error was found, counted from the
// start of the span given to the parser (parse_message: the start of the IKE header);
// verification errors leave it 0. `payload` names the payload being parsed or verified -- for
// unsupported_critical_payload it is the unknown type itself.
//
// notify_for() maps a reason to the error notify RFC 7296 3.10.1 names for it. Whether it is sent
// at all (a responder answers only requests, and INVALID_SYNTAX only inside a protected exchange)
// is the state machine's decision, not the codec's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/ike/wire/constants.h"

namespace tandem::ike {

enum class ParseReason : uint8_t {
    // Structure.
    truncated,                      // a field or a length runs past the bytes there are
    bad_length,                     // a length field below its minimum or disagreeing with the data
    trailing_data,                  // bytes left after the last payload or inside a structure
    bad_major_version,              // major version above 2
    legacy_major_version,           // major version below 2 (IKEv1): drop silently
    unsupported_critical_payload,   // unknown payload type with the critical bit set
    encrypted_not_last,             // SK/SKF followed by more bytes
    unexpected_encrypted,           // SK/SKF inside a decrypted payload chain
    bad_substructure,               // proposal/transform "last substructure" or count mismatch
    // Values (verify()).
    bad_header,                     // header values that no valid message carries
    bad_nonce_length,
    bad_ke_data,
    bad_proposal_number,
    bad_protocol,
    bad_spi_size,
    bad_transform,
    bad_attribute,
    bad_id,
    bad_auth,
    bad_notify,
    bad_delete,
    bad_selector,
    bad_fragment,
    count_                          // number of reasons, for counter arrays
};

inline constexpr size_t kParseReasonCount = static_cast<size_t>(ParseReason::count_);

const char* reason_name(ParseReason r);

struct ParseError {
    ParseReason reason = ParseReason::truncated;
    size_t offset = 0;
    PayloadType payload = PayloadType::none;

    // Rebases an error found in a sub-span that starts `base` bytes into the parent span.
    ParseError at(size_t base) const {
        ParseError e = *this;
        e.offset += base;
        return e;
    }
    std::string str() const;   // "truncated at offset 40 (payload 33)"
};

// The error notify to answer with, and its Notification Data (UNSUPPORTED_CRITICAL_PAYLOAD
// carries the one-octet payload type). Empty when the message is dropped without an answer.
struct ErrorNotify {
    NotifyType type = NotifyType::invalid_syntax;
    std::vector<uint8_t> data;
};
std::optional<ErrorNotify> notify_for(const ParseError& e);

}  // namespace tandem::ike
