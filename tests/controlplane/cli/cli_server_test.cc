// The control socket end to end: a real Unix socket, the server on an event loop, the blocking
// client on another thread.
#include "controlplane/cli/cli_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <future>
#include <thread>

#include "controlplane/cli/cli_client.h"

namespace tandem::cli {
namespace {

using namespace std::chrono_literals;

class CliSocket : public ::testing::Test {
protected:
    void SetUp() override {
        dir = "/tmp/tandem-cli-test-" + std::to_string(getpid());
        path = dir + "/control.sock";
        loop = loop::EventLoop::create(clock).value();
        reg.add("show version", "", "version", [](const Request&) -> Result<std::string> { return std::string("Tandem 0.1\n"); });
        reg.add("show big", "", "a lot of output", [](const Request&) -> Result<std::string> {
            return std::string(1 << 20, 'x');
        });
        reg.add("clear crypto sa", "[peer ADDR]", "", [](const Request& r) -> Result<std::string> {
            if (!r.args.empty() && r.args[0] != "peer") return Error("invalid input '" + r.args[0] + "'");
            return std::string();
        });
        server = CliServer::create(*loop, reg, path).value();
    }
    void TearDown() override {
        server.reset();
        rmdir(dir.c_str());
    }
    // Runs the client on a thread while the loop serves it.
    Result<Answer> ask(const std::string& line) {
        auto fut = std::async(std::launch::async, [&] { return run_remote(path, line, 5000); });
        while (fut.wait_for(0ms) != std::future_status::ready) loop->run_once(10ms);
        return fut.get();
    }

    loop::MonotonicClock clock;
    std::unique_ptr<loop::EventLoop> loop;
    CommandRegistry reg;
    std::unique_ptr<CliServer> server;
    std::string dir, path;
};

TEST_F(CliSocket, AnswersACommand) {
    auto a = ask("sh ver");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_TRUE(a->ok);
    EXPECT_EQ(a->text, "Tandem 0.1\n");
    EXPECT_EQ(server->connections(), 0u);  // closed after the answer
}

TEST_F(CliSocket, ErrorsComeBackInIosForm) {
    auto a = ask("clear crypto sa bogus");
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->ok);
    EXPECT_EQ(a->text, "% invalid input 'bogus'\n");
    a = ask("frobnicate");
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->ok);
    EXPECT_NE(a->text.find("invalid input 'frobnicate'"), std::string::npos);
}

TEST_F(CliSocket, LargeOutputIsWrittenWithoutBlockingTheLoop) {
    auto a = ask("show big");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->text.size(), size_t{1} << 20);
}

TEST_F(CliSocket, HelpListsCommands) {
    auto a = ask("help");
    ASSERT_TRUE(a.ok());
    EXPECT_NE(a->text.find("show version"), std::string::npos);
}

TEST_F(CliSocket, AnOversizedRequestIsDroppedAndTheServerGoesOn) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string junk(CliServer::kMaxRequest + 100, 'a');
    ASSERT_EQ(write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
    for (int i = 0; i < 20; ++i) loop->run_once(5ms);
    char c;
    EXPECT_EQ(read(fd, &c, 1), 0);  // closed without an answer
    close(fd);
    EXPECT_EQ(server->connections(), 0u);
    EXPECT_TRUE(ask("show version")->ok);
}

TEST_F(CliSocket, ASecondServerOnALiveSocketIsRefused) {
    auto second = CliServer::create(*loop, reg, path);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("another process"), std::string::npos);
}

TEST(CliClient, NoDaemonIsAClearError) {
    auto a = run_remote("/tmp/tandem-no-such-socket", "show version", 1000);
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find("cannot reach tandem-control"), std::string::npos);
}

}  // namespace
}  // namespace tandem::cli
