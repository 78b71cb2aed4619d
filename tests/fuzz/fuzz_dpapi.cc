// libFuzzer target: the dataplane API decoder (common/dpapi/codec.h), which reads whatever a
// peer on the control socket sends.
//
// Beyond "never crash, never read out of bounds", it checks the canonical-encoding property: a
// datagram that decodes re-encodes to exactly the same bytes, and the re-encoding decodes to an
// equal message. A decoder that accepted a non-canonical field (a reserved byte, an unknown flag,
// a key past its length) or lost one would break it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/dpapi/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tandem::dpapi;
    std::span<const uint8_t> input(data, size);
    auto decoded = decode(input);
    if (!decoded) {
        // A refusal must say why: a REPLY is built from it.
        if (decoded.error().status == Status::ok || decoded.error().text.empty()) std::abort();
        return 0;
    }
    std::vector<uint8_t> again;
    if (!encode(*decoded, again)) std::abort();
    if (again.size() != size || !std::equal(again.begin(), again.end(), input.begin())) std::abort();
    auto twice = decode(again);
    if (!twice || !(*twice == *decoded)) std::abort();
    return 0;
}
