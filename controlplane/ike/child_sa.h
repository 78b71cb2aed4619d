// A CHILD SA as the engine keeps it: one ESP SA pair (our inbound SPI, the peer's inbound SPI =
// our outbound SPI), its negotiated algorithms and selectors, and the two dpapi::SaParams the
// daemon installs.
//
// Life of a CHILD SA:
//
//     negotiated --install_inbound--> inbound_only --install_outbound--> up --Delete--> (gone)
//                                                                        |
//                                                                        +--lifetime--> rekeyed
//
// make-before-break: the inbound SA is installed before the message that lets the peer use it
// is sent (responder: before its response; initiator: before it could see ESP, i.e. on the
// response), the outbound SA after. A failed install tears the CHILD down with a Delete.
//
// KEYMAT (RFC 7296 2.17) splits "initiator -> responder" first: the initiator of the exchange
// that created the CHILD SA encrypts with encr_i. Our outbound SPI is the SPI the peer put in its
// SA payload; our inbound SPI is the one we allocated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/dpapi/types.h"
#include "common/result.h"
#include "controlplane/ike/crypto/keys.h"
#include "controlplane/ike/policy.h"
#include "controlplane/ike/proposals.h"
#include "controlplane/loop/timers.h"

namespace tandem::ike {

enum class ChildState : uint8_t { negotiated, inbound_only, up, rekeyed, deleting };
const char* child_state_name(ChildState s);

struct ChildSa {
    uint32_t id = 0;                  // engine-wide, for delete_child() / note_traffic()
    ChildPolicy policy;
    ChildState state = ChildState::negotiated;
    uint32_t inbound_spi = 0;
    uint32_t outbound_spi = 0;
    EspAlgorithms algs;
    TsRange local_ts;
    TsRange remote_ts;
    dpapi::SaParams inbound;
    dpapi::SaParams outbound;
    bool installed = false;           // inbound installed: child_down must be reported
    bool rekeying = false;            // our rekey of it is queued or in flight
    bool rekey_sent = false;          // ... and in flight
    // Simultaneous rekey (RFC 7296 2.8.1): the CHILD SA we created answering the peer's rekey of
    // this one while ours was in flight, and the lower nonce of that exchange.
    uint32_t peer_rekey = 0;
    std::vector<uint8_t> peer_rekey_nonce;
    loop::Time created{};
    loop::Timer rekey_timer;          // soft lifetime: rekey (or delete when rekeying is not possible)
    loop::Timer expire_timer;         // hard lifetime
};

// Where the SA pair runs: the IKE SA's endpoints now (after the switch to 4500 when NAT was
// detected) and whether ESP is UDP-encapsulated.
struct ChildPath {
    Endpoint local;
    Endpoint remote;
    bool natt = false;
};

// Fills child.inbound / child.outbound from KEYMAT. `exchange_initiator`: whether we initiated the
// exchange that created the CHILD SA (then outbound uses encr_i / integ_i).
Result<void> fill_sa_params(ChildSa& child, const crypto::ChildSaKeys& keys, bool exchange_initiator,
                            const ChildPath& path);

dpapi::TrafficSelector to_dpapi(const TsRange& src, const TsRange& dst);

}  // namespace tandem::ike
