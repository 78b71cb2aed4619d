// The BIRD client against a real BIRD 2 (no test double), in a network namespace this test makes.
//
// The test starts `bird -f -c CONF -s SOCKET -P PIDFILE` inside `ip netns add tbirdPID` with the
// shipped configs/bird/tandem-bird.conf.example (only the include path changed), so the template
// is proven to load too. The control socket is a path in a temporary directory; the client in
// this process reaches it across the namespace boundary (AF_UNIX paths are not per-namespace).
// BIRD's OSPF and BGP stay inside the namespace: its interfaces are lo and a veth pair with both
// ends there. Everything is removed in TearDown, after a failure as well.
//
// Steps: three routes pushed and seen in `show route protocol rri`; a set BIRD refuses (a
// community half out of range) fails with 8002, leaves the three routes and the file restored;
// BIRD killed and restarted with an emptied include file: the client reconnects and pushes the
// routes again; then 10,000 routes in one configure, the time printed.
//
// Needs root (network namespaces) and bird on PATH: skipped otherwise.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "controlplane/bird/bird_client.h"

namespace tandem::bird {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int run(const std::string& cmd) {
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

bool have_bird() { return run("command -v bird >/dev/null 2>&1") == 0 && run("command -v ip >/dev/null 2>&1") == 0; }

Ipv4Prefix pfx(const char* text) { return *Ipv4Prefix::parse(text); }

std::vector<Route> three_routes() {
    std::vector<Route> out(3);
    out[0].prefix = pfx("10.2.1.0/24");
    out[0].next_hop = NextHop::via_address(*Ipv4Address::parse("10.98.0.254"));
    out[0].ospf_metric2 = 20;
    out[0].ospf_tag = 101;
    out[0].communities = {{65000, 101}};
    out[0].origin = "crypto map outside 10";
    out[1].prefix = pfx("10.2.2.0/24");
    out[1].next_hop = NextHop::via_interface("out0");
    out[1].origin = "crypto map outside 20";
    out[2].prefix = pfx("10.2.3.0/24");
    out[2].next_hop = NextHop::blackhole();
    return out;
}

class BirdNetnsTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
        if (!have_bird()) GTEST_SKIP() << "bird or ip not found";
        char tmpl[] = "/tmp/tandem-bird-netns-XXXXXX";
        dir_ = mkdtemp(tmpl);
        ns_ = "tbird" + std::to_string(getpid());
        ASSERT_EQ(run("ip netns add " + ns_), 0);
        ns_made_ = true;
        ASSERT_EQ(run("ip netns exec " + ns_ + " sh -e -c 'ip link set lo up; "
                      "ip link add out0 type veth peer name inside0; "
                      "ip addr add 10.98.0.1/24 dev out0; ip addr add 10.99.0.1/24 dev inside0; "
                      "ip link set out0 up; ip link set inside0 up'"),
                  0);
        // The shipped template, with the include file moved into our directory.
        const char* src = std::getenv("TANDEM_SOURCE_DIR");
        std::string tmpl_text = read_file(std::string(src ? src : ".") + "/configs/bird/tandem-bird.conf.example");
        ASSERT_FALSE(tmpl_text.empty()) << "configs/bird/tandem-bird.conf.example not found (TANDEM_SOURCE_DIR)";
        const std::string from = "/etc/tandem/bird-rri.conf";
        const size_t at = tmpl_text.find("include \"" + from + "\"");
        ASSERT_NE(at, std::string::npos);
        tmpl_text.replace(at + 9, from.size(), include_file());
        std::ofstream(dir_ + "/bird.conf") << tmpl_text;

        ClientOptions o;
        o.connection.socket_path = socket_path();
        o.include_file = include_file();
        o.log = [](std::string_view l) { std::printf("  [client] %.*s\n", int(l.size()), l.data()); };
        loop_ = std::move(loop::EventLoop::create(clock_).value());
        client_ = std::move(BirdClient::create(*loop_, o).value());  // creates the include file
        client_->on_configure([this](const ConfigureResult& r) { results_.push_back(r); });
    }

    void TearDown() override {
        client_.reset();
        stop_bird(SIGTERM);
        if (ns_made_) run("ip netns del " + ns_);
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    std::string socket_path() const { return dir_ + "/bird.ctl"; }
    std::string include_file() const { return dir_ + "/rri.conf"; }

    void start_bird() {
        std::fflush(nullptr);  // or the child flushes our buffered output a second time
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            if (!freopen((dir_ + "/bird.log").c_str(), "a", stderr) || !freopen("/dev/null", "w", stdout)) _exit(126);
            execlp("ip", "ip", "netns", "exec", ns_.c_str(), "bird", "-f", "-c", (dir_ + "/bird.conf").c_str(), "-s",
                   socket_path().c_str(), "-P", (dir_ + "/bird.pid").c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        bird_pid_ = pid;
    }

    void stop_bird(int sig) {
        if (bird_pid_ <= 0) return;
        kill(bird_pid_, sig);
        int status = 0;
        waitpid(bird_pid_, &status, 0);
        bird_pid_ = -1;
    }

    // Runs the loop until `done` holds or `limit` passes.
    template <typename F>
    bool run_until(F done, loop::Duration limit = 10s) {
        const auto deadline = clock_.now() + limit;
        while (!done()) {
            if (clock_.now() > deadline) return false;
            loop_->run_once(10ms);
        }
        return true;
    }

    // Sends one command through the client and waits for its reply.
    Reply ask(const std::string& line) {
        std::optional<Result<Reply>> got;
        auto sent = client_->command(line, [&](const Result<Reply>& r) { got = r; });
        EXPECT_TRUE(sent) << (sent ? "" : sent.error().message);
        if (!sent) return {};
        EXPECT_TRUE(run_until([&] { return got.has_value(); }));
        if (!got || !*got) return {};
        return **got;
    }

    // The prefixes `show route protocol rri` lists.
    std::vector<std::string> rri_prefixes() {
        Reply r = ask("show route protocol rri");
        std::vector<std::string> out;
        for (const auto& l : r.lines) {
            if (l.code == 1007 && !l.text.empty() && l.text[0] >= '0' && l.text[0] <= '9') {
                out.push_back(l.text.substr(0, l.text.find(' ')));
            }
        }
        std::sort(out.begin(), out.end());  // BIRD lists in its hash order
        return out;
    }

    size_t rri_count() {
        // "1007-10000 of 10000 routes for 10000 networks in table master4"
        Reply r = ask("show route count protocol rri");
        for (const auto& l : r.lines) {
            if (l.code == 1007) return std::stoul(l.text);
        }
        return 0;
    }

    loop::MonotonicClock clock_;
    std::string dir_;
    std::string ns_;
    bool ns_made_ = false;
    pid_t bird_pid_ = -1;
    std::unique_ptr<loop::EventLoop> loop_;
    std::unique_ptr<BirdClient> client_;
    std::vector<ConfigureResult> results_;
};

const std::vector<std::string> three_prefixes = {"10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24"};

TEST_F(BirdNetnsTest, InjectsRefusesRestoresReconnectsAndScales) {
    // The client starts first: BIRD is not there yet, and the client keeps trying.
    client_->start();
    ASSERT_TRUE(client_->apply(three_routes()));
    loop_->run_once(50ms);
    EXPECT_FALSE(client_->status().connected);
    start_bird();
    ASSERT_TRUE(run_until([&] { return results_.size() == 1; })) << read_file(dir_ + "/bird.log");

    /* configure --> 0002-Reading configuration ... 0003 Reconfigured */
    ASSERT_TRUE(results_[0].ok) << results_[0].message;
    EXPECT_EQ(rri_prefixes(), three_prefixes);
    const std::string good = read_file(include_file());
    EXPECT_EQ(count_routes(good), 3u);

    /* configure --> 8002 FILE:LINE:COL ... value out of bounds in pair constructor */
    auto refused = three_routes();
    refused.push_back(Route{});
    refused.back().prefix = pfx("10.2.4.0/24");
    refused.back().communities = {{70000, 1}};  // BIRD checks the halves are 16 bits
    ASSERT_TRUE(client_->apply(refused));
    ASSERT_TRUE(run_until([&] { return results_.size() == 2; }));
    const ConfigureResult& bad = results_[1];
    EXPECT_FALSE(bad.ok);
    EXPECT_EQ(bad.code, 8002);
    EXPECT_NE(bad.message.find(include_file() + ":"), std::string::npos) << bad.message;
    EXPECT_TRUE(bad.restored);
    std::printf("  refused as expected: %04u %s\n", unsigned(bad.code), bad.message.c_str());
    EXPECT_EQ(read_file(include_file()), good);
    EXPECT_EQ(rri_prefixes(), three_prefixes);
    EXPECT_EQ(client_->status().routes_in_bird, 3u);

    // Back to the good set (so the desired set is one BIRD accepts), then BIRD dies and comes
    // back with an empty include file.
    ASSERT_TRUE(client_->apply(three_routes()));
    ASSERT_TRUE(run_until([&] { return results_.size() == 3; }));
    EXPECT_TRUE(results_[2].ok);
    stop_bird(SIGKILL);
    ASSERT_TRUE(run_until([&] { return !client_->status().connected; }));
    std::ofstream(include_file(), std::ios::trunc).flush();
    start_bird();
    ASSERT_TRUE(run_until([&] { return results_.size() == 4; }, 20s)) << read_file(dir_ + "/bird.log");
    EXPECT_TRUE(results_[3].ok) << results_[3].message;
    EXPECT_EQ(client_->status().connects, 2u);
    EXPECT_EQ(rri_prefixes(), three_prefixes);
    EXPECT_EQ(count_routes(read_file(include_file())), 3u);

    // 10,000 routes in one configure.
    std::vector<Route> many(10000);
    for (uint32_t i = 0; i < many.size(); ++i) {
        many[i].prefix = Ipv4Prefix(Ipv4Address(0x0a400000u + i * 256), 24);  // 10.64.0.0/24 ...
        many[i].next_hop = NextHop::via_interface("out0");
        many[i].ospf_metric2 = 20;
        many[i].ospf_tag = 100 + i % 7;
        many[i].origin = "crypto map outside " + std::to_string(10 + i % 50);
    }
    ASSERT_TRUE(client_->apply(many));
    ASSERT_TRUE(run_until([&] { return results_.size() == 5; }, 60s));
    ASSERT_TRUE(results_[4].ok) << results_[4].message;
    const auto us = [](loop::Duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
    const auto took_us = us(results_[4].took);
    std::printf("  10,000 routes: file %zu bytes; write %.1f ms, configure %.1f ms\n", read_file(include_file()).size(),
                double(us(results_[4].write_took)) / 1000.0, double(took_us) / 1000.0);
    RecordProperty("configure_10k_us", std::to_string(took_us));
    EXPECT_EQ(rri_count(), 10000u);
    EXPECT_EQ(client_->status().routes_in_bird, 10000u);

    // The usual change: one route of the 10,000 (BIRD re-reads everything, touches one route).
    many[5000].ospf_tag = 999;
    ASSERT_TRUE(client_->apply(many));
    ASSERT_TRUE(run_until([&] { return results_.size() == 6; }, 60s));
    ASSERT_TRUE(results_[5].ok) << results_[5].message;
    std::printf("  one change among 10,000: write %.1f ms, configure %.1f ms\n",
                double(us(results_[5].write_took)) / 1000.0, double(us(results_[5].took)) / 1000.0);
}

}  // namespace
}  // namespace tandem::bird
