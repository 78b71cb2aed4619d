// The tandemctl socket of tandem-control: a Unix stream socket that answers one command per
// connection.
//
// Protocol (also spoken by cli_client.h):
//
//   client: one line, at most 4096 bytes, ending in '\n': the command words ("show crypto ipsec sa
//           detail --json"), split as the shell would with double quotes
//   server: "ok\n" or "error\n", then the output (text or JSON), then it closes the connection
//
// Errors read like IOS's: "% Invalid input 'x' ...". A client that sends nothing for 10 s, or more
// than 4096 bytes without a newline, is dropped. Output is written without blocking the loop: what
// the socket does not take at once waits for EPOLLOUT. The socket file is made 0660 in a
// directory created if missing; a stale socket file from an earlier run is replaced.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "controlplane/cli/command_registry.h"
#include "controlplane/loop/event_loop.h"

namespace tandem::cli {

class CliServer {
public:
    static constexpr size_t kMaxRequest = 4096;

    static Result<std::unique_ptr<CliServer>> create(loop::EventLoop& loop, const CommandRegistry& commands,
                                                     const std::string& path);
    ~CliServer();
    CliServer(const CliServer&) = delete;
    CliServer& operator=(const CliServer&) = delete;

    const std::string& path() const { return path_; }
    size_t connections() const { return conns_.size(); }

private:
    struct Connection {
        std::string in;
        std::string out;
        size_t written = 0;
        bool answered = false;
        loop::Timer idle;
    };

    CliServer(loop::EventLoop& loop, const CommandRegistry& commands, std::string path, int fd)
        : loop_(loop), commands_(commands), path_(std::move(path)), listen_fd_(fd) {}
    void accept_all();
    void on_readable(int fd);
    void flush(int fd);
    void close_conn(int fd);

    loop::EventLoop& loop_;
    const CommandRegistry& commands_;
    std::string path_;
    int listen_fd_;
    std::map<int, Connection> conns_;
};

// Runs one request line through the registry and frames the answer ("ok\n..." / "error\n% ...").
std::string answer(const CommandRegistry& commands, const std::string& line);

}  // namespace tandem::cli
