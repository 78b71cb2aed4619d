// Message framing: the header's length against the datagram, the chain behind it, and the SK
// payload's position for the crypto layer.
#include "controlplane/ike/wire/message.h"

#include <algorithm>

namespace tandem::ike {
namespace {

// Reads the header and checks its Length against the datagram.
Result<IkeHeader, ParseError> parse_framed_header(WireReader& r, size_t datagram_size) {
    auto h = IkeHeader::parse(r);
    if (!h) return h;
    if (h->length != datagram_size || datagram_size > kMaxMessageSize) return ParseError{ParseReason::bad_length, 24, PayloadType::none};
    return h;
}

}  // namespace

Result<Message, ParseError> parse_message(std::span<const uint8_t> datagram) {
    WireReader r(datagram);
    auto h = parse_framed_header(r, datagram.size());
    if (!h) return h.error();
    auto chain = parse_chain(h->next_payload, r, true);
    if (!chain) return chain.error();
    return Message{*h, std::move(*chain)};
}

Result<void, ParseError> verify_message(const Message& m) {
    if (auto v = m.header.verify(); !v) return v;
    return verify_payloads(m.payloads, m.header.exchange, m.header.response());
}

Result<std::vector<uint8_t>> serialize_message(const Message& m) {
    std::vector<uint8_t> out;
    WireWriter w(out, kMaxMessageSize);
    IkeHeader h = m.header;
    h.next_payload = first_type(m.payloads);
    h.length = 0;
    h.serialize(w);
    serialize_chain(m.payloads, w);
    w.patch(24, 4, w.size());
    if (!w.ok()) return Error("IKE message cannot be serialized (mismatched body, SK not last, or too long)");
    return out;
}

Result<EncryptedLayout, ParseError> locate_encrypted(std::span<const uint8_t> message) {
    WireReader r(message);
    auto h = parse_framed_header(r, message.size());
    if (!h) return h.error();
    PayloadType type = h->next_payload;
    while (type != PayloadType::none) {
        size_t at = r.position();
        auto gh = GenericHeader::parse(r);
        if (!gh) return gh.error();
        r.skip(gh->length - kGenericHeaderSize);
        if (!r.ok()) return ParseError{ParseReason::bad_length, at + 2, type};
        if (type == PayloadType::sk || type == PayloadType::skf) {
            if (r.remaining() != 0) return ParseError{ParseReason::encrypted_not_last, r.position(), type};
            size_t fixed = type == PayloadType::skf ? 4 : 0;
            if (gh->length < kGenericHeaderSize + fixed) return ParseError{ParseReason::truncated, at, type};
            return EncryptedLayout{type, at, at + kGenericHeaderSize + fixed, message.size()};
        }
        type = gh->next_payload;
    }
    return ParseError{ParseReason::truncated, r.position(), PayloadType::sk};
}

std::optional<std::span<const uint8_t>> strip_non_esp_marker(std::span<const uint8_t> udp_payload) {
    if (udp_payload.size() < kNonEspMarkerSize) return std::nullopt;
    auto marker = udp_payload.first(kNonEspMarkerSize);
    if (std::any_of(marker.begin(), marker.end(), [](uint8_t b) { return b != 0; })) return std::nullopt;
    return udp_payload.subspan(kNonEspMarkerSize);
}

void add_non_esp_marker(std::vector<uint8_t>& message) {
    message.insert(message.begin(), kNonEspMarkerSize, 0);
}

}  // namespace tandem::ike
