// The CHILD SA half of IKE_AUTH and CREATE_CHILD_SA (RFC 7296 1.3.1, 2.9, 2.17), shared by both
// tasks:
//
//   initiator  add_child_request():   SA (ESP proposals with our new inbound SPI), TSi, TSr
//              finish_child_request(): the response's SA / TSi / TSr (or its error notify) ->
//                                      KEYMAT -> install inbound, install outbound -> child_up
//   responder  respond_child():       select proposal and narrow selectors (or answer
//                                      NO_PROPOSAL_CHOSEN / TS_UNACCEPTABLE), allocate the inbound
//                                      SPI, KEYMAT, install inbound, add SA / TSi / TSr
//              complete_child():      after the response went out: install outbound -> child_up
//
// With PFS (CREATE_CHILD_SA only), KE payloads are exchanged and g^ir enters KEYMAT.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "controlplane/ike/tasks/task.h"

namespace tandem::ike {

struct ChildInitiation {
    ChildRequest req;
    uint32_t inbound_spi = 0;
    bool with_pfs = false;                 // CREATE_CHILD_SA with policy.pfs_group
    std::optional<crypto::KeyExchange> ke;
};

// Appends SA, [KE,] TSi, TSr. Fails when no SPI or KE can be made.
bool add_child_request(TaskContext& ctx, ChildInitiation& ci, std::vector<Payload>& out);
// The new child id, or 0 (child_failed reported; the IKE SA stays).
uint32_t finish_child_request(TaskContext& ctx, IkeSa& sa, ChildInitiation& ci, std::span<const Payload> in,
                              crypto::ByteView ni, crypto::ByteView nr);

struct ChildResponse {
    uint32_t child_id = 0;                 // 0: no CHILD SA (an error notify was added)
};
// `in_ike_auth`: DH transforms are ignored and no KE is expected. `peer_nonce`/`own_nonce`: Ni
// and Nr of the exchange.
ChildResponse respond_child(TaskContext& ctx, IkeSa& sa, std::span<const Payload> in, bool in_ike_auth,
                            crypto::ByteView ni, crypto::ByteView nr, std::vector<Payload>& out);
void complete_child(TaskContext& ctx, IkeSa& sa, uint32_t child_id);

}  // namespace tandem::ike
