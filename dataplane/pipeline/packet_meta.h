// Per-packet metadata the pipeline keeps in an mbuf dynamic field (registered once at start):
// what a later stage, another worker (SA hand-off) or the main lcore (neighbour resolution)
// needs to continue with a packet.
#pragma once

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <cstdint>

#include "common/result.h"

namespace tandem::dp {

enum class PacketStage : uint8_t {
    received = 0,      // as received from a port
    esp_inbound = 1,   // hand-off: decrypt with sa_index
    esp_outbound = 2,  // hand-off: encrypt with sa_index
    resolve = 3,       // to the main lcore: needs the neighbour next_hop on egress_port
};

struct PacketMeta {
    uint32_t sa_index = 0;     // inbound or outbound SA (Tables index)
    uint32_t policy_id = 0;    // esp_outbound hand-off: the PROTECT policy that chose the SA
    uint32_t next_hop = 0;     // host order
    uint16_t egress_port = 0;  // dataplane port index
    uint16_t ingress_port = 0;
    PacketStage stage = PacketStage::received;
    bool skip_spd = false;     // from a tunnel or just encrypted: not subject to the SPD (again)
};

// Registers the field; returns its offset. Safe to call more than once.
Result<int> register_packet_meta();

inline PacketMeta& meta_of(rte_mbuf* m, int offset) { return *RTE_MBUF_DYNFIELD(m, offset, PacketMeta*); }

}  // namespace tandem::dp
