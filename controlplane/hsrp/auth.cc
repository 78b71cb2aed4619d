// Keyed MD5 for HSRP (see auth.h for the construction).
#include "controlplane/hsrp/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace tandem::hsrp {

namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// K || P(K): the key followed by MD5's padding of the key alone.
std::vector<uint8_t> padded_key(std::string_view key) {
    std::vector<uint8_t> k(key.begin(), key.end());
    const uint64_t bits = uint64_t{key.size()} * 8;
    k.push_back(0x80);
    while (k.size() % 64 != 56) k.push_back(0);
    for (int i = 0; i < 8; ++i) k.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return k;
}

}  // namespace

Md5Digest keyed_md5(std::string_view key, std::span<const uint8_t> payload) {
    Md5Digest out{};
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    const auto head = padded_key(key);
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), head.data(), head.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), payload.data(), payload.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
        out.fill(0);  // an all-zero digest never verifies against a real one
    }
    return out;
}

std::optional<size_t> md5_digest_offset(std::span<const uint8_t> payload) {
    if (payload.empty()) return std::nullopt;
    WireReader r(payload);
    if (payload[0] == 0) r.skip(kV1Length);  // v1: TLVs follow the fixed packet
    while (r.ok() && r.remaining() > 0) {
        const size_t at = r.position();
        const uint8_t type = r.u8();
        const uint8_t len = r.u8();
        r.skip(len);
        if (!r.ok()) return std::nullopt;
        if (type == Md5Tlv::kType && len == Md5Tlv::kLength) return at + 2 + 12;
    }
    return std::nullopt;
}

bool sign_md5(std::vector<uint8_t>& payload, std::string_view key) {
    const auto at = md5_digest_offset(payload);
    if (!at) return false;
    std::fill_n(payload.begin() + static_cast<std::ptrdiff_t>(*at), 16, 0);
    const Md5Digest d = keyed_md5(key, payload);
    std::copy(d.begin(), d.end(), payload.begin() + static_cast<std::ptrdiff_t>(*at));
    return true;
}

bool check_md5(std::span<const uint8_t> payload, std::string_view key) {
    const auto at = md5_digest_offset(payload);
    if (!at) return false;
    std::vector<uint8_t> copy(payload.begin(), payload.end());
    std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(*at), 16, 0);
    const Md5Digest want = keyed_md5(key, copy);
    return CRYPTO_memcmp(want.data(), payload.data() + *at, want.size()) == 0;
}

}  // namespace tandem::hsrp
