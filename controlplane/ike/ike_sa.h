// An IKE SA as the engine keeps it (RFC 7296 2.1-2.2, 2.14, 2.23): identity (SPIs, role),
// state, negotiated algorithms and keys, NAT-T status, the message-ID windows with their
// retransmission and response cache, the task queue and the CHILD SAs.
//
// States:
//
//   initiator:  INIT_SENT --IKE_SA_INIT resp--> AUTH_SENT --IKE_AUTH resp--> ESTABLISHED
//   responder:  (IKE_SA_INIT req) --> HALF_OPEN --IKE_AUTH req--> ESTABLISHED
//   both:       ESTABLISHED --Delete sent--> DELETING --> (destroyed)
//               any state: retransmissions exhausted, AUTH failed, Delete received --> destroyed
//
// IKE SA rekey (2.18, 2.8.2): CREATE_CHILD_SA on this SA makes a successor IKE SA (new SPIs,
// keys from SKEYSEED = prf(SK_d(old), g^ir(new) | Ni | Nr), message IDs from 0, the rekey's
// initiator as its initiator). The CHILD SAs move to it unchanged; this SA keeps `successor` set
// and only waits for the Delete (sent by the rekey's initiator) -- or lingers out. `rekeying`:
// our rekey request is in flight; `peer_rekey`: the successor we created answering the peer's
// rekey meanwhile (a collision, decided by the lowest nonce when our response arrives).
//
// Message IDs (2.2): window size 1 both ways. `next_request_id` is the ID of our next request;
// `peer_next_id` the ID the peer's next request must carry. A request with peer_next_id - 1 is a
// retransmission and gets the cached response again; anything else is dropped.
//
// Protection (3.14): one SkCipher per direction for the SA's lifetime (the GCM IV counter lives in
// it). protect() builds an SK message; unprotect() checks the ICV, decrypts and parses the inner
// chain.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "controlplane/ike/child_sa.h"
#include "controlplane/ike/counters.h"
#include "controlplane/ike/crypto/dh.h"
#include "controlplane/ike/crypto/keys.h"
#include "controlplane/ike/crypto/prf.h"
#include "controlplane/ike/crypto/sk_cipher.h"
#include "controlplane/ike/events.h"
#include "controlplane/ike/policy.h"
#include "controlplane/ike/proposals.h"
#include "controlplane/ike/wire/message.h"
#include "controlplane/loop/timers.h"

namespace tandem::ike {

class Task;

enum class Role : uint8_t { initiator, responder };
enum class IkeState : uint8_t { init_sent, half_open, auth_sent, established, deleting };
const char* ike_state_name(IkeState s);

struct Outstanding {
    uint32_t message_id = 0;
    std::vector<uint8_t> datagram;   // as sent, non-ESP marker included
    unsigned sent = 0;
    loop::Timer timer;
};

struct IkeSa {
    uint32_t id = 0;                 // engine-wide, for the daemon
    Role role = Role::initiator;     // original initiator or responder of the IKE SA
    IkeState state = IkeState::init_sent;
    uint64_t spi_i = 0;
    uint64_t spi_r = 0;
    std::shared_ptr<const PeerPolicy> peer;
    Endpoint local;
    Endpoint remote;

    // NAT-T (2.23): detected from NAT-D; then IKE moves to 4500 with the non-ESP marker and ESP
    // is UDP-encapsulated.
    bool nat_local = false;          // we are behind a NAT
    bool nat_remote = false;         // the peer is behind a NAT
    bool natt() const { return nat_local || nat_remote; }

    // IKE_SA_INIT material.
    std::vector<uint8_t> ni, nr;
    std::optional<crypto::KeyExchange> ke;
    std::vector<uint8_t> cookie;
    std::vector<uint8_t> init_request;    // exact bytes (without the non-ESP marker), for AUTH
    std::vector<uint8_t> init_response;

    IkeAlgorithms algs;
    std::optional<crypto::Prf> prf;
    crypto::SecretBytes sk_d, sk_pi, sk_pr;
    std::optional<crypto::SkCipher> out_cipher, in_cipher;

    // Exchanges.
    uint32_t next_request_id = 0;
    uint32_t peer_next_id = 0;
    std::optional<Outstanding> outstanding;
    std::unique_ptr<Task> active;          // our request in flight
    std::deque<std::unique_ptr<Task>> queue;
    std::vector<uint8_t> last_request;     // the peer's request peer_next_id - 1, as received
    std::vector<uint8_t> cached_response;  // our response to it (without the non-ESP marker)
    bool have_cached_response = false;

    std::map<uint32_t, ChildSa> children;  // by child id

    DownReason failure = DownReason::negotiation_failed;   // set by a task returning `failed`

    // IKE SA rekey (see above); SPIs are local SPIs of other IKE SAs of the engine.
    bool rekey_queued = false;             // a rekey task is queued or in flight
    bool rekeying = false;                 // our rekey request is in flight
    uint64_t peer_rekey = 0;
    uint64_t successor = 0;
    bool superseded() const { return successor != 0; }

    loop::Time created{};
    loop::Time last_heard{};               // last authenticated IKE message or ESP activity
    loop::Timer dpd_timer;
    loop::Timer lifetime_timer;
    loop::Timer half_open_timer;
    loop::Timer keepalive_timer;
    loop::Timer rekey_timer;               // IKE SA soft lifetime (original initiator's side)

    IkeSa();
    ~IkeSa();
    IkeSa(const IkeSa&) = delete;
    IkeSa& operator=(const IkeSa&) = delete;

    uint64_t local_spi() const { return role == Role::initiator ? spi_i : spi_r; }
    bool is_initiator() const { return role == Role::initiator; }
    const crypto::SecretBytes& own_sk_p() const { return is_initiator() ? sk_pi : sk_pr; }
    const crypto::SecretBytes& peer_sk_p() const { return is_initiator() ? sk_pr : sk_pi; }
    const std::vector<uint8_t>& own_nonce() const { return is_initiator() ? ni : nr; }
    const std::vector<uint8_t>& peer_nonce() const { return is_initiator() ? nr : ni; }
    ChildPath path() const { return {local, remote, natt()}; }

    // The header of a message we send: our request (response=false) or our response.
    IkeHeader header(ExchangeType x, bool response, uint32_t message_id) const;

    // SKEYSEED and the SA keys from g^ir (2.14), and the two SkCiphers.
    Result<void> derive_keys(const crypto::SecretBytes& g_ir);
    // The same for an IKE SA made by rekeying `old` (2.18): ni, nr, SPIs and algs already set.
    Result<void> derive_rekeyed_keys(const IkeSa& old, const crypto::SecretBytes& g_ir);

    // An SK message carrying `inner`.
    Result<std::vector<uint8_t>> protect(const IkeHeader& h, std::span<const Payload> inner,
                                         crypto::RandomSource& rng);
    // The inner payloads of a received SK message (checked ICV, parsed and verified chain).
    Result<std::vector<Payload>, DropReason> unprotect(const Message& m, std::span<const uint8_t> datagram) const;

    ChildSa* child_by_inbound_spi(uint32_t spi);
private:
    Result<void> derive_from_seed(const crypto::SecretBytes& skeyseed);
public:
    ChildSa* child_by_outbound_spi(uint32_t spi);
};

}  // namespace tandem::ike
