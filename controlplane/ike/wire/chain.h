// A payload chain (RFC 7296 3.2): payloads linked by the Next Payload field of each generic
// header, the first named by the IKE header (or, inside an SK payload, by the SK payload's own
// Next Payload).
//
// A Payload is its wire type, the critical bit as received, and the parsed body. The type says
// which of a pair a body is (IDi/IDr, TSi/TSr); serialize refuses a body that does not belong to
// its type. Walking a chain:
//   - each payload's length is applied through WireReader::sub, so a lying length fails there;
//   - a type the codec does not know is an error naming the type if its critical bit is set
//     (answered with UNSUPPORTED_CRITICAL_PAYLOAD), otherwise it is kept as a RawPayload and the
//     walk goes on (3.2: "skip this payload and continue");
//   - SK and SKF end the chain: their Next Payload names the first payload inside, so anything
//     after them is an error (encrypted_not_last); inside a decrypted chain they are errors;
//   - bytes after the payload whose Next Payload is zero are an error (trailing_data).
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/wire.h"
#include "controlplane/ike/wire/constants.h"
#include "controlplane/ike/wire/parse_error.h"
#include "controlplane/ike/wire/payloads.h"
#include "controlplane/ike/wire/sa_payload.h"
#include "controlplane/ike/wire/traffic_selector.h"

namespace tandem::ike {

using PayloadBody = std::variant<SaPayload, KePayload, IdPayload, AuthPayload, NoncePayload, NotifyPayload,
                                 DeletePayload, VendorIdPayload, TsPayload, SkPayload, SkfPayload, RawPayload>;

struct Payload {
    PayloadType type = PayloadType::none;
    bool critical = false;
    PayloadBody body;

    // For bodies with one possible type (SA, KE, AUTH, Nonce, Notify, Delete, VID, SK, SKF).
    template <typename T>
    static Payload of(T body) {
        return Payload{T::kType, false, PayloadBody(std::move(body))};
    }
    // For IDi/IDr, TSi/TSr and raw payloads.
    static Payload of(PayloadType type, PayloadBody body, bool critical = false) {
        return Payload{type, critical, std::move(body)};
    }

    template <typename T>
    const T* get() const { return std::get_if<T>(&body); }
    template <typename T>
    T* get() { return std::get_if<T>(&body); }

    bool operator==(const Payload&) const = default;
};

// Whether `body` is the body type the codec uses for payload `type`.
bool body_matches(PayloadType type, const PayloadBody& body);
// Whether `type` is a payload type the codec knows (modelled or kept raw by design).
bool is_known_payload(PayloadType type);

// Parses a whole chain starting with `first` over all of `r`. `outer`: whether SK/SKF may end it
// (a message), or not (the decrypted content of an SK payload). Error offsets are relative to the
// start of `r`'s span.
Result<std::vector<Payload>, ParseError> parse_chain(PayloadType first, WireReader& r, bool outer);

// The decrypted body of an SK payload (inner payloads only: IV, padding and ICV removed).
Result<std::vector<Payload>, ParseError> parse_payload_chain(PayloadType first, std::span<const uint8_t> data);

// Appends the chain with its generic headers and links. Fails the writer on a body that does not
// match its type, an SK/SKF not last, or a payload longer than 65535 octets. first_type() gives
// the Next Payload value for whatever precedes the chain.
void serialize_chain(std::span<const Payload> payloads, WireWriter& w);
PayloadType first_type(std::span<const Payload> payloads);

// The bytes of a chain to encrypt into an SK payload (its first_inner is first_type()). Fails as
// serialize_chain does.
Result<std::vector<uint8_t>> serialize_payload_chain(std::span<const Payload> payloads);

// verify() on every payload; the SA payload checked for `exchange` and `response`.
Result<void, ParseError> verify_payloads(std::span<const Payload> payloads, ExchangeType exchange, bool response);

// Look-ups over a chain.
template <typename T>
const T* find(std::span<const Payload> payloads, PayloadType type) {
    for (const auto& p : payloads) {
        if (p.type == type) {
            if (const T* b = p.get<T>()) return b;
        }
    }
    return nullptr;
}
template <typename T>
const T* find(std::span<const Payload> payloads) {
    return find<T>(payloads, T::kType);
}
const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type);

}  // namespace tandem::ike
