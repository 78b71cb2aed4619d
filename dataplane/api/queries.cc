// ApiServer's queries: statistics and table dumps. Each answer is a list split into data messages
// of at most max_items_per_message(type) items (at least one message, possibly empty), then the
// REPLY. Statistics are read without stopping the workers: every counter is exact, the set is not
// one instant (docs/dataplane-api.md).
//
//   STATS_PORTS    rte_eth_stats_get per port; tx_drops: what the workers' TX bursts to the port
//                  did not take (WorkerCounters::tx_drops, summed)
//   STATS_SAS      Sa::stats() (last_sequence as the owner worker publishes it) plus the idle
//                  time this server watches (events.cc)
//   STATS_WORKERS  WorkerContext::counters
//   STATS_DROPS    the workers' drop counters, summed
//   DUMP_*         Tables' read-back; routes: version 1 those installed through the API,
//                  version 2 every route of the FIB with its origin
#include <rte_ethdev.h>

#include "dataplane/api/server.h"

namespace tandem::dp {

namespace {

template <typename List, typename Item, typename Emit>
void send_split(std::vector<Item> items, std::vector<Item> List::*field, size_t per_message, Emit&& emit) {
    size_t at = 0;
    do {
        List list;
        size_t n = std::min(per_message, items.size() - at);
        auto first = items.begin() + static_cast<std::ptrdiff_t>(at);
        (list.*field).assign(std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(n)));
        at += n;
        emit(std::move(list));
    } while (at < items.size());
}

uint64_t load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

std::vector<dpapi::PortStats> ApiServer::port_stats() const {
    std::vector<dpapi::PortStats> out;
    const auto& ports = cfg_.tables->ports();
    for (uint16_t p = 0; p < ports.size(); ++p) {
        dpapi::PortStats s;
        s.port = p;
        rte_eth_stats st{};
        if (rte_eth_stats_get(ports[p].eth_id, &st) == 0) {
            s.rx_packets = st.ipackets;
            s.rx_bytes = st.ibytes;
            s.rx_errors = st.ierrors;
            s.rx_drops = st.imissed + st.rx_nombuf;
            s.tx_packets = st.opackets;
            s.tx_bytes = st.obytes;
            s.tx_errors = st.oerrors;
        }
        for (const auto& w : cfg_.workers) {
            if (w.ctx && p < kMaxPorts) s.tx_drops += load(w.ctx->counters.tx_drops[p]);
        }
        if (cfg_.main && p < kMaxPorts) s.tx_drops += cfg_.main->counters.tx_drops[p];  // same thread
        out.push_back(s);
    }
    return out;
}

std::vector<dpapi::WorkerStats> ApiServer::worker_stats() const {
    std::vector<dpapi::WorkerStats> out;
    for (const auto& w : cfg_.workers) {
        if (!w.ctx) continue;
        const auto& c = w.ctx->counters;
        out.push_back(dpapi::WorkerStats{w.lcore_id, load(c.packets), load(c.busy_cycles), load(c.idle_cycles),
                                         load(c.handoffs)});
    }
    return out;
}

dpapi::DropCounters ApiServer::drop_stats() const {
    dpapi::DropCounters sum{};
    for (const auto& w : cfg_.workers) {
        if (!w.ctx) continue;
        for (size_t i = 0; i < dpapi::kDropReasonCount; ++i) sum[i] += load(w.ctx->counters.drops[i]);
    }
    return sum;
}

std::vector<dpapi::Route> ApiServer::dump_routes(uint16_t version) const {
    if (version >= 2) return cfg_.tables->dump_routes();
    std::vector<dpapi::Route> out;
    for (const auto& [prefix, route] : routes_) {
        if (auto r = cfg_.tables->fib().find(prefix)) out.push_back(*r);
    }
    return out;
}

dpapi::CodecResult<std::vector<dpapi::SaStats>> ApiServer::sa_stats(const std::vector<uint32_t>& ids, uint64_t now_ms) {
    scan_sas(now_ms);  // fresh idle times
    std::vector<uint32_t> wanted = ids;
    if (wanted.empty()) {
        for (uint32_t id = 0; id < cfg_.max_sas; ++id) {
            if (cfg_.tables->sa_at(id)) wanted.push_back(id);
        }
    }
    std::vector<dpapi::SaStats> out;
    for (size_t i = 0; i < wanted.size(); ++i) {
        const SaEntry* e = cfg_.tables->sa_at(wanted[i]);
        if (!e) {
            return dpapi::CodecError{dpapi::Status::not_found, static_cast<uint32_t>(i),
                                     "SA " + std::to_string(wanted[i]) + " is not installed", 0};
        }
        SaStats st = e->sa.stats();
        dpapi::SaStats s;
        s.sa_id = wanted[i];
        s.packets = st.packets;
        s.bytes = st.bytes;
        s.replay_drops = st.drops_of(DropReason::replay);
        s.auth_drops = st.drops_of(DropReason::auth_failure);
        s.policy_mismatch_drops = st.drops_of(DropReason::policy_mismatch);
        s.malformed_drops = st.drops_of(DropReason::malformed);
        s.last_sequence = st.last_sequence;
        s.idle_ms = dpapi::kNeverUsed;
        if (wanted[i] < watch_.size() && watch_[wanted[i]].entry == e && watch_[wanted[i]].used) {
            s.idle_ms = now_ms >= watch_[wanted[i]].last_active_ms ? now_ms - watch_[wanted[i]].last_active_ms : 0;
        }
        out.push_back(s);
    }
    return out;
}

void ApiServer::answer_query(Client& c, const dpapi::Message& m) {
    using dpapi::MessageType;
    const uint32_t id = m.request_id;
    auto data = [&](auto body) { queue(c, dpapi::Message{id, 0, std::move(body), c.version}); };
    auto per = [](MessageType t) { return dpapi::max_items_per_message(t); };
    switch (type_of(m)) {
    case MessageType::stats_ports:
        send_split(port_stats(), &dpapi::PortStatsList::ports, per(MessageType::port_stats), data);
        break;
    case MessageType::stats_sas: {
        auto stats = sa_stats(std::get<dpapi::StatsSas>(m.body).sa_ids, now_ms_);
        if (!stats) {
            reply(c, id, stats.error().status, stats.error().item, stats.error().text);
            return;
        }
        send_split(std::move(*stats), &dpapi::SaStatsList::sas, per(MessageType::sa_stats), data);
        break;
    }
    case MessageType::stats_workers:
        send_split(worker_stats(), &dpapi::WorkerStatsList::workers, per(MessageType::worker_stats), data);
        break;
    case MessageType::stats_drops: data(dpapi::DropStats{drop_stats()}); break;
    case MessageType::dump_sas:
        send_split(cfg_.tables->dump_sas(), &dpapi::SaList::sas, per(MessageType::sa_list), data);
        break;
    case MessageType::dump_policies:
        send_split(cfg_.tables->dump_policies(), &dpapi::PolicyList::rules, per(MessageType::policy_list), data);
        break;
    case MessageType::dump_routes:
        send_split(dump_routes(c.version), &dpapi::RouteList::routes, per(MessageType::route_list), data);
        break;
    case MessageType::dump_vaddrs:
        send_split(cfg_.tables->dump_addresses(), &dpapi::VaddrList::addresses, per(MessageType::vaddr_list), data);
        break;
    default:
        reply(c, id, dpapi::Status::unexpected_message, dpapi::kNoItem,
              std::string(dpapi::message_type_name(type_of(m))) + " is not handled");
        return;
    }
    reply(c, id, dpapi::Status::ok);
}

}  // namespace tandem::dp
