// libFuzzer target: the IKEv2 message codec (controlplane/ike/wire/message.h), which reads every
// datagram arriving on UDP 500 and 4500 before anything is authenticated.
//
// Beyond "never crash, never read out of bounds": a message that parses must serialize, and the
// serialization must parse to an equal message (parse ignores reserved bits and keeps everything
// else, so the struct round trip is exact even when the octets are not). The SK body and every
// prefix-stripped variant go through the same paths: the input is also tried as a decrypted inner
// chain, as a UDP 4500 datagram, and through locate_encrypted and verify.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "controlplane/ike/wire/message.h"

namespace {

using namespace tandem::ike;

void check_message(std::span<const uint8_t> input) {
    auto parsed = parse_message(input);
    auto layout = locate_encrypted(input);
    if (!parsed) {
        // A refusal must leave a meaningful reason and an offset within the input.
        if (parsed.error().offset > input.size()) std::abort();
        if (parsed.error().reason >= ParseReason::count_) std::abort();
        return;
    }
    (void)verify_message(*parsed);
    // locate_encrypted agrees with parse_message about the SK payload.
    bool has_encrypted = !parsed->payloads.empty() &&
                         (parsed->payloads.back().type == PayloadType::sk ||
                          parsed->payloads.back().type == PayloadType::skf);
    if (has_encrypted != layout.ok()) std::abort();
    if (layout && layout->end != input.size()) std::abort();

    auto again = serialize_message(*parsed);
    if (!again) std::abort();
    if (again->size() != input.size()) std::abort();
    auto twice = parse_message(*again);
    if (!twice || !(*twice == *parsed)) std::abort();
}

void check_chain(std::span<const uint8_t> input) {
    if (input.empty()) return;
    auto first = static_cast<PayloadType>(input[0]);
    auto body = input.subspan(1);
    auto chain = parse_payload_chain(first, body);
    if (!chain) return;
    (void)verify_payloads(*chain, ExchangeType::ike_auth, false);
    auto again = serialize_payload_chain(*chain);
    if (!again || again->size() != body.size()) std::abort();
    auto twice = parse_payload_chain(first_type(*chain), *again);
    if (!twice || !(*twice == *chain)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> input(data, size);
    check_message(input);
    if (auto ike = strip_non_esp_marker(input)) check_message(*ike);
    check_chain(input);
    return 0;
}
