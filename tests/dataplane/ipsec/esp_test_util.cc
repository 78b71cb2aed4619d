// Helpers of the ESP packet tests (see esp_test_util.h).
#include "esp_test_util.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <rte_ip.h>

#include <cstring>
#include <memory>
#include <optional>

namespace tandem::test {

using dpapi::AuthAlg;
using dpapi::CipherAlg;
using dpapi::Direction;

namespace {
std::optional<dp::CryptoDevice>& device_slot() {
    static std::optional<dp::CryptoDevice> d;
    return d;
}
rte_mempool*& pool_slot() {
    static rte_mempool* p = nullptr;
    return p;
}
}  // namespace

void EspEnvironment::SetUp() {
    pool_slot() = rte_pktmbuf_pool_create("esp_test_mbufs", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                          SOCKET_ID_ANY);
    ASSERT_NE(pool_slot(), nullptr);
    dp::CryptoDeviceConfig cfg;
    cfg.queue_pairs = 1;
    cfg.max_sessions = 256;
    cfg.op_pool_size = 512;
    auto dev = dp::CryptoDevice::create(cfg);
    ASSERT_TRUE(dev.ok()) << dev.error().message;
    device_slot().emplace(std::move(*dev));
}

void EspEnvironment::TearDown() {
    device_slot().reset();
    rte_mempool_free(pool_slot());
    pool_slot() = nullptr;
}

dp::CryptoDevice& EspEnvironment::device() { return *device_slot(); }
rte_mempool* EspEnvironment::pool() { return pool_slot(); }
dp::CryptoLane lane0() { return EspEnvironment::device().lane(0); }

const std::vector<Algo>& all_algos() {
    static const std::vector<Algo> algos = {
        {CipherAlg::aes_gcm_128, AuthAlg::none, "gcm128"},
        {CipherAlg::aes_gcm_256, AuthAlg::none, "gcm256"},
        {CipherAlg::aes_cbc_128, AuthAlg::sha1_96, "cbc128_sha1"},
        {CipherAlg::aes_cbc_128, AuthAlg::sha256_128, "cbc128_sha256"},
        {CipherAlg::aes_cbc_128, AuthAlg::sha384_192, "cbc128_sha384"},
        {CipherAlg::aes_cbc_128, AuthAlg::sha512_256, "cbc128_sha512"},
        {CipherAlg::aes_cbc_256, AuthAlg::sha1_96, "cbc256_sha1"},
        {CipherAlg::aes_cbc_256, AuthAlg::sha256_128, "cbc256_sha256"},
        {CipherAlg::aes_cbc_256, AuthAlg::sha384_192, "cbc256_sha384"},
        {CipherAlg::aes_cbc_256, AuthAlg::sha512_256, "cbc256_sha512"},
    };
    return algos;
}

dpapi::SaParams make_sa(Direction dir, const Algo& a, bool esn, bool natt, uint32_t spi) {
    dpapi::SaParams p;
    p.sa_id = spi & 0xff;
    p.spi = spi;
    p.direction = dir;
    p.cipher = a.cipher;
    p.auth = a.auth;
    const bool k128 = a.cipher == CipherAlg::aes_gcm_128 || a.cipher == CipherAlg::aes_cbc_128;
    p.cipher_key_len = k128 ? 16 : 32;
    for (size_t i = 0; i < p.cipher_key.size(); ++i) p.cipher_key[i] = static_cast<uint8_t>(0x11 * (i + 1) + spi);
    p.salt = 0xcafebabe;  // KEYMAT salt bytes ca fe ba be
    static const uint8_t key_len[] = {0, 20, 32, 48, 64};
    p.auth_key_len = key_len[static_cast<int>(a.auth)];
    for (size_t i = 0; i < p.auth_key.size(); ++i) p.auth_key[i] = static_cast<uint8_t>(0xa0 + 7 * i);
    // Outbound 192.0.2.1 -> 198.51.100.1; the peer's inbound SA sees the same outer addresses.
    p.tunnel_src = Ipv4Address(192, 0, 2, 1);
    p.tunnel_dst = Ipv4Address(198, 51, 100, 1);
    p.esn = esn;
    p.replay_window = 64;
    p.natt = natt;
    p.natt_src_port = 4500;
    p.natt_dst_port = 4500;
    return p;
}

Bytes make_inner(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, size_t payload,
                 uint8_t tos, bool df, uint8_t seed) {
    Bytes b(20 + 8 + payload);
    b[0] = 0x45;
    b[1] = tos;
    const uint16_t total = static_cast<uint16_t>(b.size());
    b[2] = static_cast<uint8_t>(total >> 8);
    b[3] = static_cast<uint8_t>(total);
    b[4] = 0x12;
    b[5] = seed;
    b[6] = df ? 0x40 : 0;
    b[8] = 61;
    b[9] = IPPROTO_UDP;
    for (int i = 0; i < 4; ++i) {
        b[12 + i] = static_cast<uint8_t>(src >> (24 - 8 * i));
        b[16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
    }
    const uint16_t ck = ipv4_checksum_of(b);
    b[10] = static_cast<uint8_t>(ck >> 8);
    b[11] = static_cast<uint8_t>(ck);
    b[20] = static_cast<uint8_t>(sport >> 8);
    b[21] = static_cast<uint8_t>(sport);
    b[22] = static_cast<uint8_t>(dport >> 8);
    b[23] = static_cast<uint8_t>(dport);
    const uint16_t ulen = static_cast<uint16_t>(8 + payload);
    b[24] = static_cast<uint8_t>(ulen >> 8);
    b[25] = static_cast<uint8_t>(ulen);
    for (size_t i = 0; i < payload; ++i) b[28 + i] = static_cast<uint8_t>(i * 13 + seed);
    return b;
}

Bytes default_inner(size_t payload, uint8_t seed) {
    return make_inner(0x0a010001, 0x0a020001, 1000, 2000, payload, 0, false, seed);
}

uint16_t ipv4_checksum_of(const Bytes& b, size_t off) {
    const size_t ihl = (b[off] & 0xf) * 4u;
    uint32_t sum = 0;
    for (size_t i = 0; i < ihl; i += 2) sum += (uint32_t{b[off + i]} << 8) | b[off + i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

rte_mbuf* to_mbuf(const Bytes& b) {
    rte_mbuf* m = rte_pktmbuf_alloc(EspEnvironment::pool());
    if (m == nullptr) return nullptr;
    char* d = rte_pktmbuf_append(m, static_cast<uint16_t>(b.size()));
    if (d == nullptr) {
        rte_pktmbuf_free(m);
        return nullptr;
    }
    std::memcpy(d, b.data(), b.size());
    return m;
}

Bytes to_bytes(const rte_mbuf* m) {
    Bytes b(m->pkt_len);
    const void* p = rte_pktmbuf_read(m, 0, m->pkt_len, b.data());
    if (p != b.data()) std::memcpy(b.data(), p, m->pkt_len);
    return b;
}

size_t Outcome::count(dp::DropReason r) const {
    size_t n = 0;
    for (auto d : dropped) n += d == r;
    return n;
}

namespace {
template <typename Fn>
Outcome run(dp::Sa& sa, const std::vector<Bytes>& pkts, Fn&& fn) {
    std::vector<rte_mbuf*> mb;
    for (auto& p : pkts) {
        mb.push_back(to_mbuf(p));
        EXPECT_NE(mb.back(), nullptr);
    }
    std::vector<dp::DropReason> reasons(pkts.size(), dp::DropReason::crypto_error);
    const uint16_t k = fn(sa.runtime(), lane0(), mb.data(), static_cast<uint16_t>(mb.size()), reasons.data());
    Outcome o;
    for (uint16_t i = 0; i < mb.size(); ++i) {
        if (i < k) {
            EXPECT_EQ(reasons[i], dp::DropReason::none);
            o.good.push_back(to_bytes(mb[i]));
        } else {
            EXPECT_NE(reasons[i], dp::DropReason::none);
            o.dropped.push_back(reasons[i]);
        }
        rte_pktmbuf_free(mb[i]);
    }
    return o;
}
}  // namespace

Outcome run_outbound(dp::Sa& sa, const std::vector<Bytes>& pkts) {
    return run(sa, pkts, dp::esp_outbound_burst);
}
Outcome run_inbound(dp::Sa& sa, const std::vector<Bytes>& pkts) {
    return run(sa, pkts, dp::esp_inbound_burst);
}

Bytes standard_pad(size_t payload_len) {
    Bytes pad;
    while ((payload_len + pad.size() + 2) % 4 != 0) pad.push_back(static_cast<uint8_t>(pad.size() + 1));
    return pad;
}

Bytes craft_gcm_esp(const dpapi::SaParams& in, uint64_t seq, const Bytes& payload,
                    uint8_t next_header, const Bytes& pad) {
    Bytes plain = payload;
    plain.insert(plain.end(), pad.begin(), pad.end());
    plain.push_back(static_cast<uint8_t>(pad.size()));
    plain.push_back(next_header);

    uint8_t iv8[8];
    for (int i = 0; i < 8; ++i) iv8[i] = static_cast<uint8_t>(0x50 + i + seq);
    uint8_t nonce[12];
    for (int i = 0; i < 4; ++i) nonce[i] = static_cast<uint8_t>(in.salt >> (24 - 8 * i));  // big-endian
    std::memcpy(nonce + 4, iv8, 8);
    Bytes aad;
    auto put32 = [](Bytes& v, uint32_t x) {
        for (int i = 3; i >= 0; --i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
    };
    put32(aad, in.spi);
    if (in.esn) put32(aad, static_cast<uint32_t>(seq >> 32));
    put32(aad, static_cast<uint32_t>(seq));

    Bytes cipher(plain.size());
    uint8_t tag[16];
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    const EVP_CIPHER* alg = in.cipher_key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
    int len = 0;
    EVP_EncryptInit_ex(ctx.get(), alg, nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr);
    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, in.cipher_key.data(), nonce);
    EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size()));
    EVP_EncryptUpdate(ctx.get(), cipher.data(), &len, plain.data(), static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(ctx.get(), cipher.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag);

    Bytes esp;
    put32(esp, in.spi);
    put32(esp, static_cast<uint32_t>(seq));
    esp.insert(esp.end(), iv8, iv8 + 8);
    esp.insert(esp.end(), cipher.begin(), cipher.end());
    esp.insert(esp.end(), tag, tag + 16);

    Bytes out(20);
    if (in.natt) {
        Bytes udp;
        udp.push_back(static_cast<uint8_t>(in.natt_src_port >> 8));
        udp.push_back(static_cast<uint8_t>(in.natt_src_port));
        udp.push_back(static_cast<uint8_t>(in.natt_dst_port >> 8));
        udp.push_back(static_cast<uint8_t>(in.natt_dst_port));
        const uint16_t ul = static_cast<uint16_t>(8 + esp.size());
        udp.push_back(static_cast<uint8_t>(ul >> 8));
        udp.push_back(static_cast<uint8_t>(ul));
        udp.push_back(0);
        udp.push_back(0);
        out.insert(out.end(), udp.begin(), udp.end());
    }
    out.insert(out.end(), esp.begin(), esp.end());
    out[0] = 0x45;
    out[2] = static_cast<uint8_t>(out.size() >> 8);
    out[3] = static_cast<uint8_t>(out.size());
    out[8] = 64;
    out[9] = in.natt ? IPPROTO_UDP : IPPROTO_ESP;
    const uint32_t src = in.tunnel_src.value();
    const uint32_t dst = in.tunnel_dst.value();
    for (int i = 0; i < 4; ++i) {
        out[12 + i] = static_cast<uint8_t>(src >> (24 - 8 * i));
        out[16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
    }
    const uint16_t ck = ipv4_checksum_of(out);
    out[10] = static_cast<uint8_t>(ck >> 8);
    out[11] = static_cast<uint8_t>(ck);
    return out;
}

std::string to_hex(const Bytes& b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (uint8_t x : b) {
        s.push_back(d[x >> 4]);
        s.push_back(d[x & 15]);
    }
    return s;
}

Bytes from_hex(const std::string& s) {
    Bytes b;
    for (size_t i = 0; i + 1 < s.size(); i += 2) b.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
    return b;
}

}  // namespace tandem::test
