// IKE SA keys and message protection: see ike_sa.h.
#include "controlplane/ike/ike_sa.h"

#include <algorithm>

#include "controlplane/ike/tasks/task.h"

namespace tandem::ike {

const char* ike_state_name(IkeState s) {
    switch (s) {
        case IkeState::init_sent: return "INIT-SENT";
        case IkeState::half_open: return "HALF-OPEN";
        case IkeState::auth_sent: return "AUTH-SENT";
        case IkeState::established: return "READY";
        case IkeState::deleting: return "DELETING";
    }
    return "?";
}

IkeSa::IkeSa() = default;
IkeSa::~IkeSa() = default;

IkeHeader IkeSa::header(ExchangeType x, bool response, uint32_t message_id) const {
    IkeHeader h;
    h.spi_i = spi_i;
    h.spi_r = spi_r;
    h.exchange = x;
    h.message_id = message_id;
    h.flags = static_cast<uint8_t>((is_initiator() ? header_flags::initiator : 0) |
                                   (response ? header_flags::response : 0));
    return h;
}

Result<void> IkeSa::derive_keys(const crypto::SecretBytes& g_ir) {
    auto p = crypto::Prf::create(to_underlying(algs.prf));
    if (!p) return Error("PRF: " + p.error().detail);
    prf.emplace(std::move(*p));
    auto seed = crypto::initial_skeyseed(*prf, ni, nr, g_ir);
    if (!seed) return Error("SKEYSEED: " + seed.error().detail);
    return derive_from_seed(*seed);
}

Result<void> IkeSa::derive_rekeyed_keys(const IkeSa& old, const crypto::SecretBytes& g_ir) {
    if (!old.prf) return Error("rekey: the old IKE SA has no keys");
    // SKEYSEED with the OLD prf; everything after with the new one.
    auto seed = crypto::rekey_skeyseed(*old.prf, old.sk_d, g_ir, ni, nr);
    if (!seed) return Error("SKEYSEED: " + seed.error().detail);
    auto p = crypto::Prf::create(to_underlying(algs.prf));
    if (!p) return Error("PRF: " + p.error().detail);
    prf.emplace(std::move(*p));
    return derive_from_seed(*seed);
}

Result<void> IkeSa::derive_from_seed(const crypto::SecretBytes& seed) {
    auto keys = crypto::derive_ike_sa_keys(*prf, algs.transforms(), seed, ni, nr, spi_i, spi_r);
    if (!keys) return Error("IKE SA keys: " + keys.error().detail);
    const uint16_t encr = to_underlying(algs.encr.id), integ = to_underlying(algs.integ);
    auto ci = crypto::SkCipher::create(encr, algs.encr.key_bits, integ, keys->sk_ei, keys->sk_ai);
    auto cr = crypto::SkCipher::create(encr, algs.encr.key_bits, integ, keys->sk_er, keys->sk_ar);
    if (!ci || !cr) return Error("SK cipher");
    if (is_initiator()) {
        out_cipher.emplace(std::move(*ci));
        in_cipher.emplace(std::move(*cr));
    } else {
        out_cipher.emplace(std::move(*cr));
        in_cipher.emplace(std::move(*ci));
    }
    sk_d = std::move(keys->sk_d);
    sk_pi = std::move(keys->sk_pi);
    sk_pr = std::move(keys->sk_pr);
    return {};
}

Result<std::vector<uint8_t>> IkeSa::protect(const IkeHeader& h, std::span<const Payload> inner,
                                            crypto::RandomSource& rng) {
    if (!out_cipher) return Error("no keys");
    auto plain = serialize_payload_chain(inner);
    if (!plain) return plain.error();
    Message m{h, {}};
    m.payloads.push_back(Payload::of(SkPayload{first_type(inner), std::vector<uint8_t>(out_cipher->sealed_size(plain->size()))}));
    auto bytes = serialize_message(m);
    if (!bytes) return bytes.error();
    auto layout = locate_encrypted(*bytes);
    if (!layout) return Error("SK layout");
    std::span<const uint8_t> aad(bytes->data(), layout->aad_length());
    auto sealed = out_cipher->seal(aad, *plain, rng);
    if (!sealed || sealed->size() != layout->content_length()) return Error("SK seal");
    std::copy(sealed->begin(), sealed->end(), bytes->begin() + static_cast<ptrdiff_t>(layout->content_offset));
    return bytes;
}

Result<std::vector<Payload>, DropReason> IkeSa::unprotect(const Message& m, std::span<const uint8_t> datagram) const {
    const SkPayload* sk = m.encrypted();
    if (!sk || !in_cipher) return DropReason::bad_payloads;
    auto layout = locate_encrypted(datagram);
    if (!layout || layout->type != PayloadType::sk) return DropReason::malformed;
    auto plain = in_cipher->open(datagram.first(layout->aad_length()), datagram.subspan(layout->content_offset));
    if (!plain) return DropReason::bad_icv;
    auto inner = parse_payload_chain(sk->first_inner, *plain);
    if (!inner) return DropReason::decrypted_malformed;
    if (!verify_payloads(*inner, m.header.exchange, m.header.response())) return DropReason::decrypted_malformed;
    return std::move(*inner);
}

ChildSa* IkeSa::child_by_inbound_spi(uint32_t spi) {
    for (auto& [id, c] : children) {
        if (c.inbound_spi == spi) return &c;
    }
    return nullptr;
}

ChildSa* IkeSa::child_by_outbound_spi(uint32_t spi) {
    for (auto& [id, c] : children) {
        if (c.outbound_spi == spi) return &c;
    }
    return nullptr;
}

}  // namespace tandem::ike
