// A whole IKEv2 message: the IKE header and its payload chain (RFC 7296 3.1-3.2), plus what the
// crypto layer and the UDP 4500 socket need around it.
//
//   parse_message(datagram)     header (major version 2, Length == datagram size, at most 65535
//                               octets, as serialize_message writes), then the chain.
//                               An SK payload ends the chain with its content raw; after
//                               decryption, parse_payload_chain(sk.first_inner, plaintext) reads it.
//   verify_message(m)           the values: header plus verify_payloads() for the exchange.
//   serialize_message(m)        header + chain, Next Payload links and every length computed.
//   locate_encrypted(bytes)     where the SK/SKF payload sits in a serialized message: the AEAD
//                               associated data is everything before its content (RFC 5282 5.1,
//                               RFC 7383 2.5.3), the integrity check covers everything up to the
//                               ICV (RFC 7296 3.14).
//   strip_/add_non_esp_marker   the four zero octets before IKE on UDP 4500 (RFC 3948 2.2).
//
// Building an encrypted message: serialize the inner chain (serialize_payload_chain), let the
// crypto layer size IV + ciphertext + ICV, serialize the message with an SK payload of that many
// placeholder octets, take locate_encrypted() of the result, and fill the content in place.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.h"
#include "controlplane/ike/wire/chain.h"
#include "controlplane/ike/wire/header.h"
#include "controlplane/ike/wire/parse_error.h"

namespace tandem::ike {

struct Message {
    IkeHeader header;               // next_payload and length: computed when serialized
    std::vector<Payload> payloads;

    template <typename T>
    const T* find(PayloadType type = T::kType) const { return ike::find<T>(payloads, type); }
    const NotifyPayload* find_notify(NotifyType type) const { return ike::find_notify(payloads, type); }
    const SkPayload* encrypted() const { return find<SkPayload>(); }

    bool operator==(const Message&) const = default;
};

Result<Message, ParseError> parse_message(std::span<const uint8_t> datagram);
Result<void, ParseError> verify_message(const Message& m);

// The datagram for `m`. Fails on what serialize_chain() refuses, or past 65535 octets.
Result<std::vector<uint8_t>> serialize_message(const Message& m);

// Offsets, from the start of the IKE header, of the SK or SKF payload in a message.
struct EncryptedLayout {
    PayloadType type = PayloadType::sk;
    size_t payload_offset = 0;   // its generic payload header
    size_t content_offset = 0;   // its IV: after the generic header (and, in SKF, the fragment fields)
    size_t end = 0;              // end of the ICV, which is the end of the message

    // AEAD associated data: [0, content_offset).
    size_t aad_length() const { return content_offset; }
    size_t content_length() const { return end - content_offset; }
};
// Walks the header and generic headers only (bodies are not parsed). Fails like parse_message on
// a bad header or chain, and as `truncated` when the chain ends without an SK/SKF payload.
Result<EncryptedLayout, ParseError> locate_encrypted(std::span<const uint8_t> message);

// A UDP 4500 datagram's IKE message when it starts with the non-ESP marker; nullopt when it is
// ESP (a non-zero SPI there) or too short to tell (a NAT-keepalive is one 0xFF octet).
std::optional<std::span<const uint8_t>> strip_non_esp_marker(std::span<const uint8_t> udp_payload);
// Prepends the marker to a serialized message, for sending on UDP 4500.
void add_non_esp_marker(std::vector<uint8_t>& message);

}  // namespace tandem::ike
