// The raw crypto ceiling (see crypto_ceiling.h): sessions built with the same transforms as an
// SA's (dataplane/ipsec/sa.cc), buffers laid out as rte_ipsec presents packets to CPU crypto.
#include "bench/crypto_ceiling.h"

#include <rte_errno.h>

#include <cstring>
#include <string>
#include <utility>

namespace tandem::bench {

namespace {

constexpr uint8_t kCipherKey[16] = {0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                    0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f};
constexpr uint8_t kAuthKey[32] = {1, 2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

// The session of one direction; the transforms live on this stack frame only while it runs.
void* make_session(const dp::CryptoDevice& dev, Algo algo, bool encrypt) {
    rte_crypto_sym_xform first{};
    rte_crypto_sym_xform second{};
    if (algo == Algo::gcm128) {
        first.type = RTE_CRYPTO_SYM_XFORM_AEAD;
        first.aead.op = encrypt ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
        first.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
        first.aead.key.data = kCipherKey;
        first.aead.key.length = 16;
        first.aead.iv.offset = dp::CryptoDevice::kIvOffset;
        first.aead.iv.length = 12;
        first.aead.digest_length = 16;
        first.aead.aad_length = 8;
    } else {
        rte_crypto_sym_xform cipher{};
        cipher.type = RTE_CRYPTO_SYM_XFORM_CIPHER;
        cipher.cipher.op = encrypt ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
        cipher.cipher.algo = RTE_CRYPTO_CIPHER_AES_CBC;
        cipher.cipher.key.data = kCipherKey;
        cipher.cipher.key.length = 16;
        cipher.cipher.iv.offset = dp::CryptoDevice::kIvOffset;
        cipher.cipher.iv.length = 16;
        rte_crypto_sym_xform auth{};
        auth.type = RTE_CRYPTO_SYM_XFORM_AUTH;
        auth.auth.op = encrypt ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
        auth.auth.algo = RTE_CRYPTO_AUTH_SHA256_HMAC;
        auth.auth.key.data = kAuthKey;
        auth.auth.key.length = 32;
        auth.auth.digest_length = 16;
        // As rte_ipsec wants them: encrypt-then-MAC outbound, verify-then-decrypt inbound.
        first = encrypt ? cipher : auth;
        second = encrypt ? auth : cipher;
        first.next = &second;
    }
    return rte_cryptodev_sym_session_create(dev.dev_id(), &first, dev.session_pool());
}

}  // namespace

Result<CryptoCeiling> CryptoCeiling::create(const dp::CryptoDevice& dev, const BenchCase& c) {
    if (!dev.cpu_crypto()) {
        return Error("crypto device " + dev.name() + " (" + dev.driver() + ") has no CPU crypto");
    }
    CryptoCeiling cc;
    cc.dev_id_ = dev.dev_id();
    cc.case_ = c;
    cc.geo_ = esp_geometry(c.algo, c.inner_len);
    cc.session_ = make_session(dev, c.algo, c.encap);
    cc.opposite_ = make_session(dev, c.algo, !c.encap);
    if (cc.session_ == nullptr || cc.opposite_ == nullptr) {
        return Error("cannot create crypto sessions: " + std::string(rte_strerror(rte_errno)));
    }
    const bool gcm = c.algo == Algo::gcm128;
    cc.ofs_.raw = 0;
    cc.ofs_.ofs.cipher.head = cc.geo_.cipher_head;

    // Buffers 64-byte aligned apart (as mbuf data is), data then ICV.
    cc.stride_ = (cc.geo_.data_len + cc.geo_.icv_len + 63u) / 64u * 64u;
    cc.req_ = std::make_unique<Request>();
    Request& r = *cc.req_;
    const size_t bytes = size_t{cc.stride_} * kBurst;
    r.plain.assign(bytes, 0);
    for (uint32_t i = 0; i < kBurst; ++i) {
        uint8_t* b = r.plain.data() + size_t{i} * cc.stride_;
        for (uint32_t j = 0; j < cc.geo_.data_len; ++j) b[j] = static_cast<uint8_t>(i * 7 + j);
        const uint32_t seq = 1000 + i;
        uint8_t esp[8] = {0, 0, 0x10, 0x01,
                          static_cast<uint8_t>(seq >> 24), static_cast<uint8_t>(seq >> 16),
                          static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq)};
        if (gcm) {
            std::memcpy(r.aads[i], esp, 8);                     // AAD: SPI + sequence number
            const uint8_t salt[4] = {0xca, 0xfe, 0xba, 0xbe};
            std::memcpy(r.ivs[i], salt, 4);                     // IV: salt + explicit IV
            std::memcpy(r.ivs[i] + 4, esp + 4, 4);
            std::memset(r.ivs[i] + 8, 0x5a, 4);
        } else {
            std::memcpy(b, esp, 8);                             // authenticated ESP header
            for (int k = 0; k < 16; ++k) r.ivs[i][k] = static_cast<uint8_t>(seq + k);
            std::memcpy(b + 8, r.ivs[i], 16);                   // the IV travels in the packet
        }
    }
    r.work = r.plain;
    for (uint32_t i = 0; i < kBurst; ++i) {
        uint8_t* b = r.work.data() + size_t{i} * cc.stride_;
        r.vec[i].base = b;
        r.vec[i].iova = 0;
        r.vec[i].len = cc.geo_.data_len;
        r.sgl[i].vec = &r.vec[i];
        r.sgl[i].num = 1;
        r.iv[i].va = r.ivs[i];
        r.aad[i].va = r.aads[i];
        r.digest[i].va = b + cc.geo_.data_len;
    }
    r.sym.num = kBurst;
    r.sym.src_sgl = r.sgl;
    r.sym.dest_sgl = nullptr;
    r.sym.iv = r.iv;
    r.sym.digest = r.digest;
    r.sym.aad = r.aad;  // the same union member as auth_iv: unused for CBC+HMAC
    r.sym.status = r.status;

    if (c.encap) {
        r.pristine = r.plain;
    } else {
        // Ciphertext and ICVs to decrypt: made once by the encrypting session.
        if (cc.run_burst(cc.opposite_) != kBurst) return Error("ceiling set-up: encryption failed");
        r.pristine = r.work;
    }
    return cc;
}

CryptoCeiling::CryptoCeiling(CryptoCeiling&& o) noexcept
    : dev_id_(o.dev_id_),
      session_(std::exchange(o.session_, nullptr)),
      opposite_(std::exchange(o.opposite_, nullptr)),
      case_(o.case_),
      geo_(o.geo_),
      stride_(o.stride_),
      ofs_(o.ofs_),
      req_(std::move(o.req_)) {}

CryptoCeiling& CryptoCeiling::operator=(CryptoCeiling&& o) noexcept {
    if (this != &o) {
        release();
        dev_id_ = o.dev_id_;
        session_ = std::exchange(o.session_, nullptr);
        opposite_ = std::exchange(o.opposite_, nullptr);
        case_ = o.case_;
        geo_ = o.geo_;
        stride_ = o.stride_;
        ofs_ = o.ofs_;
        req_ = std::move(o.req_);
    }
    return *this;
}

CryptoCeiling::~CryptoCeiling() { release(); }

void CryptoCeiling::release() {
    if (session_) rte_cryptodev_sym_session_free(dev_id_, session_);
    if (opposite_) rte_cryptodev_sym_session_free(dev_id_, opposite_);
    session_ = opposite_ = nullptr;
}

void CryptoCeiling::restore() { std::memcpy(req_->work.data(), req_->pristine.data(), req_->work.size()); }

uint32_t CryptoCeiling::run_burst(void* session) {
    return rte_cryptodev_sym_cpu_crypto_process(dev_id_, session, ofs_, &req_->sym);
}

Sample CryptoCeiling::measure(uint64_t duration_tsc) {
    uint64_t failures = 0;
    BurstTimer timer(duration_tsc);
    while (timer.running()) {
        restore();
        const uint64_t t0 = rte_rdtsc();
        const uint32_t done = run_burst(session_);
        const uint64_t t1 = rte_rdtsc();
        timer.add(t1 - t0);
        failures += kBurst - done;
    }
    return timer.finish(kBurst, failures);
}

Result<void> CryptoCeiling::check() {
    Request& r = *req_;
    restore();
    if (uint32_t done = run_burst(session_); done != kBurst) {
        return Error(case_.name() + ": ceiling burst: " + std::to_string(done) + " of 32 succeeded");
    }
    if (case_.encap) {
        // The ciphertext must differ from the plaintext and come back through the decrypting
        // session with every ICV verified.
        if (std::memcmp(r.work.data() + geo_.cipher_head, r.plain.data() + geo_.cipher_head,
                        geo_.payload_len) == 0) {
            return Error(case_.name() + ": ceiling: encryption left the plaintext unchanged");
        }
        if (uint32_t done = run_burst(opposite_); done != kBurst) {
            return Error(case_.name() + ": ceiling: only " + std::to_string(done) + " of 32 outputs verify");
        }
    }
    for (uint32_t i = 0; i < kBurst; ++i) {
        const size_t off = size_t{i} * stride_;
        if (std::memcmp(r.work.data() + off, r.plain.data() + off, geo_.data_len) != 0) {
            return Error(case_.name() + ": ceiling: buffer " + std::to_string(i) + " does not round-trip");
        }
    }
    if (!case_.encap) {
        // A tampered buffer must fail verification: proves the ICV is really checked.
        restore();
        r.work[geo_.cipher_head + 1] ^= 1;
        if (run_burst(session_) != kBurst - 1 || r.status[0] == 0) {
            return Error(case_.name() + ": ceiling: a tampered buffer was not refused");
        }
    }
    return ok_result();
}

}  // namespace tandem::bench
