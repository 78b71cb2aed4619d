// libFuzzer target: the HSRP packet parser (controlplane/hsrp/packet.h), which reads every
// datagram that arrives on UDP 1985, and the MD5 TLV locator (auth.h) that walks the same bytes.
//
// Oracles, beyond "never crash, never read out of bounds":
//  - a packet that parses serializes, and the bytes parse back to the same packet;
//  - verify() never fails on a packet that parsed after re-encoding when it passed before;
//  - md5_digest_offset() finds a digest exactly when the parsed packet has an MD5 TLV, and it
//    lies inside the datagram.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "controlplane/hsrp/auth.h"
#include "controlplane/hsrp/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tandem::hsrp;
    const std::span<const uint8_t> in(data, size);
    auto p = parse(in);
    const auto at = md5_digest_offset(in);
    if (at && *at + 16 > size) std::abort();
    if (!p) return 0;
    if (p->md5.has_value() != at.has_value()) std::abort();

    const auto bytes = serialize(*p);
    if (bytes.empty()) std::abort();
    auto again = parse(bytes);
    if (!again || !(*again == *p)) std::abort();
    if (verify(*p).ok() != verify(*again).ok()) std::abort();
    return 0;
}
