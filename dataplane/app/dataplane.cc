#include "dataplane/app/dataplane.h"

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <algorithm>

#include "dataplane/eal/eal_args.h"
#include "dataplane/pipeline/packet_meta.h"

namespace tandem::dp {

namespace {

rte_ring* make_ring(std::vector<rte_ring*>& all, const std::string& name, unsigned size, unsigned flags,
                    unsigned elem = 0) {
    rte_ring* r = elem ? rte_ring_create_elem(name.c_str(), elem, size, SOCKET_ID_ANY, flags)
                       : rte_ring_create(name.c_str(), size, SOCKET_ID_ANY, flags);
    if (r) all.push_back(r);
    return r;
}

}  // namespace

Result<std::unique_ptr<Dataplane>> Dataplane::create(const config::Config& cfg, const DataplaneOptions& opts) {
    std::unique_ptr<Dataplane> d(new Dataplane());
    const auto& dc = cfg.dataplane;
    d->worker_lcores_ = dc.workers;
    if (d->worker_lcores_.empty()) d->worker_lcores_.push_back(dc.main_lcore + 1);
    for (uint32_t l : d->worker_lcores_) {
        if (!rte_lcore_is_enabled(l)) return Error("worker lcore " + std::to_string(l) + " is not enabled in EAL");
    }
    const auto n_workers = static_cast<uint16_t>(d->worker_lcores_.size());

    std::vector<const config::Interface*> itfs;
    for (const auto& i : cfg.interfaces) {
        if (i.port) itfs.push_back(&i);
    }
    if (itfs.empty()) return Error("no interface has a port: nothing to forward");
    if (itfs.size() > kMaxPorts) return Error("at most " + std::to_string(kMaxPorts) + " ports");

    auto pool = Mempool::create("tandem_mbufs", dc.mbufs * static_cast<unsigned>(itfs.size()), dc.mbuf_cache, SOCKET_ID_ANY);
    if (!pool) return pool.error();
    d->pool_ = std::make_unique<Mempool>(std::move(*pool));

    auto meta = register_packet_meta();
    if (!meta) return meta.error();

    std::vector<PortInfo> infos;
    std::vector<uint16_t> rx_queues;
    for (const config::Interface* itf : itfs) {
        // net_af_packet fans received frames out over all its queue pairs (qpairs=, set by
        // build_eal_args to workers + 1): every one of them must be polled. Other devices get one
        // RX queue per worker.
        std::string dev = device_name(*itf->port);
        auto nrx = static_cast<uint16_t>(dev.rfind("net_af_packet", 0) == 0 ? n_workers + 1 : n_workers);
        rx_queues.push_back(nrx);
        auto port = Port::create(PortSettings{dev, nrx, static_cast<uint16_t>(n_workers + 1),
                                              1024, 1024, itf->mtu, d->pool_->get()});
        if (!port) return Error("interface " + itf->name + ": " + port.error().message);
        PortInfo info;
        info.eth_id = port->id();
        std::copy(port->mac().begin(), port->mac().end(), info.mac.addr_bytes);
        info.address = itf->address;
        info.outside = itf->role == config::InterfaceRole::outside;
        info.mtu = itf->mtu;
        if (opts.kernel_interfaces) {
            KernelInterface::Settings ks;
            ks.ifname = kernel_ifname(itf->name);
            ks.mac = port->mac();
            ks.address = itf->address;
            ks.mtu = itf->mtu;
            ks.tx_queues = static_cast<uint16_t>(n_workers + 1);
            ks.pool = d->pool_->get();
            auto k = KernelInterface::create(ks);
            if (!k) return Error("interface " + itf->name + ": " + k.error().message);
            info.kernel_eth_id = k->port().id();
            info.kernel_rx_queues = k->port().rx_queues();
            d->kernel_.push_back(std::move(*k));
        }
        infos.push_back(info);
        d->ports_.push_back(std::move(*port));
        d->port_names_.push_back(itf->name);
    }

    // ports_ and kernel_ are complete: their elements do not move any more.
    std::vector<VirtualAddressHost::PortHandles> handles;
    for (size_t p = 0; p < d->ports_.size(); ++p) {
        handles.push_back({&d->ports_[p], opts.kernel_interfaces ? &d->kernel_[p] : nullptr});
    }
    d->vaddr_host_ = std::make_unique<VirtualAddressHost>(std::move(handles));

    CryptoDeviceConfig cc;
    cc.name = crypto_vdev_name(dc.crypto);
    cc.queue_pairs = n_workers;
    cc.max_sessions = dc.max_sas;  // one crypto session per SA
    auto crypto = CryptoDevice::create(cc);
    if (!crypto) return crypto.error();
    d->crypto_ = std::make_unique<CryptoDevice>(std::move(*crypto));

    size_t rcu_size = rte_rcu_qsbr_get_memsize(n_workers);
    d->rcu_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("tandem_rcu", rcu_size, RTE_CACHE_LINE_SIZE));
    if (!d->rcu_ || rte_rcu_qsbr_init(d->rcu_, n_workers) != 0) return Error("cannot set up the RCU variable");
    for (uint16_t w = 0; w < n_workers; ++w) rte_rcu_qsbr_thread_register(d->rcu_, w);

    TablesConfig& tc = d->tables_config_;
    tc.workers = n_workers;
    tc.max_sas = dc.max_sas;
    tc.max_policies = dc.max_policies;
    tc.fib.max_routes = dc.max_routes;
    // rte_lpm needs a tbl8 group (1 KiB) for each /24 that holds longer routes: 1024 with the
    // default table, one per 8 routes in a larger one (100,000 tunnels' /27s span 12,500 /24s).
    if (dc.max_routes > config::DataplaneSettings{}.max_routes) {
        tc.fib.number_tbl8s = std::max<uint32_t>(1024, dc.max_routes / 8);
    }
    auto tables = Tables::create(tc, infos, *d->crypto_, d->rcu_);
    if (!tables) return tables.error();
    d->tables_ = std::move(*tables);

    // The operator's static routes.
    for (const auto& r : cfg.routes) {
        dpapi::Route route{r.prefix, dpapi::RouteKind::forward, 0, r.next_hop.value_or(Ipv4Address())};
        bool placed = false;
        for (uint16_t p = 0; p < infos.size(); ++p) {
            bool by_name = r.interface && d->port_names_[p] == *r.interface;
            bool by_subnet = !r.interface && r.next_hop && infos[p].address && infos[p].address->subnet().contains(*r.next_hop);
            if (by_name || by_subnet) {
                route.port = p;
                placed = true;
                break;
            }
        }
        if (!placed) return Error("route " + r.prefix.str() + ": no dataplane port reaches its next hop");
        std::vector<dpapi::Route> one{route};
        if (auto res = d->tables_->add_routes(one); !res) return res.error();
    }

    rte_ring* to_main = make_ring(d->rings_, "tandem_to_main", 4096, RING_F_SC_DEQ);
    std::vector<rte_ring*> event_rings;
    rte_ring* events = make_ring(event_rings, "tandem_events", 1024, RING_F_SC_DEQ, sizeof(AcquireEvent));
    d->event_ring_ = events;
    if (!to_main || !events) return Error(std::string("rings: ") + rte_strerror(rte_errno));
    std::vector<rte_ring*> handoffs;
    for (uint16_t w = 0; w < n_workers; ++w) {
        rte_ring* r = make_ring(d->rings_, "tandem_handoff" + std::to_string(w), 4096, RING_F_SC_DEQ);
        if (!r) return Error(std::string("rings: ") + rte_strerror(rte_errno));
        handoffs.push_back(r);
    }
    for (uint16_t w = 0; w < n_workers; ++w) {
        auto ctx = std::make_unique<WorkerContext>();
        ctx->index = w;
        ctx->tables = d->tables_.get();
        ctx->lane = d->crypto_->lane(w);
        ctx->meta_offset = *meta;
        for (uint16_t p = 0; p < infos.size(); ++p) {
            for (uint16_t q = w; q < rx_queues[p]; q = static_cast<uint16_t>(q + n_workers)) ctx->rx.push_back(RxQueue{p, q});
        }
        ctx->handoff_in = handoffs[w];
        ctx->handoff_out = handoffs;
        ctx->to_main = to_main;
        ctx->events = events;
        ctx->rcu = d->rcu_;
        ctx->stop = &d->stop_;
        ctx->adaptive = dc.poll == config::PollMode::adaptive;
        ctx->acquire_interval_tsc = rte_get_tsc_hz();  // one ACQUIRE per policy per second
        d->workers_.push_back(std::move(ctx));
    }
    d->main_.tables = d->tables_.get();
    d->main_.meta_offset = *meta;
    d->main_.to_main = to_main;
    d->main_.events = events;
    d->main_.pool = d->pool_->get();
    d->main_.tx_queue = n_workers;
    return d;
}

Result<void> Dataplane::start() {
    stop_.store(false);
    for (size_t w = 0; w < workers_.size(); ++w) {
        if (int rc = rte_eal_remote_launch(worker_main, workers_[w].get(), worker_lcores_[w]); rc != 0) {
            stop();
            return Error("cannot launch worker on lcore " + std::to_string(worker_lcores_[w]) + ": " + rte_strerror(-rc));
        }
    }
    running_ = true;
    return {};
}

void Dataplane::stop() {
    stop_.store(true);
    for (uint32_t l : worker_lcores_) rte_eal_wait_lcore(l);
    running_ = false;
}

std::vector<WorkerContext*> Dataplane::workers() {
    std::vector<WorkerContext*> out;
    for (auto& w : workers_) out.push_back(w.get());
    return out;
}

Dataplane::~Dataplane() {
    if (running_) stop();
    // Packets still in flight between lcores.
    for (rte_ring* r : rings_) {
        void* m;
        while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
    workers_.clear();
    vaddr_host_.reset();
    tables_.reset();  // SAs before the crypto device
    for (rte_ring* r : rings_) rte_ring_free(r);
    rte_ring_free(event_ring_);
    rte_free(rcu_);
    crypto_.reset();
    kernel_.clear();
    ports_.clear();
    pool_.reset();
}

}  // namespace tandem::dp
