#include "controlplane/cli/cli_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tandem::cli {

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(10);

}  // namespace

std::string answer(const CommandRegistry& commands, const std::string& line) {
    auto words = split_words(line);
    if (!words) return "error\n% " + words.error().message + "\n";
    if (words->size() == 1 && ((*words)[0] == "help" || (*words)[0] == "?")) return "ok\n" + commands.help();
    auto out = commands.execute(*words);
    if (!out) return "error\n% " + out.error().message + "\n";
    return "ok\n" + *out;
}

Result<std::unique_ptr<CliServer>> CliServer::create(loop::EventLoop& loop, const CommandRegistry& commands,
                                                     const std::string& path) {
    sockaddr_un addr{};
    if (path.empty() || path.size() >= sizeof addr.sun_path) return Error("control socket path '" + path + "' is empty or too long");
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) return Error("cannot create " + dir.string() + ": " + ec.message());

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error(std::string("socket: ") + std::strerror(errno));
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    // A socket file left by a process that is gone: connecting to it fails with ECONNREFUSED.
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        close(fd);
        return Error("another process is serving " + path);
    }
    close(fd);
    unlink(path.c_str());
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error(std::string("socket: ") + std::strerror(errno));
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || chmod(path.c_str(), 0660) < 0 ||
        listen(fd, 16) < 0) {
        Error e("cannot listen on " + path + ": " + std::strerror(errno));
        close(fd);
        return e;
    }
    std::unique_ptr<CliServer> s(new CliServer(loop, commands, path, fd));
    if (auto r = loop.add(fd, EPOLLIN, [srv = s.get()](uint32_t) { srv->accept_all(); }); !r) return r.error();
    return s;
}

CliServer::~CliServer() {
    while (!conns_.empty()) close_conn(conns_.begin()->first);
    loop_.remove(listen_fd_);
    close(listen_fd_);
    unlink(path_.c_str());
}

void CliServer::accept_all() {
    for (;;) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN, or a transient error: the next readiness retries
        if (!loop_.add(fd, EPOLLIN, [this, fd](uint32_t ev) {
                if (ev & EPOLLOUT) flush(fd);
                else on_readable(fd);
            })) {
            close(fd);
            continue;
        }
        Connection& c = conns_[fd];
        c.idle = loop_.timers().schedule(kIdleTimeout, [this, fd] { close_conn(fd); });
    }
}

void CliServer::on_readable(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    Connection& c = it->second;
    char buf[1024];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            c.in.append(buf, static_cast<size_t>(n));
            if (c.answered) c.in.clear();  // anything after the request is ignored
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
        if (!c.answered || c.written == c.out.size()) close_conn(fd);  // EOF or error
        return;
    }
    if (c.answered) return;
    auto nl = c.in.find('\n');
    if (nl == std::string::npos) {
        if (c.in.size() > kMaxRequest) close_conn(fd);
        return;
    }
    if (nl > kMaxRequest) {
        close_conn(fd);
        return;
    }
    c.out = answer(commands_, c.in.substr(0, nl));
    c.answered = true;
    c.in.clear();
    flush(fd);
}

void CliServer::flush(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    Connection& c = it->second;
    while (c.written < c.out.size()) {
        ssize_t n = send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
        if (n > 0) {
            c.written += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            (void)loop_.modify(fd, EPOLLOUT);
            return;
        }
        close_conn(fd);  // the client went away
        return;
    }
    close_conn(fd);
}

void CliServer::close_conn(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    loop_.remove(fd);
    close(fd);
    conns_.erase(it);  // cancels the idle timer
}

}  // namespace tandem::cli
