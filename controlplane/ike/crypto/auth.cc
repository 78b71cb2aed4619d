// Shared-key AUTH and NAT-D hashes (see auth.h).
#include "controlplane/ike/crypto/auth.h"

#include <openssl/evp.h>

#include <array>

#include "controlplane/ike/crypto/openssl_util.h"

namespace tandem::ike::crypto {

using detail::backend_error;
using detail::Ossl;

namespace {

constexpr char key_pad[] = "Key Pad for IKEv2";
const ByteView key_pad_bytes(reinterpret_cast<const uint8_t*>(key_pad), sizeof key_pad - 1);

}  // namespace

CryptoResult<Bytes> signed_octets(const Prf& prf, ByteView first_message, ByteView other_nonce,
                                  ByteView own_sk_p, ByteView id_body) {
    if (first_message.empty() || other_nonce.empty() || id_body.empty()) {
        return CryptoError(CryptoErrc::invalid_argument, "signed octets input empty");
    }
    auto maced_id = prf.bytes(own_sk_p, {id_body});
    if (!maced_id) return maced_id.error();
    Bytes octets;
    octets.reserve(first_message.size() + other_nonce.size() + maced_id->size());
    octets.insert(octets.end(), first_message.begin(), first_message.end());
    octets.insert(octets.end(), other_nonce.begin(), other_nonce.end());
    octets.insert(octets.end(), maced_id->begin(), maced_id->end());
    return octets;
}

CryptoResult<Bytes> psk_auth(const Prf& prf, ByteView shared_secret, ByteView first_message,
                             ByteView other_nonce, ByteView sk_p, ByteView id_body) {
    auto octets = signed_octets(prf, first_message, other_nonce, sk_p, id_body);
    if (!octets) return octets.error();
    auto padded_key = prf.secret(shared_secret, {key_pad_bytes});
    if (!padded_key) return padded_key.error();
    return prf.bytes(*padded_key, {*octets});
}

CryptoResult<void> verify_psk_auth(const Prf& prf, ByteView shared_secret, ByteView first_message,
                                   ByteView other_nonce, ByteView sk_p, ByteView id_body,
                                   ByteView received_auth) {
    auto expected = psk_auth(prf, shared_secret, first_message, other_nonce, sk_p, id_body);
    if (!expected) return expected.error();
    if (!constant_time_equal(*expected, received_auth)) {
        return CryptoError(CryptoErrc::integrity_check_failed, "AUTH mismatch");
    }
    return {};
}

CryptoResult<Bytes> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, ByteView address, uint16_t port) {
    if (address.size() != 4 && address.size() != 16) {
        return CryptoError(CryptoErrc::invalid_argument, "NAT-D address length");
    }
    std::array<uint8_t, 18> fixed{};  // SPIi | SPIr | port
    for (size_t i = 0; i < 8; ++i) {
        fixed[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
        fixed[8 + i] = static_cast<uint8_t>(spi_r >> (56 - 8 * i));
    }
    fixed[16] = static_cast<uint8_t>(port >> 8);
    fixed[17] = static_cast<uint8_t>(port);
    Ossl<EVP_MD> md(EVP_MD_fetch(nullptr, "SHA1", nullptr));
    Ossl<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    Bytes out(20);
    unsigned int len = 0;
    if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), fixed.data(), 16) != 1 ||
        EVP_DigestUpdate(ctx.get(), address.data(), address.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), fixed.data() + 16, 2) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
        return backend_error("SHA-1 for NAT-D");
    }
    return out;
}

CryptoResult<Bytes> nat_detection_hash(uint64_t spi_i, uint64_t spi_r, Ipv4Address address, uint16_t port) {
    const uint32_t a = address.value();
    const uint8_t bytes[4] = {static_cast<uint8_t>(a >> 24), static_cast<uint8_t>(a >> 16),
                              static_cast<uint8_t>(a >> 8), static_cast<uint8_t>(a)};
    return nat_detection_hash(spi_i, spi_r, ByteView(bytes), port);
}

}  // namespace tandem::ike::crypto
