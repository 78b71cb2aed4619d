#include "common/config/model.h"

#include <algorithm>
#include <array>
#include <utility>

namespace tandem::config {

std::string SourcePos::str() const {
    std::string s = file.empty() ? "<input>" : file;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    return s;
}

void FieldPositions::set(std::string_view field, SourcePos pos) {
    for (auto& [k, v] : v_) {
        if (k == field) {
            v = std::move(pos);
            return;
        }
    }
    v_.emplace_back(std::string(field), std::move(pos));
}

const SourcePos* FieldPositions::find(std::string_view field) const {
    for (const auto& [k, v] : v_) {
        if (k == field) return &v;
    }
    return nullptr;
}

namespace {

template <typename T>
const T* find_by_name(const std::vector<T>& v, std::string_view name) {
    auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
    return it == v.end() ? nullptr : &*it;
}

template <typename E, size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
    for (const auto& [k, v] : table) {
        if (k == e) return v;
    }
    return "?";
}

template <typename E, size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
    for (const auto& [k, v] : table) {
        if (v == s) return k;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<EspCipher, std::string_view>, 4> esp_ciphers{{
    {EspCipher::aes_gcm_128, "aes-gcm-128"},
    {EspCipher::aes_gcm_256, "aes-gcm-256"},
    {EspCipher::aes_cbc_128, "aes-cbc-128"},
    {EspCipher::aes_cbc_256, "aes-cbc-256"},
}};
constexpr std::array<std::pair<EspIntegrity, std::string_view>, 5> esp_integrities{{
    {EspIntegrity::none, "none"},
    {EspIntegrity::sha1_96, "sha1"},
    {EspIntegrity::sha256_128, "sha256"},
    {EspIntegrity::sha384_192, "sha384"},
    {EspIntegrity::sha512_256, "sha512"},
}};
constexpr std::array<std::pair<IkeCipher, std::string_view>, 4> ike_ciphers{{
    {IkeCipher::aes_gcm_128, "aes-gcm-128"},
    {IkeCipher::aes_gcm_256, "aes-gcm-256"},
    {IkeCipher::aes_cbc_128, "aes-cbc-128"},
    {IkeCipher::aes_cbc_256, "aes-cbc-256"},
}};
constexpr std::array<std::pair<IkeHash, std::string_view>, 3> ike_hashes{{
    {IkeHash::sha256, "sha256"},
    {IkeHash::sha384, "sha384"},
    {IkeHash::sha512, "sha512"},
}};
constexpr std::array<std::pair<DpdMode, std::string_view>, 2> dpd_modes{{
    {DpdMode::periodic, "periodic"},
    {DpdMode::on_demand, "on-demand"},
}};
constexpr std::array<std::pair<InterfaceRole, std::string_view>, 2> roles{{
    {InterfaceRole::outside, "outside"},
    {InterfaceRole::inside, "inside"},
}};
constexpr std::array<std::pair<PollMode, std::string_view>, 2> poll_modes{{
    {PollMode::adaptive, "adaptive"},
    {PollMode::busy, "busy"},
}};
constexpr std::array<std::pair<CryptoDevice, std::string_view>, 2> crypto_devices{{
    {CryptoDevice::aesni_mb, "aesni_mb"},
    {CryptoDevice::openssl, "openssl"},
}};

}  // namespace

const AccessList* Config::find_access_list(std::string_view n) const { return find_by_name(access_lists, n); }
const TransformSet* Config::find_transform_set(std::string_view n) const { return find_by_name(transform_sets, n); }
const CryptoMap* Config::find_crypto_map(std::string_view n) const { return find_by_name(crypto_maps, n); }
const DynamicMap* Config::find_dynamic_map(std::string_view n) const { return find_by_name(dynamic_maps, n); }
const Interface* Config::find_interface(std::string_view n) const { return find_by_name(interfaces, n); }
const IkeProposal* Config::find_ike_proposal(std::string_view n) const { return find_by_name(ike.proposals, n); }

std::string_view to_string(EspCipher e) { return name_of(esp_ciphers, e); }
std::string_view to_string(EspIntegrity e) { return name_of(esp_integrities, e); }
std::string_view to_string(IkeCipher e) { return name_of(ike_ciphers, e); }
std::string_view to_string(IkeHash e) { return name_of(ike_hashes, e); }
std::string_view to_string(DpdMode e) { return name_of(dpd_modes, e); }
std::string_view to_string(InterfaceRole e) { return name_of(roles, e); }
std::string_view to_string(PollMode e) { return name_of(poll_modes, e); }
std::string_view to_string(CryptoDevice e) { return name_of(crypto_devices, e); }
std::optional<EspCipher> esp_cipher_from(std::string_view s) { return value_of(esp_ciphers, s); }
std::optional<EspIntegrity> esp_integrity_from(std::string_view s) { return value_of(esp_integrities, s); }
std::optional<IkeCipher> ike_cipher_from(std::string_view s) { return value_of(ike_ciphers, s); }
std::optional<IkeHash> ike_hash_from(std::string_view s) { return value_of(ike_hashes, s); }

bool dh_group_supported(uint16_t g) { return g == 14 || g == 19 || g == 20 || g == 21 || g == 31; }

}  // namespace tandem::config
