// An address range as the fewest prefixes that cover exactly it (IKE traffic selectors are
// ranges; SPD rules and routes are prefixes): 10.0.0.1-10.0.0.6 -> .1/32 .2/31 .4/31 .6/32.
// Empty when first > last.
#pragma once

#include <cstdint>
#include <vector>

#include "common/ipv4.h"

namespace tandem {

inline std::vector<Ipv4Prefix> range_prefixes(Ipv4Address first, Ipv4Address last) {
    std::vector<Ipv4Prefix> out;
    if (first.value() > last.value()) return out;
    uint64_t lo = first.value();
    const uint64_t hi = last.value();
    while (lo <= hi) {
        // The largest block aligned at lo that ends at or before hi.
        unsigned len = 32;
        while (len > 0) {
            const uint64_t size = uint64_t{1} << (32 - (len - 1));
            if ((lo & (size - 1)) != 0 || lo + size - 1 > hi) break;
            --len;
        }
        out.emplace_back(Ipv4Address(static_cast<uint32_t>(lo)), len);
        lo += uint64_t{1} << (32 - len);
    }
    return out;
}

}  // namespace tandem
