// The API server in process, driven through the real client over a real Unix socket in a
// temporary directory. The dataplane is assembled as in pipeline_test.cc: two net_ring ports,
// one worker context driven from the test thread, the main lcore's poll in between.
//
//   inside host 10.1.0.5 --- port 0 10.1.0.2/24 [gateway] port 1 192.0.2.2/24 --- peer 192.0.2.10
//
// The test thread plays the main lcore: it runs ApiServer::poll (and main_poll) while a client
// call runs on a helper thread (call()), so Tables are only ever written from the test thread.
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/dpapi/codec_objects.h"
#include "controlplane/ctl/dp_client.h"
#include "controlplane/ctl/dp_commands.h"
#include "dataplane/api/server.h"
#include "dataplane/eal/mempool.h"
#include "dataplane/eal/port.h"
#include "dataplane/ipsec/esp_burst.h"
#include "dataplane/pipeline/main_lcore.h"
#include "dataplane/pipeline/packet_meta.h"
#include "dataplane/pipeline/tables.h"
#include "dataplane/pipeline/worker.h"
#include "tests/dataplane/eal_test_env.h"

namespace tandem::dpapi {
// Readable statuses in failure messages.
inline void PrintTo(Status s, std::ostream* os) { *os << status_name(s) << " (" << static_cast<int>(s) << ")"; }
}  // namespace tandem::dpapi

namespace tandem::dp {
namespace {

using Bytes = std::vector<uint8_t>;
using dpapi::Client;
using dpapi::Status;

const rte_ether_addr inside_host_mac{{0x02, 0, 0, 0, 0x01, 0x05}};
const rte_ether_addr peer_mac{{0x02, 0, 0, 0, 0x02, 0x0a}};
const Ipv4Address inside_host(10, 1, 0, 5), remote_host(10, 2, 1, 7), peer(192, 0, 2, 10), outside_addr(192, 0, 2, 2);

struct RingPort {
    rte_ring* rx;
    rte_ring* tx[2];
    uint16_t eth_id;
};

dpapi::SaParams sa_params(uint32_t id, uint32_t spi, dpapi::Direction dir, Ipv4Address src, Ipv4Address dst,
                          bool peer_view = false) {
    dpapi::SaParams p;
    p.sa_id = id;
    p.spi = spi;
    p.direction = dir;
    p.cipher = dpapi::CipherAlg::aes_gcm_128;
    p.cipher_key_len = 16;
    for (int i = 0; i < 16; ++i) p.cipher_key[i] = static_cast<uint8_t>(spi + i);
    p.salt = 0x01020304 + spi;
    p.tunnel_src = src;
    p.tunnel_dst = dst;
    p.policy_id = 7;
    if ((dir == dpapi::Direction::inbound) != peer_view) {
        p.selector.src = {Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
        p.selector.dst = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
    } else {
        p.selector.src = {Ipv4Address(10, 1, 0, 0), Ipv4Address(10, 1, 0, 255)};
        p.selector.dst = {Ipv4Address(10, 2, 1, 0), Ipv4Address(10, 2, 1, 255)};
    }
    return p;
}

dpapi::SaParams our_inbound(uint32_t id = 1, uint32_t spi = 0x1001) {
    return sa_params(id, spi, dpapi::Direction::inbound, peer, outside_addr);
}
dpapi::SaParams our_outbound(uint32_t id = 2, uint32_t spi = 0x2002) {
    return sa_params(id, spi, dpapi::Direction::outbound, outside_addr, peer);
}

std::vector<dpapi::PolicyRule> port1_rules() {
    dpapi::PolicyRule protect{7, 1, 10, 0, *Ipv4Prefix::parse("10.1.0.0/24"), *Ipv4Prefix::parse("10.2.1.0/24"),
                              {}, {}, dpapi::PolicyAction::protect};
    dpapi::PolicyRule bypass{0, 1, 20, 0, *Ipv4Prefix::parse("0.0.0.0/0"), *Ipv4Prefix::parse("0.0.0.0/0"),
                             {}, {}, dpapi::PolicyAction::bypass};
    return {protect, bypass};
}

class ApiServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        static int instance = 0;
        std::string tag = std::to_string(++instance);
        auto p = Mempool::create("api_pool" + tag, 2047, 0, 0);
        ASSERT_TRUE(p) << p.error().message;
        pool_ = std::make_unique<Mempool>(std::move(*p));
        for (int i = 0; i < 2; ++i) {
            std::string n = "api" + tag + "_" + std::to_string(i);
            RingPort rp{};
            rp.rx = rte_ring_create((n + "rx").c_str(), 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            rp.tx[0] = rte_ring_create((n + "tx0").c_str(), 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            rp.tx[1] = rte_ring_create((n + "tx1").c_str(), 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
            ASSERT_TRUE(rp.rx && rp.tx[0] && rp.tx[1]);
            int id = rte_eth_from_rings(n.c_str(), &rp.rx, 1, rp.tx, 2, 0);
            ASSERT_GE(id, 0);
            char dev[RTE_ETH_NAME_MAX_LEN];
            ASSERT_EQ(rte_eth_dev_get_name_by_port(static_cast<uint16_t>(id), dev), 0);
            auto port = Port::create(PortSettings{dev, 1, 2, 256, 256, 1500, pool_->get()});
            ASSERT_TRUE(port) << port.error().message;
            rp.eth_id = port->id();
            ports_.push_back(std::move(*port));
            rings_.push_back(rp);
        }
        CryptoDeviceConfig cc;
        cc.queue_pairs = 1;
        auto dev = CryptoDevice::create(cc);
        ASSERT_TRUE(dev) << dev.error().message;
        crypto_ = std::make_unique<CryptoDevice>(std::move(*dev));

        std::vector<PortInfo> infos(2);
        for (int i = 0; i < 2; ++i) {
            infos[i].eth_id = rings_[i].eth_id;
            std::copy(ports_[i].mac().begin(), ports_[i].mac().end(), infos[i].mac.addr_bytes);
        }
        infos[0].address = *Ipv4InterfaceAddress::parse("10.1.0.2/24");
        infos[1].address = *Ipv4InterfaceAddress::parse("192.0.2.2/24");
        infos[1].outside = true;
        TablesConfig tc;
        tc.max_sas = 64;
        tc.max_policies = 64;
        tc.fib.max_routes = 1024;
        tc.fib.number_tbl8s = 64;
        tc.neighbours.capacity = 64;
        auto t = Tables::create(tc, infos, *crypto_, nullptr);
        ASSERT_TRUE(t) << t.error().message;
        tables_ = std::move(*t);

        auto off = register_packet_meta();
        ASSERT_TRUE(off);
        handoff_ = rte_ring_create(("api_ho" + tag).c_str(), 256, 0, RING_F_SC_DEQ);
        to_main_ = rte_ring_create(("api_tm" + tag).c_str(), 256, 0, RING_F_SC_DEQ);
        events_ = rte_ring_create_elem(("api_ev" + tag).c_str(), sizeof(AcquireEvent), 256, 0, RING_F_SC_DEQ);
        ASSERT_TRUE(handoff_ && to_main_ && events_);
        ctx_ = std::make_unique<WorkerContext>();
        ctx_->tables = tables_.get();
        ctx_->lane = crypto_->lane(0);
        ctx_->meta_offset = *off;
        ctx_->handoff_in = handoff_;
        ctx_->handoff_out = {handoff_};
        ctx_->to_main = to_main_;
        ctx_->events = events_;
        ctx_->stop = &stop_;
        ctx_->acquire_interval_tsc = rte_get_tsc_hz();
        main_.tables = tables_.get();
        main_.meta_offset = *off;
        main_.to_main = to_main_;
        main_.events = events_;
        main_.pool = pool_->get();
        main_.tx_queue = 1;
        std::vector<rte_mbuf*> released;
        tables_->neighbours_mut().learn(0, inside_host, inside_host_mac, 0, true, released);
        tables_->neighbours_mut().learn(1, peer, peer_mac, 0, true, released);

        char tmpl[] = "/tmp/tandem-api-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ApiServerConfig sc;
        sc.socket_path = dir_ + "/run/dp.sock";  // the parent directory does not exist yet
        sc.tables = tables_.get();
        sc.main = &main_;
        sc.workers = {ApiWorker{3, ctx_.get()}};
        sc.max_sas = tc.max_sas;
        sc.max_policies = tc.max_policies;
        sc.max_routes = tc.fib.max_routes;
        sc.tsc_hz = rte_get_tsc_hz();
        auto s = ApiServer::create(sc);
        ASSERT_TRUE(s) << s.error().message;
        server_ = std::move(*s);
    }

    void TearDown() override {
        server_.reset();
        std::filesystem::remove_all(dir_);
        for (auto& rp : rings_) {
            drain(rp.rx);
            drain(rp.tx[0]);
            drain(rp.tx[1]);
        }
        drain(handoff_);
        drain(to_main_);
        ctx_.reset();
        tables_.reset();
        crypto_.reset();
        ports_.clear();
    }

    static void drain(rte_ring* r) {
        void* m;
        while (r && rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }

    // Runs f (client calls) on a helper thread while this thread serves the API.
    template <typename F>
    auto call(F f) {
        auto fut = std::async(std::launch::async, std::move(f));
        while (fut.wait_for(std::chrono::microseconds(200)) != std::future_status::ready) server_->poll(now_ms_);
        return fut.get();
    }

    Client connect() {
        auto c = call([&] { return Client::connect(server_->socket_path(), 3000); });
        EXPECT_TRUE(c) << c.error().message;
        return std::move(*c);
    }

    Client connect_hello() {
        Client c = connect();
        auto info = call([&] { return c.hello("server-test"); });
        EXPECT_TRUE(info) << info.error().message;
        return c;
    }

    dpapi::Response must(Result<dpapi::Response> r) {
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? *r : dpapi::Response{dpapi::Reply{Status::internal, dpapi::kNoItem, "transport"}, {}};
    }

    // Sends raw bytes and returns the answer.
    dpapi::Message raw(Client& c, const Bytes& bytes) {
        auto m = call([&]() -> Result<dpapi::Message> {
            if (auto r = c.send_bytes(bytes); !r) return r.error();
            return c.receive(3000);
        });
        EXPECT_TRUE(m) << m.error().message;
        return m ? *m : dpapi::Message{};
    }

    static Bytes unverified(const dpapi::Message& m) {
        Bytes b;
        EXPECT_TRUE(dpapi::detail::encode_unverified(m, b));
        return b;
    }

    static Bytes ipv4_udp(Ipv4Address src, Ipv4Address dst, size_t payload) {
        Bytes b(28 + payload);
        auto* ip = reinterpret_cast<rte_ipv4_hdr*>(b.data());
        ip->version_ihl = 0x45;
        ip->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(b.size()));
        ip->time_to_live = 64;
        ip->next_proto_id = IPPROTO_UDP;
        ip->src_addr = rte_cpu_to_be_32(src.value());
        ip->dst_addr = rte_cpu_to_be_32(dst.value());
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        auto* udp = reinterpret_cast<rte_udp_hdr*>(ip + 1);
        udp->src_port = rte_cpu_to_be_16(1000);
        udp->dst_port = rte_cpu_to_be_16(2000);
        udp->dgram_len = rte_cpu_to_be_16(static_cast<uint16_t>(8 + payload));
        return b;
    }

    rte_mbuf* frame(uint16_t port, const rte_ether_addr& src, const Bytes& l3) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_append(m, static_cast<uint16_t>(14 + l3.size())));
        eth->src_addr = src;
        std::copy(ports_[port].mac().begin(), ports_[port].mac().end(), eth->dst_addr.addr_bytes);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        std::memcpy(eth + 1, l3.data(), l3.size());
        return m;
    }

    void receive(uint16_t port, rte_mbuf* m) {
        rte_mbuf* pkts[1] = {m};
        worker_process_rx(*ctx_, port, pkts, 1);
        worker_flush(*ctx_);
        main_poll(main_, now_ms_);
    }

    std::vector<Bytes> sent(uint16_t port) {
        std::vector<Bytes> out;
        for (rte_ring* r : rings_[port].tx) {
            void* p;
            while (rte_ring_dequeue(r, &p) == 0) {
                auto* m = static_cast<rte_mbuf*>(p);
                auto* d = rte_pktmbuf_mtod(m, uint8_t*);
                out.emplace_back(d, d + rte_pktmbuf_pkt_len(m));
                rte_pktmbuf_free(m);
            }
        }
        return out;
    }

    // An ESP frame from the peer for our inbound SA 0x1001.
    rte_mbuf* peer_esp(Sa& peer_out, const Bytes& inner) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
        std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(inner.size())), inner.data(), inner.size());
        m->l2_len = 0;
        m->l3_len = 20;
        dp::DropReason why[1];
        EXPECT_EQ(esp_outbound_burst(peer_out.runtime(), crypto_->lane(0), &m, 1, why), 1);
        auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, 14));
        eth->src_addr = peer_mac;
        std::copy(ports_[1].mac().begin(), ports_[1].mac().end(), eth->dst_addr.addr_bytes);
        eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
        return m;
    }

    std::unique_ptr<Mempool> pool_;
    std::vector<Port> ports_;
    std::vector<RingPort> rings_;
    std::unique_ptr<CryptoDevice> crypto_;
    std::unique_ptr<Tables> tables_;
    std::unique_ptr<WorkerContext> ctx_;
    MainContext main_;
    rte_ring* handoff_ = nullptr;
    rte_ring* to_main_ = nullptr;
    rte_ring* events_ = nullptr;
    std::atomic<bool> stop_{false};
    std::string dir_;
    std::unique_ptr<ApiServer> server_;
    uint64_t now_ms_ = 1000;
};

TEST_F(ApiServerTest, SocketIsCreatedWithItsDirectoryAndMode) {
    struct stat st {};
    ASSERT_EQ(stat(server_->socket_path().c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    // A second server on the same path is refused while the first one listens.
    ApiServerConfig sc;
    sc.socket_path = server_->socket_path();
    sc.tables = tables_.get();
    sc.max_sas = sc.max_policies = 64;
    auto again = ApiServer::create(sc);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("in use"), std::string::npos) << again.error().message;
}

TEST_F(ApiServerTest, HelloAnnouncesLimitsAndIsRequiredFirst) {
    Client c = connect();
    auto early = must(call([&] { return c.request(dpapi::DumpSas{}); }));
    EXPECT_EQ(early.reply.status, Status::hello_required);
    auto info = call([&] { return c.hello("server-test"); });
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->version, dpapi::kMaxVersion);
    EXPECT_EQ(info->port_count, 2);
    EXPECT_EQ(info->worker_count, 1);
    EXPECT_EQ(info->max_sas, 64u);
    EXPECT_EQ(info->max_policies, 64u);
    EXPECT_EQ(info->max_routes, 1024u);
    EXPECT_EQ(info->tsc_hz, rte_get_tsc_hz());
    // A client that only speaks versions 5..7 is told what the dataplane speaks.
    auto newer = must(call([&] { return c.request(dpapi::Hello{5, 7, "future"}); }));
    EXPECT_EQ(newer.reply.status, Status::unsupported_version);
    EXPECT_NE(newer.reply.text.find("1.." + std::to_string(dpapi::kMaxVersion)), std::string::npos);
    // A REPLY sent to the dataplane is not a request.
    auto odd = must(call([&] { return c.request(dpapi::Reply{}); }));
    EXPECT_EQ(odd.reply.status, Status::unexpected_message);
}

TEST_F(ApiServerTest, SaAddIsAllOrNothingAndReportsTheBadItem) {
    Client c = connect_hello();
    auto ok = must(call([&] { return c.add_sas({our_inbound(), our_outbound()}); }));
    ASSERT_TRUE(ok.ok()) << ok.error_text();
    EXPECT_EQ(tables_->outbound_sa(7), tables_->sa_at(2));

    // Item 1 reuses SPI 0x1001: nothing of the batch is installed.
    auto clash = must(call([&] { return c.add_sas({our_inbound(3, 0x3003), our_inbound(4, 0x1001)}); }));
    EXPECT_EQ(clash.reply.status, Status::exists);
    EXPECT_EQ(clash.reply.item, 1u);
    auto reused = must(call([&] { return c.add_sas({our_inbound(3, 0x3003), our_inbound(2, 0x4004)}); }));
    EXPECT_EQ(reused.reply.status, Status::exists);
    EXPECT_EQ(reused.reply.item, 1u);
    auto beyond = must(call([&] { return c.add_sas({our_inbound(3, 0x3003), our_inbound(64, 0x4004)}); }));
    EXPECT_EQ(beyond.reply.status, Status::id_out_of_range);
    EXPECT_EQ(beyond.reply.item, 1u);
    auto window = our_inbound(5, 0x5005);
    window.replay_window = 8;  // the codec allows it; Tandem's window is 0 or 32..4096
    auto small = must(call([&] { return c.add_sas({our_inbound(3, 0x3003), window}); }));
    EXPECT_EQ(small.reply.status, Status::bad_value);
    EXPECT_EQ(small.reply.item, 1u);

    // A bad key length never passes the client's encoder; on the wire the server's decoder refuses it.
    auto bad = our_inbound(3, 0x3003);
    bad.cipher_key_len = 24;
    auto refused = raw(c, unverified(dpapi::Message{77, 0, dpapi::SaAdd{{our_inbound(6, 0x6006), bad}}}));
    ASSERT_TRUE(std::holds_alternative<dpapi::Reply>(refused.body));
    EXPECT_EQ(refused.request_id, 77u);
    EXPECT_EQ(std::get<dpapi::Reply>(refused.body).status, Status::bad_key_length);
    EXPECT_EQ(std::get<dpapi::Reply>(refused.body).item, 1u);

    auto dump = call([&] { return c.dump_sas(); });
    ASSERT_TRUE(dump) << dump.error().message;
    ASSERT_EQ(dump->size(), 2u);
    EXPECT_EQ((*dump)[0], our_inbound());
    EXPECT_EQ((*dump)[1], our_outbound());

    auto del = must(call([&] { return c.delete_sas({2, 9}); }));
    EXPECT_EQ(del.reply.status, Status::not_found);
    EXPECT_EQ(del.reply.item, 1u);
    EXPECT_NE(tables_->sa_at(2), nullptr);
    ASSERT_TRUE(must(call([&] { return c.delete_sas({2}); })).ok());
    EXPECT_EQ(tables_->sa_at(2), nullptr);
}

TEST_F(ApiServerTest, PolicySetInOnePartAndInSeveral) {
    Client c = connect_hello();
    auto r = must(call([&] { return c.set_policies(1, port1_rules()); }));
    ASSERT_TRUE(r.ok()) << r.error_text();
    auto dump = call([&] { return c.dump_policies(); });
    ASSERT_TRUE(dump);
    EXPECT_EQ(*dump, port1_rules());
    ASSERT_NE(tables_->spd(1), nullptr);

    // Two parts: nothing changes until the last one.
    auto rules = port1_rules();
    rules[0].policy_id = 8;
    auto parts = call([&] {
        return c.request_all({dpapi::Message{0, dpapi::kFlagMore, dpapi::PolicySet{1, {rules[0]}}},
                              dpapi::Message{0, 0, dpapi::PolicySet{1, {rules[1]}}}});
    });
    ASSERT_TRUE(parts);
    EXPECT_TRUE((*parts)[0].ok());
    EXPECT_TRUE((*parts)[1].ok()) << (*parts)[1].error_text();
    EXPECT_EQ(tables_->dump_policies(), rules);

    // Interrupted: the staged part is discarded, the rest of the sequence refused, nothing changes.
    auto other = port1_rules();
    auto broken = call([&] {
        return c.request_all({dpapi::Message{0, dpapi::kFlagMore, dpapi::PolicySet{1, {other[0]}}},
                              dpapi::Message{0, 0, dpapi::DumpRoutes{}},
                              dpapi::Message{0, 0, dpapi::PolicySet{1, {other[1]}}}});
    });
    ASSERT_TRUE(broken);
    EXPECT_TRUE((*broken)[0].ok());
    EXPECT_EQ((*broken)[1].reply.status, Status::sequence_error);
    EXPECT_EQ((*broken)[2].reply.status, Status::sequence_error);
    EXPECT_EQ(tables_->dump_policies(), rules);

    // A part for a port that does not exist, and a rule for another port.
    EXPECT_EQ(must(call([&] { return c.set_policies(9, {}); })).reply.status, Status::unknown_port);
    auto stray = unverified(dpapi::Message{5, 0, dpapi::PolicySet{1, {other[0], rules[0]}}});
    stray[20 + 4 + 32 + 9] = 0;  // second rule's port (u16 at +8): 1 -> 0
    auto m = raw(c, stray);
    EXPECT_EQ(std::get<dpapi::Reply>(m.body).status, Status::bad_value);
    EXPECT_EQ(tables_->dump_policies(), rules);
    // Then a good set goes through (the failed single part ended its sequence).
    EXPECT_TRUE(must(call([&] { return c.set_policies(1, {}); })).ok());
    EXPECT_TRUE(tables_->dump_policies().empty());
}

// The routes of a DUMP_ROUTES answer (version 2) that were installed through the API.
std::vector<dpapi::Route> api_routes(const std::vector<dpapi::Route>& all) {
    std::vector<dpapi::Route> out;
    for (const auto& r : all) {
        if (r.origin == dpapi::RouteOrigin::api) out.push_back(r);
    }
    return out;
}

TEST_F(ApiServerTest, RoutesAddReplaceDelete) {
    Client c = connect_hello();
    dpapi::Route r1{*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, peer};
    dpapi::Route r2{*Ipv4Prefix::parse("198.51.100.0/24"), dpapi::RouteKind::blackhole, 0, Ipv4Address()};
    ASSERT_TRUE(must(call([&] { return c.add_routes({r1, r2}); })).ok());
    auto dump = call([&] { return c.dump_routes(); });
    ASSERT_TRUE(dump);
    EXPECT_EQ(api_routes(*dump), (std::vector<dpapi::Route>{r1, r2}));
    // Version 2 lists the dataplane's own routes too, marked as such.
    dpapi::Route subnet{*Ipv4Prefix::parse("10.1.0.0/24"), dpapi::RouteKind::forward, 0, Ipv4Address(),
                        dpapi::RouteOrigin::connected};
    dpapi::Route own{*Ipv4Prefix::parse("192.0.2.2/32"), dpapi::RouteKind::local, 1, Ipv4Address(),
                     dpapi::RouteOrigin::connected};
    EXPECT_NE(std::find(dump->begin(), dump->end(), subnet), dump->end());
    EXPECT_NE(std::find(dump->begin(), dump->end(), own), dump->end());
    EXPECT_EQ(dump->size(), 6u);  // two subnets, two own addresses, two API routes
    // A static route of the configuration is reported as such.
    dpapi::Route fixed{*Ipv4Prefix::parse("203.0.113.128/25"), dpapi::RouteKind::forward, 1, peer};
    ASSERT_TRUE(tables_->add_routes(std::span<const dpapi::Route>(&fixed, 1)));
    dump = call([&] { return c.dump_routes(); });
    ASSERT_TRUE(dump);
    fixed.origin = dpapi::RouteOrigin::config;
    EXPECT_NE(std::find(dump->begin(), dump->end(), fixed), dump->end());
    // A version 1 client sees what version 1 promised: the API's routes only.
    Client old = connect();
    ASSERT_TRUE(call([&] { return old.hello("v1", 1, 1); }));
    auto v1 = call([&] { return old.dump_routes(); });
    ASSERT_TRUE(v1);
    EXPECT_EQ(*v1, (std::vector<dpapi::Route>{r1, r2}));
    ASSERT_TRUE(tables_->delete_routes(std::span<const Ipv4Prefix>(&fixed.prefix, 1)));

    dpapi::Route r1b{r1.prefix, dpapi::RouteKind::forward, 1, Ipv4Address(192, 0, 2, 11)};
    ASSERT_TRUE(must(call([&] { return c.add_routes({r1b}); })).ok());  // replace
    EXPECT_EQ(tables_->fib().find(r1.prefix), r1b);

    dpapi::Route fresh{*Ipv4Prefix::parse("203.0.113.0/24"), dpapi::RouteKind::forward, 1, peer};
    dpapi::Route badport{*Ipv4Prefix::parse("203.0.114.0/24"), dpapi::RouteKind::forward, 4, peer};
    auto r = must(call([&] { return c.add_routes({fresh, badport}); }));
    EXPECT_EQ(r.reply.status, Status::unknown_port);
    EXPECT_EQ(r.reply.item, 1u);
    EXPECT_FALSE(tables_->fib().find(fresh.prefix));
    dpapi::Route connected{*Ipv4Prefix::parse("10.1.0.0/24"), dpapi::RouteKind::blackhole, 0, Ipv4Address()};
    EXPECT_EQ(must(call([&] { return c.add_routes({connected}); })).reply.status, Status::exists);

    auto del = must(call([&] { return c.delete_routes({r2.prefix, fresh.prefix}); }));
    EXPECT_EQ(del.reply.status, Status::not_found);
    EXPECT_EQ(del.reply.item, 1u);
    EXPECT_TRUE(tables_->fib().find(r2.prefix));
    ASSERT_TRUE(must(call([&] { return c.delete_routes({r2.prefix}); })).ok());
    dump = call([&] { return c.dump_routes(); });
    ASSERT_TRUE(dump);
    EXPECT_EQ(api_routes(*dump), (std::vector<dpapi::Route>{r1b}));
}

TEST_F(ApiServerTest, VirtualAddressesClaimAnnounceRelease) {
    Client c = connect_hello();
    dpapi::VirtualAddress vip{1, Ipv4Address(192, 0, 2, 1), {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};
    ASSERT_TRUE(must(call([&] { return c.request(dpapi::VaddrClaim{{vip}}); })).ok());
    auto out = sent(1);
    ASSERT_EQ(out.size(), 1u);  // the gratuitous ARP
    EXPECT_EQ(out[0][12], 0x08);
    EXPECT_EQ(out[0][13], 0x06);
    ASSERT_TRUE(must(call([&] { return c.request(dpapi::VaddrClaim{{vip}}); })).ok());  // again: announced again
    EXPECT_EQ(sent(1).size(), 1u);
    auto other = vip;
    other.mac[5] = 2;
    EXPECT_EQ(must(call([&] { return c.request(dpapi::VaddrClaim{{other}}); })).reply.status, Status::exists);
    dpapi::VirtualAddress own{1, outside_addr, vip.mac};
    EXPECT_EQ(must(call([&] { return c.request(dpapi::VaddrClaim{{own}}); })).reply.status, Status::bad_address);
    auto dump = call([&] { return c.dump_vaddrs(); });
    ASSERT_TRUE(dump);
    EXPECT_EQ(*dump, std::vector<dpapi::VirtualAddress>{vip});

    dpapi::VaddrRef ref{1, vip.address};
    ASSERT_TRUE(must(call([&] { return c.request(dpapi::VaddrRelease{{ref}}); })).ok());
    EXPECT_TRUE(tables_->dump_addresses().empty());
    EXPECT_EQ(must(call([&] { return c.request(dpapi::VaddrRelease{{ref}}); })).reply.status, Status::not_found);
}

TEST_F(ApiServerTest, StatisticsOfPortsWorkersDropsAndSas) {
    Client c = connect_hello();
    ASSERT_TRUE(must(call([&] { return c.add_sas({our_inbound(), our_outbound()}); })).ok());
    ASSERT_TRUE(must(call([&] { return c.add_routes({{*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, peer}}); })).ok());
    // No route: a drop; and one packet decapsulated by SA 1.
    receive(0, frame(0, inside_host_mac, ipv4_udp(inside_host, Ipv4Address(203, 0, 113, 1), 10)));
    auto po = Sa::create(sa_params(11, 0x1001, dpapi::Direction::outbound, peer, outside_addr, true), *crypto_);
    ASSERT_TRUE(po) << po.error().message;
    receive(1, peer_esp(*po, ipv4_udp(remote_host, inside_host, 40)));
    EXPECT_EQ(sent(0).size(), 1u);

    auto drops = call([&] { return c.drop_stats(); });
    ASSERT_TRUE(drops) << drops.error().message;
    EXPECT_EQ(dpapi::drop_counter(*drops, dpapi::DropReason::no_route), 1u);
    auto workers = call([&] { return c.worker_stats(); });
    ASSERT_TRUE(workers);
    ASSERT_EQ(workers->size(), 1u);
    EXPECT_EQ((*workers)[0].lcore_id, 3u);
    EXPECT_EQ((*workers)[0].packets, ctx_->counters.packets.load());
    auto ports = call([&] { return c.port_stats(); });
    ASSERT_TRUE(ports);
    ASSERT_EQ(ports->size(), 2u);
    EXPECT_EQ((*ports)[0].port, 0);
    EXPECT_EQ((*ports)[0].tx_packets, 1u);  // the decapsulated packet, sent by the worker

    now_ms_ += 500;
    auto sas = call([&] { return c.sa_stats({1, 2}); });
    ASSERT_TRUE(sas) << sas.error().message;
    ASSERT_EQ(sas->size(), 2u);
    EXPECT_EQ((*sas)[0].sa_id, 1u);
    EXPECT_EQ((*sas)[0].packets, 1u);
    EXPECT_EQ((*sas)[0].bytes, 68u);
    EXPECT_EQ((*sas)[1].packets, 0u);
    EXPECT_EQ((*sas)[1].idle_ms, dpapi::kNeverUsed);
    auto all = call([&] { return c.sa_stats(); });
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 2u);
    auto missing = must(call([&] { return c.request(dpapi::StatsSas{{1, 5}}); }));
    EXPECT_EQ(missing.reply.status, Status::not_found);
    EXPECT_EQ(missing.reply.item, 1u);
    EXPECT_TRUE(missing.data.empty());
}

TEST_F(ApiServerTest, TablesSurviveADisconnectAndAreReadBackAfterReconnecting) {
    dpapi::Route route{*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, peer};
    dpapi::VirtualAddress vip{1, Ipv4Address(192, 0, 2, 1), {0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};
    {
        Client c = connect_hello();
        ASSERT_TRUE(must(call([&] { return c.add_sas({our_inbound(), our_outbound()}); })).ok());
        ASSERT_TRUE(must(call([&] { return c.set_policies(1, port1_rules()); })).ok());
        ASSERT_TRUE(must(call([&] { return c.add_routes({route}); })).ok());
        ASSERT_TRUE(must(call([&] { return c.request(dpapi::VaddrClaim{{vip}}); })).ok());
        // Leaves a POLICY_SET part staged, then goes away.
        ASSERT_TRUE(must(call([&] { return c.request(dpapi::PolicySet{1, {}}, dpapi::kFlagMore); })).ok());
    }
    for (int i = 0; i < 10 && server_->client_count() > 0; ++i) server_->poll(now_ms_);
    EXPECT_EQ(server_->client_count(), 0u);
    EXPECT_EQ(tables_->dump_sas().size(), 2u);
    EXPECT_EQ(tables_->dump_policies(), port1_rules());

    Client again = connect_hello();
    auto sas = call([&] { return again.dump_sas(); });
    ASSERT_TRUE(sas);
    EXPECT_EQ(*sas, (std::vector<dpapi::SaParams>{our_inbound(), our_outbound()}));  // keys included
    auto rules = call([&] { return again.dump_policies(); });
    ASSERT_TRUE(rules);
    EXPECT_EQ(*rules, port1_rules());
    auto routes = call([&] { return again.dump_routes(); });
    ASSERT_TRUE(routes);
    EXPECT_EQ(api_routes(*routes), std::vector<dpapi::Route>{route});
    auto vaddrs = call([&] { return again.dump_vaddrs(); });
    ASSERT_TRUE(vaddrs);
    EXPECT_EQ(*vaddrs, std::vector<dpapi::VirtualAddress>{vip});
}

TEST_F(ApiServerTest, AcquireIsDeliveredToASubscriber) {
    Client sub = connect_hello();
    Client quiet = connect_hello();  // not subscribed: gets nothing
    ASSERT_TRUE(must(call([&] { return sub.request(dpapi::Subscribe{dpapi::kEventAcquire, 0}); })).ok());
    ASSERT_TRUE(must(call([&] { return sub.set_policies(1, port1_rules()); })).ok());
    ASSERT_TRUE(must(call([&] { return sub.add_routes({{*Ipv4Prefix::parse("10.2.1.0/24"), dpapi::RouteKind::forward, 1, peer}}); })).ok());
    receive(0, frame(0, inside_host_mac, ipv4_udp(inside_host, remote_host, 50)));
    EXPECT_EQ(ctx_->counters.drops[static_cast<size_t>(dpapi::DropReason::acquire_pending)].load(), 1u);
    auto ev = call([&] { return sub.next_event(3000); });
    ASSERT_TRUE(ev) << ev.error().message;
    ASSERT_TRUE(ev->has_value());
    const auto* acq = std::get_if<dpapi::Acquire>(&(*ev)->body);
    ASSERT_NE(acq, nullptr);
    EXPECT_EQ((*ev)->request_id, 1u);  // the connection's first event
    EXPECT_EQ(acq->policy_id, 7u);
    EXPECT_EQ(acq->port, 1);
    EXPECT_EQ(acq->packet.src, inside_host);
    EXPECT_EQ(acq->packet.dst, remote_host);
    EXPECT_EQ(acq->packet.protocol, IPPROTO_UDP);
    EXPECT_EQ(acq->packet.dst_port, 2000);
    auto none = call([&] { return quiet.next_event(50); });
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    EXPECT_TRUE(main_.acquires.empty());
}

TEST_F(ApiServerTest, LifetimeAndIdleEvents) {
    Client c = connect_hello();
    auto in = our_inbound();
    in.lifetime.soft_packets = 1;
    in.lifetime.hard_packets = 5;
    ASSERT_TRUE(must(call([&] { return c.add_sas({in}); })).ok());
    ASSERT_TRUE(must(call([&] { return c.request(dpapi::Subscribe{dpapi::kEventSaExpire | dpapi::kEventSaIdle, 100}); })).ok());
    auto po = Sa::create(sa_params(11, 0x1001, dpapi::Direction::outbound, peer, outside_addr, true), *crypto_);
    ASSERT_TRUE(po);
    receive(1, peer_esp(*po, ipv4_udp(remote_host, inside_host, 40)));
    now_ms_ += 50;
    auto ev = call([&] { return c.next_event(3000); });
    ASSERT_TRUE(ev && ev->has_value());
    const auto* exp = std::get_if<dpapi::SaExpire>(&(*ev)->body);
    ASSERT_NE(exp, nullptr);
    EXPECT_EQ(exp->sa_id, 1u);
    EXPECT_EQ(exp->kind, dpapi::ExpireKind::soft);
    EXPECT_EQ(exp->trigger, dpapi::ExpireTrigger::packets);
    // Idle for the threshold: one SA_IDLE, not repeated while it stays idle.
    now_ms_ += 200;
    ev = call([&] { return c.next_event(3000); });
    ASSERT_TRUE(ev && ev->has_value());
    const auto* idle = std::get_if<dpapi::SaIdle>(&(*ev)->body);
    ASSERT_NE(idle, nullptr);
    EXPECT_EQ(idle->sa_id, 1u);
    EXPECT_GE(idle->idle_ms, 100u);
    now_ms_ += 1000;
    ev = call([&] { return c.next_event(100); });
    ASSERT_TRUE(ev);
    EXPECT_FALSE(ev->has_value());
}

TEST_F(ApiServerTest, GarbageIsRefusedWhileAnotherClientKeepsWorking) {
    Client bad = connect_hello();
    Client good = connect_hello();
    ASSERT_TRUE(must(call([&] { return good.add_sas({our_inbound()}); })).ok());

    auto m = raw(bad, Bytes{'h', 'e', 'l', 'l', 'o'});
    ASSERT_TRUE(std::holds_alternative<dpapi::Reply>(m.body));
    EXPECT_EQ(std::get<dpapi::Reply>(m.body).status, Status::truncated);
    m = raw(bad, Bytes(40, 'x'));
    EXPECT_EQ(std::get<dpapi::Reply>(m.body).status, Status::bad_magic);
    m = raw(bad, Bytes(dpapi::kMaxMessageSize + 100, 0));
    EXPECT_EQ(std::get<dpapi::Reply>(m.body).status, Status::too_large);

    // A real SA_ADD cut short: the header's length no longer matches the datagram.
    Bytes sa_add = unverified(dpapi::Message{42, 0, dpapi::SaAdd{{our_inbound(3, 0x3003)}}});
    Bytes cut(sa_add.begin(), sa_add.end() - 10);
    m = raw(bad, cut);
    EXPECT_EQ(m.request_id, 42u);
    EXPECT_EQ(std::get<dpapi::Reply>(m.body).status, Status::bad_length);
    // Cut short with the length patched to match: the item itself is truncated.
    uint32_t body = static_cast<uint32_t>(cut.size() - 20);
    cut[16] = static_cast<uint8_t>(body >> 24);
    cut[17] = static_cast<uint8_t>(body >> 16);
    cut[18] = static_cast<uint8_t>(body >> 8);
    cut[19] = static_cast<uint8_t>(body);
    m = raw(bad, cut);
    auto status = std::get<dpapi::Reply>(m.body).status;
    EXPECT_TRUE(status == Status::truncated || status == Status::bad_count) << dpapi::status_name(status);
    EXPECT_EQ(tables_->sa_at(3), nullptr);

    // The other client is unaffected.
    auto dump = call([&] { return good.dump_sas(); });
    ASSERT_TRUE(dump);
    EXPECT_EQ(dump->size(), 1u);

    // A flood of garbage gets the sender disconnected; the other client still works.
    call([&] {
        for (uint32_t i = 0; i < ApiServer::kMaxConsecutiveErrors + 8; ++i) (void)bad.send_bytes(Bytes(30, 'z'));
        return 0;
    });
    for (int i = 0; i < 40 && server_->client_count() > 1; ++i) server_->poll(now_ms_);
    EXPECT_EQ(server_->client_count(), 1u);
    EXPECT_GE(server_->counters().kicked, 1u);
    EXPECT_TRUE(must(call([&] { return good.add_sas({our_inbound(3, 0x3003)}); })).ok());
    EXPECT_NE(tables_->sa_at(3), nullptr);
}

// `tandemctl dp` end to end: the command functions against this server.
TEST_F(ApiServerTest, TandemctlDpCommands) {
    auto run = [&](std::vector<std::string> args, bool json = false) {
        std::ostringstream out, err;
        ctl::Output o{out, err, json};
        ctl::DpOptions opts;
        opts.socket = server_->socket_path();
        opts.count = 1;
        int rc = call([&] { return ctl::cmd_dp(args, opts, o); });
        return std::tuple<int, std::string, std::string>(rc, out.str(), err.str());
    };
    std::string sa_file = dir_ + "/sas.yaml", policy_file = dir_ + "/rules.yaml";
    std::ofstream(sa_file) << "sas:\n"
                              "  - {sa_id: 1, spi: 0x1001, direction: inbound, cipher: aes-gcm-128,\n"
                              "     cipher_key: 00112233445566778899aabbccddeeff, tunnel: {src: 192.0.2.10, dst: 192.0.2.2}}\n";
    std::ofstream(policy_file) << "rules:\n  - {priority: 10, action: protect, policy_id: 7, src: 10.1.0.0/24, dst: 10.2.1.0/24}\n";

    auto [rc, out, err] = run({"hello"});
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(out.find("2 ports, 1 workers"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"add", "sa", sa_file});
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(tables_->sa_at(1), nullptr);
    std::tie(rc, out, err) = run({"add", "sa", sa_file});  // again: refused, with the reason
    EXPECT_EQ(rc, 1);
    EXPECT_NE(err.find("exists (item 0)"), std::string::npos) << err;
    std::tie(rc, out, err) = run({"show", "sa"});
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(out.find("spi: 0x00001001(4097)"), std::string::npos) << out;
    EXPECT_EQ(out.find("00112233"), std::string::npos) << "keys are not printed";
    std::tie(rc, out, err) = run({"show", "sa", "1"}, true);
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(out.find("\"sa_id\": 1,"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"set", "policies", "1", policy_file});
    EXPECT_EQ(rc, 0) << err;
    EXPECT_EQ(tables_->dump_policies().size(), 1u);
    std::tie(rc, out, err) = run({"show", "policies"});
    EXPECT_NE(out.find("protect  policy 7"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"add", "route", "10.2.1.0/24", "via", "192.0.2.10", "port", "1"});
    EXPECT_EQ(rc, 0) << err;
    std::tie(rc, out, err) = run({"add", "route", "198.51.100.0/24", "blackhole"});
    EXPECT_EQ(rc, 0) << err;
    std::tie(rc, out, err) = run({"show", "routes"});
    EXPECT_NE(out.find("10.2.1.0/24 via 192.0.2.10, port 1"), std::string::npos) << out;
    EXPECT_NE(out.find("198.51.100.0/24 blackhole"), std::string::npos) << out;
    EXPECT_NE(out.find("connected 10.1.0.0/24 directly connected, port 0"), std::string::npos) << out;
    EXPECT_NE(out.find("api       10.2.1.0/24"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"del", "route", "198.51.100.0/24"});
    EXPECT_EQ(rc, 0) << err;
    std::tie(rc, out, err) = run({"claim", "vaddr", "1", "192.0.2.1", "00:00:0c:07:ac:01"});
    EXPECT_EQ(rc, 0) << err;
    EXPECT_EQ(tables_->dump_addresses().size(), 1u);
    std::tie(rc, out, err) = run({"release", "vaddr", "1", "192.0.2.1"});
    EXPECT_EQ(rc, 0) << err;
    std::tie(rc, out, err) = run({"show", "stats"}, true);
    EXPECT_EQ(rc, 0) << err;
    EXPECT_NE(out.find("\"no_route\": 0"), std::string::npos) << out;
    EXPECT_NE(out.find("\"cleartext_protected\": 0"), std::string::npos) << out;
    EXPECT_NE(out.find("\"tx_drops\": 0"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"show", "sa", "1"});
    EXPECT_NE(out.find("highest sequence number accepted: 0"), std::string::npos) << out;
    std::tie(rc, out, err) = run({"del", "sa", "1", "2"});
    EXPECT_EQ(rc, 1);
    EXPECT_NE(err.find("not_found (item 1)"), std::string::npos) << err;
    std::tie(rc, out, err) = run({"add", "route", "10.0.0.0/8", "sideways"});
    EXPECT_EQ(rc, 2);
}

}  // namespace
}  // namespace tandem::dp

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new tandem::test::EalEnvironment({"--vdev", "crypto_aesni_mb0"}));
    return RUN_ALL_TESTS();
}
