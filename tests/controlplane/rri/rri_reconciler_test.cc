// The reconciler on a ManualClock loop: coalescing, idempotence, and the dataplane FIB consumer
// against a fake dataplane (read-back after a reconnect, refusals, foreign prefixes).
#include "controlplane/rri/rri_reconciler.h"

#include <gtest/gtest.h>

#include "common/config/load.h"
#include "controlplane/rri/fib_consumer.h"

namespace tandem::rri {
namespace {

Ipv4Prefix P(const char* s) { return Ipv4Prefix::parse(s).value(); }
Ipv4Address A(const char* s) { return Ipv4Address::parse(s).value(); }

const std::string kGateway = R"(
interfaces:
  - name: outside
    port: net_null0
    address: 192.0.2.1/24
    role: outside
    crypto_map: cmap
  - name: inside
    port: net_null1
    address: 10.1.1.1/24
    role: inside
access_lists:
  "101":
    - permit ip 10.1.1.0 0.0.0.255 172.16.0.0 0.0.255.255
transform_sets:
  ts:
    esp: aes-gcm-128
crypto_maps:
  cmap:
    - seq: 10
      peers: [192.0.2.7]
      transform_sets: [ts]
      match_address: "101"
      reverse_route: true
    - seq: 100
      dynamic: dmap
dynamic_maps:
  dmap:
    - seq: 1
      transform_sets: [ts]
      reverse_route: true
)";

config::Config load(const std::string& yaml) {
    auto l = config::load_config_text(yaml, "test.yaml", config::ConfigFormat::yaml);
    EXPECT_TRUE(l.ok()) << l.diags.str();
    return l.config;
}

ChildSa sa_for(uint32_t id, Ipv4Prefix remote) {
    ChildSa sa;
    sa.child_id = id;
    sa.peer = A("198.51.100.2");
    sa.remote_first = remote.first();
    sa.remote_last = remote.last();
    sa.spi_in = id;
    sa.spi_out = id + 1000;
    sa.map = "cmap";
    sa.seq = 100;
    sa.dynamic_map = "dmap";
    sa.dynamic_seq = 1;
    sa.interface = "outside";
    return sa;
}

// Counts rounds and keeps the last set.
struct Recorder final : Consumer {
    const char* name() const override { return "recorder"; }
    void converge(const RouteSet& set) override {
        ++calls;
        last = set;
    }
    int calls = 0;
    RouteSet last;
};

// A dataplane FIB: api routes plus the dataplane's own.
struct FakeDataplane {
    bool up = true;
    std::map<Ipv4Prefix, dpapi::Route> fib;
    int add_requests = 0;
    int del_requests = 0;
    int dumps = 0;
    std::optional<Ipv4Prefix> refuse;  // ROUTE_ADD of this prefix is refused

    dpapi::Response answer(bool ok) {
        dpapi::Response r;
        r.reply.status = ok ? dpapi::Status::ok : dpapi::Status::exists;
        return r;
    }
    FibOps ops() {
        FibOps o;
        o.up = [this] { return up; };
        o.add_routes = [this](const std::vector<dpapi::Route>& rs) -> Result<dpapi::Response> {
            if (!up) return Error("not connected");
            ++add_requests;
            for (const auto& r : rs) {
                auto it = fib.find(r.prefix);
                if ((refuse && r.prefix == *refuse) || (it != fib.end() && it->second.origin != dpapi::RouteOrigin::api))
                    return answer(false);
            }
            for (const auto& r : rs) fib[r.prefix] = r;
            return answer(true);
        };
        o.delete_routes = [this](const std::vector<Ipv4Prefix>& ps) -> Result<dpapi::Response> {
            if (!up) return Error("not connected");
            ++del_requests;
            for (const auto& p : ps) fib.erase(p);
            return answer(true);
        };
        o.dump_routes = [this]() -> Result<std::vector<dpapi::Route>> {
            if (!up) return Error("not connected");
            ++dumps;
            std::vector<dpapi::Route> out;
            for (const auto& [p, r] : fib) out.push_back(r);
            return out;
        };
        o.port_of = [](const std::string& itf) -> std::optional<uint16_t> {
            if (itf == "outside") return 0;
            if (itf == "inside") return 1;
            return std::nullopt;
        };
        return o;
    }
    std::vector<Ipv4Prefix> api_prefixes() const {
        std::vector<Ipv4Prefix> out;
        for (const auto& [p, r] : fib)
            if (r.origin == dpapi::RouteOrigin::api) out.push_back(p);
        return out;
    }
};

class ReconcilerTest : public testing::Test {
protected:
    void SetUp() override {
        auto l = loop::EventLoop::create(clock);
        ASSERT_TRUE(l.ok());
        loop = std::move(*l);
    }
    void round() { loop->run_once(loop::Duration::zero()); }

    loop::ManualClock clock;
    std::unique_ptr<loop::EventLoop> loop;
    std::vector<std::string> logs;
    ReconcilerOptions options() {
        ReconcilerOptions o;
        o.log = [this](std::string_view l) { logs.emplace_back(l); };
        return o;
    }
};

TEST_F(ReconcilerTest, StaticRoutesAppearWithTheConfigurationAlone) {
    RriReconciler rec(*loop, load(kGateway), options());
    Recorder c;
    rec.add_consumer(c);
    EXPECT_TRUE(rec.pending());
    EXPECT_EQ(c.calls, 0);  // nothing until the loop runs the round
    round();
    EXPECT_EQ(c.calls, 1);
    ASSERT_EQ(c.last.routes.size(), 1u);
    EXPECT_EQ(c.last.routes[0].prefix, P("172.16.0.0/16"));
}

TEST_F(ReconcilerTest, HundredChildSasInOneRoundConvergeOnce) {
    RriReconciler rec(*loop, load(kGateway), options());
    Recorder c;
    rec.add_consumer(c);
    round();
    ASSERT_EQ(c.calls, 1);
    for (uint32_t i = 0; i < 100; ++i)
        rec.child_up(sa_for(i + 1, Ipv4Prefix(Ipv4Address(0x0a020000u + (i << 8)), 24)));
    EXPECT_EQ(c.calls, 1);
    round();
    EXPECT_EQ(c.calls, 2);
    EXPECT_EQ(c.last.routes.size(), 101u);
    // A rekey: the new pair up and the old one down in one round -> the same set, one round.
    auto next = sa_for(500, P("10.2.0.0/24"));
    rec.child_up(next);
    rec.child_down(1);
    round();
    EXPECT_EQ(c.calls, 3);
    EXPECT_EQ(c.last.routes.size(), 101u);
    // Down of an unknown id asks for nothing.
    rec.child_down(9999);
    EXPECT_FALSE(rec.pending());
    for (uint32_t i = 2; i <= 100; ++i) rec.child_down(i);
    rec.child_down(500);
    round();
    EXPECT_EQ(c.calls, 4);
    EXPECT_EQ(c.last.routes.size(), 1u);
}

TEST_F(ReconcilerTest, AnyProxyIsLoggedAndSkipped) {
    RriReconciler rec(*loop, load(kGateway), options());
    Recorder c;
    rec.add_consumer(c);
    ChildSa sa = sa_for(1, P("0.0.0.0/0"));
    rec.child_up(sa);
    round();
    EXPECT_EQ(c.last.routes.size(), 1u);
    bool logged = false;
    for (const auto& l : logs) logged |= l.find("0.0.0.0/0") != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST_F(ReconcilerTest, HsrpStateChangeNeedsRefresh) {
    bool active = false;
    auto o = options();
    o.is_active = [&](const std::string&) { return active; };
    auto cfg = load(kGateway);
    cfg.interfaces[0].standby.push_back(config::StandbyGroup{});
    cfg.interfaces[0].standby[0].name = "g1";
    cfg.interfaces[0].standby[0].ip = A("192.0.2.3");
    cfg.interfaces[0].crypto_map->redundancy = true;
    RriReconciler rec(*loop, cfg, o);
    Recorder c;
    rec.add_consumer(c);
    round();
    EXPECT_TRUE(c.last.routes.empty());
    active = true;
    rec.refresh();
    round();
    EXPECT_EQ(c.last.routes.size(), 1u);
}

TEST_F(ReconcilerTest, ReloadRecomputes) {
    RriReconciler rec(*loop, load(kGateway), options());
    Recorder c;
    rec.add_consumer(c);
    rec.child_up(sa_for(1, P("10.2.1.0/24")));
    round();
    EXPECT_EQ(c.last.routes.size(), 2u);
    auto cfg = load(kGateway);
    cfg.dynamic_maps[0].entries[0].policy.reverse_route.reset();  // `no reverse-route`
    rec.set_config(cfg);
    round();
    EXPECT_EQ(c.last.routes.size(), 1u);
}

TEST_F(ReconcilerTest, FibConvergesIdempotentlyAndResyncsAfterReconnect) {
    FakeDataplane dp;
    dpapi::Route connected{P("10.1.1.0/24"), dpapi::RouteKind::forward, 1, Ipv4Address(), dpapi::RouteOrigin::connected};
    dp.fib[connected.prefix] = connected;
    // Left by an earlier tandem-control: no longer wanted.
    dp.fib[P("10.99.0.0/16")] = dpapi::Route{P("10.99.0.0/16"), dpapi::RouteKind::forward, 0, A("192.0.2.2"), dpapi::RouteOrigin::api};
    FibConsumer fib(dp.ops(), [this](std::string_view l) { logs.emplace_back(l); });
    RriReconciler rec(*loop, load(kGateway), options());
    rec.add_consumer(fib);
    round();
    EXPECT_EQ(dp.dumps, 1);
    EXPECT_EQ(dp.api_prefixes(), std::vector<Ipv4Prefix>{P("172.16.0.0/16")});
    const auto& st = dp.fib.at(P("172.16.0.0/16"));
    EXPECT_EQ(st.port, 0);                 // the crypto interface's port
    EXPECT_EQ(st.gateway, A("192.0.2.7"));  // first `set peer`

    rec.child_up(sa_for(1, P("10.2.1.0/24")));
    // The remote proxy collides with a connected prefix: never sent.
    rec.child_up(sa_for(2, P("10.1.1.0/24")));
    round();
    EXPECT_EQ(dp.api_prefixes(), (std::vector<Ipv4Prefix>{P("10.2.1.0/24"), P("172.16.0.0/16")}));
    EXPECT_EQ(dp.fib.at(P("10.2.1.0/24")).gateway, A("198.51.100.2"));  // the IKE peer
    EXPECT_EQ(dp.fib.at(P("10.1.1.0/24")).origin, dpapi::RouteOrigin::connected);

    // Idempotent: another round sends nothing.
    int adds = dp.add_requests, dels = dp.del_requests;
    rec.refresh();
    round();
    EXPECT_EQ(dp.add_requests, adds);
    EXPECT_EQ(dp.del_requests, dels);

    // The link drops; meanwhile the SA goes; the dataplane restarts empty but for its own routes.
    dp.up = false;
    rec.child_down(1);
    round();
    dp.fib.clear();
    dp.fib[connected.prefix] = connected;
    dp.up = true;
    fib.resync();
    rec.refresh();
    round();
    EXPECT_EQ(dp.dumps, 2);
    EXPECT_EQ(dp.api_prefixes(), std::vector<Ipv4Prefix>{P("172.16.0.0/16")});
}

TEST_F(ReconcilerTest, OneRefusedRouteDoesNotKeepTheOthersOut) {
    FakeDataplane dp;
    dp.refuse = P("10.2.2.0/24");
    FibConsumer fib(dp.ops(), [this](std::string_view l) { logs.emplace_back(l); });
    RriReconciler rec(*loop, load(kGateway), options());
    rec.add_consumer(fib);
    rec.child_up(sa_for(1, P("10.2.1.0/24")));
    rec.child_up(sa_for(2, P("10.2.2.0/24")));
    round();
    EXPECT_EQ(dp.api_prefixes(), (std::vector<Ipv4Prefix>{P("10.2.1.0/24"), P("172.16.0.0/16")}));
    bool logged = false;
    for (const auto& l : logs) logged |= l.find("refused route 10.2.2.0/24") != std::string::npos;
    EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace tandem::rri
