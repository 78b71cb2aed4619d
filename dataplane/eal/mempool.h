// Mempool: move-only owner of a packet-buffer pool (rte_pktmbuf_pool_create), freed with the
// owner. Sizes come from the configuration (dataplane.mbufs, dataplane.mbuf_cache).
#pragma once

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <string>
#include <utility>

#include "common/result.h"

namespace tandem::dp {

class Mempool {
public:
    static Result<Mempool> create(const std::string& name, unsigned n, unsigned cache, int socket,
                                  uint16_t data_room = RTE_MBUF_DEFAULT_BUF_SIZE) {
        rte_mempool* mp = rte_pktmbuf_pool_create(name.c_str(), n, cache, 0, data_room, socket);
        if (!mp) {
            return Error("cannot create mbuf pool " + name + " (" + std::to_string(n) + " mbufs): " +
                         rte_strerror(rte_errno));
        }
        return Mempool(mp);
    }

    Mempool(Mempool&& o) noexcept : mp_(std::exchange(o.mp_, nullptr)) {}
    Mempool& operator=(Mempool&& o) noexcept {
        if (this != &o) {
            reset();
            mp_ = std::exchange(o.mp_, nullptr);
        }
        return *this;
    }
    Mempool(const Mempool&) = delete;
    Mempool& operator=(const Mempool&) = delete;
    ~Mempool() { reset(); }

    rte_mempool* get() const { return mp_; }
    unsigned available() const { return rte_mempool_avail_count(mp_); }

private:
    explicit Mempool(rte_mempool* mp) : mp_(mp) {}
    void reset() {
        if (mp_) rte_mempool_free(mp_);
        mp_ = nullptr;
    }
    rte_mempool* mp_ = nullptr;
};

}  // namespace tandem::dp
