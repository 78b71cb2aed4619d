#include "controlplane/cli/cli_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace tandem::cli {

Result<Answer> run_remote(const std::string& socket_path, const std::string& line, int timeout_ms) {
    sockaddr_un addr{};
    if (socket_path.size() >= sizeof addr.sun_path) return Error("socket path too long: " + socket_path);
    if (line.find('\n') != std::string::npos) return Error("a command is one line");
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error(std::string("socket: ") + std::strerror(errno));
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        Error e("cannot reach tandem-control at " + socket_path + ": " + std::strerror(errno) +
                " (is it running? see --control-socket)");
        close(fd);
        return e;
    }
    const std::string req = line + "\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        close(fd);
        return Error("cannot send the command to tandem-control");
    }
    std::string in;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
            close(fd);
            return Error("tandem-control did not answer within " + std::to_string(timeout_ms / 1000) + " s");
        }
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    auto nl = in.find('\n');
    if (nl == std::string::npos) return Error("tandem-control closed the connection without an answer");
    const std::string status = in.substr(0, nl);
    if (status != "ok" && status != "error") return Error("unexpected answer from tandem-control: " + status);
    return Answer{status == "ok", in.substr(nl + 1)};
}

}  // namespace tandem::cli
