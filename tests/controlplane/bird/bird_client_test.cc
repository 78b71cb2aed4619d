// The BIRD client's state machine against a scripted peer on a real Unix socket, on one event loop
// with a ManualClock: greeting, configure outcomes (0003, 0004/0005 with polling, 8002), coalescing,
// reconnect with back-off and the push after it. The real-BIRD test is bird_netns_test.sh.
//
// The scripted peer answers what BIRD 2.0.12 answers (bird-notes.md); it is a test double for the
// paths a real BIRD cannot be made to take on demand (0004, 0005, a garbled reply).
#include "controlplane/bird/bird_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::bird {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A peer on the loop: accepts one connection at a time, greets, records request lines, and
// answers from a script (or holds the answer until the test calls answer()).
class ScriptedBird {
public:
    ScriptedBird(loop::EventLoop& loop, std::string path) : loop_(loop), path_(std::move(path)) {}
    ~ScriptedBird() { stop(); }

    void listen() {
        listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, path_.c_str());
        unlink(path_.c_str());
        ASSERT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        ASSERT_EQ(::listen(listen_fd_, 4), 0);
        ASSERT_TRUE(loop_.add(listen_fd_, EPOLLIN, [this](uint32_t) { accept_one(); }).ok());
    }
    void stop() {
        hang_up();
        if (listen_fd_ >= 0) {
            loop_.remove(listen_fd_);
            close(listen_fd_);
            unlink(path_.c_str());
            listen_fd_ = -1;
        }
    }
    void hang_up() {
        if (conn_ >= 0) {
            loop_.remove(conn_);
            close(conn_);
            conn_ = -1;
        }
    }
    void answer(const std::string& text) { ASSERT_EQ(write(conn_, text.data(), text.size()), ssize_t(text.size())); }

    std::string greeting = "0001 BIRD 2.0.12 ready.\n";
    // Answers for `configure`, in order; when empty, the answer is held.
    std::deque<std::string> configure_answers;
    std::deque<std::string> status_answers;
    std::vector<std::string> requests;
    std::vector<std::string> files_at_configure;  // include file content when each configure came
    std::string include_file;
    int accepted = 0;

private:
    void accept_one() {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        hang_up();
        conn_ = fd;
        ++accepted;
        ASSERT_TRUE(loop_.add(conn_, EPOLLIN, [this](uint32_t) { readable(); }).ok());
        answer(greeting);
    }
    void readable() {
        char buf[4096];
        ssize_t n = read(conn_, buf, sizeof buf);
        if (n <= 0) {
            hang_up();
            return;
        }
        in_.append(buf, size_t(n));
        size_t nl;
        while ((nl = in_.find('\n')) != std::string::npos) {
            std::string line = in_.substr(0, nl);
            in_.erase(0, nl + 1);
            requests.push_back(line);
            std::deque<std::string>* script = nullptr;
            if (line == "configure") {
                files_at_configure.push_back(read_file(include_file));
                script = &configure_answers;
            } else if (line == "configure status") {
                script = &status_answers;
            } else {
                answer("1007-Table master4:\n 10.2.1.0/24 blackhole [rri] * (200)\n0000 \n");
            }
            if (script && !script->empty()) {
                answer(script->front());
                script->pop_front();
            }
        }
    }

    loop::EventLoop& loop_;
    std::string path_;
    int listen_fd_ = -1;
    int conn_ = -1;
    std::string in_;
};

constexpr const char* reconfigured = "0002-Reading configuration from /etc/bird/bird.conf\n0003 Reconfigured\n";

class BirdClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/tandem-bird-client-XXXXXX";
        dir_ = mkdtemp(tmpl);
        loop_ = std::move(loop::EventLoop::create(clock_).value());
        bird_ = std::make_unique<ScriptedBird>(*loop_, dir_ + "/bird.ctl");
        bird_->include_file = dir_ + "/rri.conf";
    }
    void TearDown() override {
        client_.reset();
        bird_.reset();
        std::filesystem::remove_all(dir_);
    }
    void make_client() {
        ClientOptions o;
        o.connection.socket_path = dir_ + "/bird.ctl";
        o.include_file = dir_ + "/rri.conf";
        o.log = [this](std::string_view l) { logs_.emplace_back(l); };
        client_ = std::move(BirdClient::create(*loop_, o).value());
        client_->on_configure([this](const ConfigureResult& r) { results_.push_back(r); });
        client_->start();
    }
    // Lets the socket traffic settle (the clock does not move).
    void settle() {
        for (int i = 0; i < 20; ++i) loop_->run_once(0ms);
    }
    void advance(loop::Duration d) {
        clock_.advance(d);
        settle();
    }
    static std::vector<Route> routes(int n, uint32_t tag = 1) {
        std::vector<Route> out;
        for (int i = 0; i < n; ++i) {
            Route& r = out.emplace_back();
            r.prefix = Ipv4Prefix(Ipv4Address(0x0a020000u + uint32_t(i) * 256), 24);
            r.ospf_tag = tag;
        }
        return out;
    }
    bool log_has(const std::string& s) const {
        for (const auto& l : logs_) {
            if (l.find(s) != std::string::npos) return true;
        }
        return false;
    }

    loop::ManualClock clock_;
    std::string dir_;
    std::unique_ptr<loop::EventLoop> loop_;
    std::unique_ptr<ScriptedBird> bird_;
    std::unique_ptr<BirdClient> client_;
    std::vector<ConfigureResult> results_;
    std::vector<std::string> logs_;
};

TEST_F(BirdClientTest, PushesTheDesiredSetAfterTheGreeting) {
    bird_->listen();
    make_client();
    ASSERT_TRUE(client_->apply(routes(3)));  // before the greeting: remembered
    settle();
    EXPECT_TRUE(client_->status().connected);
    EXPECT_EQ(client_->status().bird, "BIRD 2.0.12 ready.");
    ASSERT_EQ(bird_->requests, std::vector<std::string>{"configure"});
    EXPECT_EQ(count_routes(bird_->files_at_configure[0]), 3u);
    EXPECT_TRUE(client_->status().configuring);

    bird_->answer(reconfigured);
    settle();
    ASSERT_EQ(results_.size(), 1u);
    EXPECT_TRUE(results_[0].ok);
    EXPECT_EQ(results_[0].code, 3);
    EXPECT_EQ(results_[0].routes, 3u);
    auto st = client_->status();
    EXPECT_EQ(st.routes_in_bird, 3u);
    EXPECT_FALSE(st.configuring);
    EXPECT_EQ(st.configures_ok, 1u);

    // The same set again changes nothing.
    ASSERT_TRUE(client_->apply(routes(3)));
    settle();
    EXPECT_EQ(bird_->requests.size(), 1u);
}

TEST_F(BirdClientTest, ABurstIsCoalescedToTheLatestSet) {
    bird_->listen();
    make_client();
    settle();
    ASSERT_TRUE(client_->apply(routes(1)));
    settle();
    for (int n = 2; n <= 10; ++n) ASSERT_TRUE(client_->apply(routes(n)));
    settle();
    EXPECT_EQ(bird_->requests.size(), 1u);  // one configure at a time
    bird_->configure_answers.push_back(reconfigured);
    bird_->answer(reconfigured);
    settle();
    ASSERT_EQ(bird_->requests.size(), 2u);
    EXPECT_EQ(count_routes(bird_->files_at_configure[1]), 10u);  // only the latest
    ASSERT_EQ(results_.size(), 2u);
    EXPECT_EQ(client_->status().routes_in_bird, 10u);
}

TEST_F(BirdClientTest, InProgressAndQueueingArePolledUntilRunning) {
    bird_->listen();
    bird_->configure_answers = {"0002-Reading configuration from f\n0004 Reconfiguration in progress\n",
                                "0002-Reading configuration from f\n0005 Reconfiguration already in progress, queueing new config\n"};
    bird_->status_answers = {"0004-Reconfiguration in progress\n0000 \n", "0003-Daemon is up and running\n0000 \n",
                             "0003-Daemon is up and running\n0000 \n"};
    make_client();
    ASSERT_TRUE(client_->apply(routes(2)));
    settle();
    EXPECT_TRUE(results_.empty());
    advance(100ms);  // first poll: still in progress
    EXPECT_TRUE(results_.empty());
    advance(100ms);  // second poll: up and running
    ASSERT_EQ(results_.size(), 1u);
    EXPECT_TRUE(results_[0].ok);
    EXPECT_EQ(results_[0].took, 200ms);
    EXPECT_EQ(bird_->requests, (std::vector<std::string>{"configure", "configure status", "configure status"}));

    ASSERT_TRUE(client_->apply(routes(4)));  // 0005: queued behind another reconfiguration
    settle();
    advance(100ms);
    ASSERT_EQ(results_.size(), 2u);
    EXPECT_TRUE(results_[1].ok);
    EXPECT_EQ(client_->status().routes_in_bird, 4u);
}

TEST_F(BirdClientTest, ARefusedSetRestoresTheLastGoodFile) {
    bird_->listen();
    bird_->configure_answers = {reconfigured,
                                "0002-Reading configuration from f\n8002 " + dir_ + "/rri.conf:3:61 Number out of range\n"};
    make_client();
    ASSERT_TRUE(client_->apply(routes(3)));
    settle();
    const std::string good = read_file(dir_ + "/rri.conf");
    ASSERT_TRUE(client_->apply(routes(5, 9)));
    settle();
    ASSERT_EQ(results_.size(), 2u);
    const auto& r = results_[1];
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.code, 8002);
    EXPECT_EQ(r.message, dir_ + "/rri.conf:3:61 Number out of range");
    EXPECT_TRUE(r.restored);
    EXPECT_EQ(read_file(dir_ + "/rri.conf"), good);
    EXPECT_TRUE(log_has("failed (8002): " + dir_ + "/rri.conf:3:61 Number out of range"));
    auto st = client_->status();
    EXPECT_EQ(st.routes_in_bird, 3u);  // BIRD keeps the old routes
    EXPECT_EQ(st.configures_failed, 1u);
    EXPECT_FALSE(st.last_configure->ok);

    // Not retried by itself; after a reconnect the last good set goes back instead.
    bird_->configure_answers = {reconfigured};
    bird_->hang_up();
    settle();
    EXPECT_FALSE(client_->status().connected);
    EXPECT_FALSE(client_->status().routes_in_bird);
    advance(100ms);
    ASSERT_EQ(bird_->files_at_configure.size(), 3u);
    EXPECT_EQ(bird_->files_at_configure[2], good);
    EXPECT_EQ(client_->status().routes_in_bird, 3u);
}

TEST_F(BirdClientTest, RetriesWithBackOffUntilBirdIsThere) {
    make_client();  // nobody listens yet
    ASSERT_TRUE(client_->apply(routes(3)));
    settle();
    EXPECT_FALSE(client_->status().connected);
    EXPECT_TRUE(log_has("cannot reach BIRD"));
    const size_t logged = logs_.size();
    // Back-off: 100, 200, 400, 800 ms ... the same failure is logged once.
    advance(100ms);
    advance(200ms);
    advance(400ms);
    EXPECT_EQ(logs_.size(), logged);
    bird_->listen();
    advance(799ms);
    EXPECT_EQ(bird_->accepted, 0);
    bird_->configure_answers = {reconfigured};
    advance(1ms);
    EXPECT_EQ(bird_->accepted, 1);
    EXPECT_TRUE(client_->status().connected);
    ASSERT_EQ(results_.size(), 1u);
    EXPECT_TRUE(results_[0].ok);
}

TEST_F(BirdClientTest, ReconnectsAndPushesAgainAfterARestart) {
    bird_->listen();
    bird_->configure_answers = {reconfigured, reconfigured};
    make_client();
    ASSERT_TRUE(client_->apply(routes(3)));
    settle();
    ASSERT_EQ(client_->status().routes_in_bird, 3u);
    bird_->stop();  // BIRD is gone: socket closed and its path removed
    settle();
    EXPECT_FALSE(client_->status().connected);
    advance(100ms);  // refused
    bird_->listen();
    advance(200ms);
    EXPECT_TRUE(client_->status().connected);
    EXPECT_EQ(bird_->accepted, 2);
    ASSERT_EQ(bird_->files_at_configure.size(), 2u);
    EXPECT_EQ(count_routes(bird_->files_at_configure[1]), 3u);
    EXPECT_EQ(client_->status().routes_in_bird, 3u);
    EXPECT_EQ(client_->status().connects, 2u);
}

TEST_F(BirdClientTest, AConnectionLostMidConfigureIsPushedAgain) {
    bird_->listen();
    make_client();
    ASSERT_TRUE(client_->apply(routes(2)));
    settle();
    bird_->hang_up();  // no answer to the configure
    settle();
    ASSERT_EQ(results_.size(), 1u);
    EXPECT_FALSE(results_[0].ok);
    EXPECT_EQ(results_[0].code, 0);
    bird_->configure_answers = {reconfigured};
    advance(100ms);
    ASSERT_EQ(results_.size(), 2u);
    EXPECT_TRUE(results_[1].ok);
}

TEST_F(BirdClientTest, GarbageOrABadGreetingDropsTheConnection) {
    bird_->greeting = "8007 Access denied\n";
    bird_->listen();
    make_client();
    settle();
    EXPECT_FALSE(client_->status().connected);
    EXPECT_TRUE(log_has("BIRD did not greet: 8007 Access denied"));

    bird_->greeting = "0001 BIRD 2.0.12 ready.\n";
    advance(100ms);
    ASSERT_TRUE(client_->status().connected);
    bool failed = false;
    ASSERT_TRUE(client_->command("show status", [&](const Result<Reply>& r) { failed = !r; }));
    bird_->answer("this is not BIRD\n");
    settle();
    EXPECT_TRUE(failed);
    EXPECT_FALSE(client_->status().connected);
    EXPECT_TRUE(log_has("bad reply from BIRD"));
}

TEST_F(BirdClientTest, NoAnswerTimesOut) {
    bird_->listen();
    make_client();
    ASSERT_TRUE(client_->apply(routes(1)));
    settle();
    advance(60s);
    EXPECT_FALSE(client_->status().connected);
    EXPECT_TRUE(log_has("no reply from BIRD within 60000 ms"));
}

TEST_F(BirdClientTest, CommandsPassThroughInOrder) {
    bird_->listen();
    make_client();
    // Not connected yet: refused at once.
    EXPECT_FALSE(client_->command("show route", [](const Result<Reply>&) {}));
    settle();
    std::vector<Reply> got;
    ASSERT_TRUE(client_->command("show route protocol rri", [&](const Result<Reply>& r) { got.push_back(*r); }));
    ASSERT_TRUE(client_->command("show route protocol rri all", [&](const Result<Reply>& r) { got.push_back(*r); }));
    EXPECT_FALSE(client_->command("show route\nconfigure", [](const Result<Reply>&) {}));
    EXPECT_FALSE(client_->command(std::string(4094, 'x'), [](const Result<Reply>&) {}));
    settle();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].lines[1].text, "10.2.1.0/24 blackhole [rri] * (200)");
    EXPECT_EQ(bird_->requests, (std::vector<std::string>{"show route protocol rri", "show route protocol rri all"}));
}

}  // namespace
}  // namespace tandem::bird
