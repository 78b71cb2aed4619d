// Engine-wide tunables (timers and limits), with production defaults; tests shorten them.
#pragma once

#include <chrono>
#include <cstddef>

#include "controlplane/loop/clock.h"

namespace tandem::ike {

struct EngineConfig {
    // Retransmission of our requests (RFC 7296 2.1): first after `retransmit_timeout`, each
    // following wait multiplied by `retransmit_factor`; after `retransmit_tries` retransmissions
    // without a response the peer is declared dead.
    loop::Duration retransmit_timeout = std::chrono::seconds(1);
    double retransmit_factor = 1.8;
    unsigned retransmit_tries = 5;
    // Half-open IKE SAs (responder, IKE_SA_INIT answered, no IKE_AUTH yet): above
    // `cookie_threshold` new IKE_SA_INIT requests must carry a COOKIE (2.6); at `half_open_limit`
    // they are dropped; each expires after `half_open_timeout`.
    size_t cookie_threshold = 50;
    size_t half_open_limit = 1000;
    loop::Duration half_open_timeout = std::chrono::seconds(30);
    size_t nonce_size = 32;
    // IKE SA rekey: an IKE SA whose CHILD SAs moved to its successor waits this long for the
    // peer's Delete before going by itself; a refused rekey is tried again after 1-2 x
    // `rekey_retry` (random).
    loop::Duration rekeyed_linger = std::chrono::seconds(30);
    loop::Duration rekey_retry = std::chrono::seconds(10);
};

}  // namespace tandem::ike
