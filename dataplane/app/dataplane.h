// Dataplane: one gateway's fast path assembled from its configuration — ports, kernel
// interfaces, the crypto device, the RCU variable, the tables, the rings between lcores and the
// worker contexts — and run: workers on their lcores, poll() on the main lcore.
//
//   create()  after rte_eal_init(): every resource, or an error naming what failed (nothing is
//             left half-built: owners release in their destructors)
//   start()   launches worker_main on each worker lcore
//   poll()    one main-lcore iteration (exception path, ARP, events, RCU reclamation)
//   stop()    asks workers to stop and waits for them
//
// Security policy, SAs, run-time routes and virtual addresses arrive over the control API; the
// configuration gives ports, addresses and the operator's static routes.
#pragma once

#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <atomic>
#include <memory>
#include <vector>

#include "common/config/model.h"
#include "common/result.h"
#include "dataplane/eal/kernel_interface.h"
#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/eal/virtual_address_host.h"
#include "dataplane/ipsec/crypto_device.h"
#include "dataplane/pipeline/main_lcore.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"

namespace tandem::dp {

struct DataplaneOptions {
    bool kernel_interfaces = true;  // a TAP per port (needs root); tests may run without
};

class Dataplane {
public:
    static Result<std::unique_ptr<Dataplane>> create(const config::Config& cfg, const DataplaneOptions& opts);
    ~Dataplane();
    Dataplane(const Dataplane&) = delete;
    Dataplane& operator=(const Dataplane&) = delete;

    Result<void> start();
    void stop();
    bool poll(uint64_t now_ms) { return main_poll(main_, now_ms); }

    Tables& tables() { return *tables_; }
    MainContext& main_context() { return main_; }
    std::vector<WorkerContext*> workers();
    const std::vector<std::string>& port_names() const { return port_names_; }
    const std::vector<Port>& ports() const { return ports_; }
    const CryptoDevice& crypto() const { return *crypto_; }
    uint32_t worker_lcore(uint16_t worker) const { return worker_lcores_[worker]; }
    const TablesConfig& tables_config() const { return tables_config_; }
    // The ports' and kernel interfaces' side of virtual addresses, for the API server.
    VirtualAddressHost& vaddr_host() { return *vaddr_host_; }

private:
    Dataplane() = default;

    std::vector<uint32_t> worker_lcores_;
    TablesConfig tables_config_;
    std::unique_ptr<Mempool> pool_;
    std::vector<Port> ports_;
    std::vector<std::string> port_names_;           // configured interface names, by port index
    std::vector<KernelInterface> kernel_;
    std::unique_ptr<VirtualAddressHost> vaddr_host_;  // points into ports_ and kernel_
    std::unique_ptr<CryptoDevice> crypto_;
    rte_rcu_qsbr* rcu_ = nullptr;
    std::unique_ptr<Tables> tables_;
    std::vector<rte_ring*> rings_;                  // mbuf rings, drained and freed at the end
    rte_ring* event_ring_ = nullptr;
    std::vector<std::unique_ptr<WorkerContext>> workers_;
    MainContext main_;
    std::atomic<bool> stop_{false};
    bool running_ = false;
};

}  // namespace tandem::dp
