// What the single-core benchmark measures and how it times it.
//
//   BenchCase     one cell of the matrix: encap or decap x AES-GCM-128 or AES-CBC-128+HMAC-SHA-256
//                 x inner IPv4 packet of 64, 512 or 1420 bytes
//   EspGeometry   the ESP work one packet of a case costs the crypto device: the bytes rte_ipsec
//                 hands to it per packet (cipher and auth lengths, IV, ICV, AAD), so the pipeline
//                 and the raw crypto ceiling do exactly the same crypto
//   BurstTimer    both measurements run the same loop:
//
//                   repeat until the wall-clock budget is spent:
//                     refill   (not timed: fresh input for the burst, what a NIC's RX would do)
//                     t0 = TSC; one burst of 32 packets; t1 = TSC     (timed)
//
//                 Per-burst TSC deltas are kept. A burst during which the OS took the core away
//                 (this machine is shared) costs orders of magnitude more than the others, so the
//                 figure reported is the mean over bursts no slower than 4x the median burst; the
//                 untrimmed mean and the share of bursts dropped are reported beside it.
#pragma once

#include <rte_cycles.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem::bench {

inline constexpr uint16_t kBurst = 32;

enum class Algo : uint8_t { gcm128, cbc128_sha256 };

inline const char* algo_name(Algo a) { return a == Algo::gcm128 ? "aes-gcm-128" : "aes-cbc-128+sha256"; }

struct BenchCase {
    bool encap = true;
    Algo algo = Algo::gcm128;
    uint16_t inner_len = 64;  // bytes of the inner IPv4 packet (header included)

    std::string name() const {
        return std::string(encap ? "encap" : "decap") + " " + algo_name(algo) + " " + std::to_string(inner_len);
    }
};

// Per-packet ESP crypto of a case, laid out as rte_ipsec (22.11, tunnel mode) presents it to a
// CPU-crypto device:
//   GCM:  data = ESP payload (inner packet + padding + pad length + next header, a multiple of 4),
//         AAD = SPI + sequence number (8 bytes), IV = salt + explicit IV (12 bytes), ICV 16
//   CBC:  data = ESP header (8) + IV (16) + payload padded to 16; cipher skips the first 24 bytes,
//         HMAC-SHA-256 covers all of it; ICV 16
struct EspGeometry {
    uint16_t esp_iv_len;   // IV bytes on the wire (8 GCM, 16 CBC)
    uint16_t icv_len;      // 16
    uint16_t payload_len;  // encrypted bytes: inner + padding + 2
    uint16_t data_len;     // bytes handed to the device (payload; CBC: plus ESP header and IV)
    uint16_t cipher_head;  // where encryption starts in data
    uint16_t wire_len;     // outer IPv4 + ESP header + IV + payload + ICV (no Ethernet)
};

inline EspGeometry esp_geometry(Algo a, uint16_t inner_len) {
    const bool gcm = a == Algo::gcm128;
    const uint16_t align = gcm ? 4 : 16;
    const uint16_t payload = static_cast<uint16_t>((inner_len + 2 + align - 1) / align * align);
    const uint16_t iv = gcm ? 8 : 16;
    EspGeometry g{};
    g.esp_iv_len = iv;
    g.icv_len = 16;
    g.payload_len = payload;
    g.data_len = gcm ? payload : static_cast<uint16_t>(8 + iv + payload);
    g.cipher_head = gcm ? 0 : static_cast<uint16_t>(8 + iv);
    g.wire_len = static_cast<uint16_t>(20 + 8 + iv + payload + 16);
    return g;
}

// One measurement of one case (pipeline or ceiling).
struct Sample {
    uint64_t packets = 0;             // packets in the timed bursts
    uint64_t bursts = 0;
    double cycles_per_packet = 0;     // trimmed mean (see above): the figure reported
    double raw_cycles_per_packet = 0; // untrimmed mean
    double trimmed_share = 0;         // bursts left out of the trimmed mean
    double wall_cycles_per_packet = 0;  // elapsed TSC / packets, refill and bookkeeping included
    uint64_t failures = 0;            // packets that did not come out right (must be 0)
};

class BurstTimer {
public:
    explicit BurstTimer(uint64_t duration_tsc) : start_(rte_rdtsc()), end_(start_ + duration_tsc) {
        cycles_.reserve(1u << 20);
    }
    bool running() const { return rte_rdtsc() < end_; }
    void add(uint64_t cycles) { cycles_.push_back(cycles); }

    Sample finish(uint64_t packets_per_burst, uint64_t failures) {
        Sample s;
        const uint64_t elapsed = rte_rdtsc() - start_;
        s.bursts = cycles_.size();
        s.packets = s.bursts * packets_per_burst;
        s.failures = failures;
        if (cycles_.empty()) return s;
        std::vector<uint64_t> sorted = cycles_;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2), sorted.end());
        const uint64_t limit = 4 * sorted[sorted.size() / 2];
        uint64_t sum = 0, kept_sum = 0, kept = 0;
        for (uint64_t c : cycles_) {
            sum += c;
            if (c <= limit) {
                kept_sum += c;
                ++kept;
            }
        }
        const double ppb = static_cast<double>(packets_per_burst);
        s.raw_cycles_per_packet = static_cast<double>(sum) / (static_cast<double>(s.bursts) * ppb);
        s.cycles_per_packet = static_cast<double>(kept_sum) / (static_cast<double>(kept) * ppb);
        s.trimmed_share = 1.0 - static_cast<double>(kept) / static_cast<double>(s.bursts);
        s.wall_cycles_per_packet = static_cast<double>(elapsed) / static_cast<double>(s.packets);
        return s;
    }

private:
    uint64_t start_;
    uint64_t end_;
    std::vector<uint64_t> cycles_;
};

}  // namespace tandem::bench
