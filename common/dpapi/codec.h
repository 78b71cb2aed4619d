// Encoding and decoding of dataplane API messages (messages.h) to and from one datagram.
//
// Decoding is strongSwan's parse/verify split:
//   1. parse: the header (magic, version, type, flags, exact body length) and the body's structure
//      through common/wire.h's bounded WireReader. Every count is checked against the bytes left
//      before anything is allocated for it; a field that does not fit, or bytes left over, fail.
//   2. verify: every value is checked (verify.h): enums known, key lengths matching algorithms,
//      canonical prefixes, ordered ranges, bounded windows, no duplicate keys in one request.
// Either step failing yields a CodecError naming the status, the index of the first bad item and
// a sentence -- never a partly filled message. The encoding is canonical (reserved bytes zero,
// keys exactly their length, flag bits known), so encode(decode(bytes)) == bytes for every input
// that decodes (the fuzz target checks this).
//
// encode() verifies too: a sender learns about a bad item (with its index) before sending it.
//
// CodecError carries the request id read from the header (when the header could be read), so the
// receiver can address the error REPLY: `send(make_reply(err.request_id, err.status, err.item,
// err.text))`.
#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/dpapi/messages.h"
#include "common/result.h"

namespace tandem::dpapi {

struct CodecError {
    Status status = Status::truncated;
    uint32_t item = kNoItem;
    std::string text;
    uint32_t request_id = 0;   // from the header when it could be read, else 0

    std::string str() const;   // "bad_key_length (item 2): SA 7: AES-GCM-128 needs a 16-byte key"
};

// A codec result carries what an error REPLY needs: the status, the item and the request id.
template <typename T>
using CodecResult = Result<T, CodecError>;

// Replaces `out` with the datagram for `m` (header + body). On failure `out` is left empty:
// an invalid item, or too_large when the message would exceed kMaxMessageSize (split bulk
// requests with max_items_per_message()).
CodecResult<void> encode(const Message& m, std::vector<uint8_t>& out);

// One received datagram.
CodecResult<Message> decode(std::span<const uint8_t> datagram);

// The header alone (no body checks): what a receiver needs to address an error REPLY, or to
// skip a message. Fails like decode() on magic, length and size, not on version or type.
struct Header {
    uint32_t magic = kMagic;
    uint16_t version = kMaxVersion;
    uint16_t type = 0;
    uint16_t flags = 0;
    uint16_t reserved = 0;
    uint32_t request_id = 0;
    uint32_t body_length = 0;
};
CodecResult<Header> decode_header(std::span<const uint8_t> datagram);

// How many items of the largest encoding fit one message of a bulk or list type (0 for types
// without a list). A sender splits longer lists into parts of at most this many items.
size_t max_items_per_message(MessageType t);

}  // namespace tandem::dpapi
