// ApiServer: the listening socket, connections, framing and the poll loop. The model (ordering,
// backpressure, what is dropped and what disconnects) is in server.h; request handling is in
// handlers.cc, queries in queries.cc, events in events.cc.
#include "dataplane/api/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/dpapi/codec.h"
#include "common/wire.h"

namespace tandem::dp {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// True when something accepts connections on `path` (another dataplane owns the socket).
bool socket_is_live(const sockaddr_un& addr) {
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    bool live = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return live;
}

}  // namespace

ApiServer::ApiServer(ApiServerConfig cfg) : cfg_(std::move(cfg)), rx_buf_(dpapi::kMaxMessageSize + 1) {}

ApiServer::~ApiServer() {
    for (auto& c : clients_) {
        if (c->fd >= 0) close(c->fd);
    }
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(cfg_.socket_path.c_str());
    }
}

Result<std::unique_ptr<ApiServer>> ApiServer::create(ApiServerConfig cfg) {
    if (!cfg.tables) return Error("API server: no tables");
    if (cfg.max_sas == 0 || cfg.max_policies == 0) return Error("API server: max_sas and max_policies must be set");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (cfg.socket_path.empty() || cfg.socket_path.size() >= sizeof addr.sun_path) {
        return Error("API socket path '" + cfg.socket_path + "' is empty or longer than " +
                     std::to_string(sizeof addr.sun_path - 1) + " bytes");
    }
    std::memcpy(addr.sun_path, cfg.socket_path.c_str(), cfg.socket_path.size());

    std::filesystem::path parent = std::filesystem::path(cfg.socket_path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) return Error("API socket directory " + parent.string() + ": " + ec.message());
    }
    struct stat st {};
    if (lstat(cfg.socket_path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return Error("API socket path " + cfg.socket_path + " exists and is not a socket");
        if (socket_is_live(addr)) return Error("API socket " + cfg.socket_path + " is in use by a running process");
        if (unlink(cfg.socket_path.c_str()) != 0) return Error(errno_text("removing stale " + cfg.socket_path));
    }

    std::unique_ptr<ApiServer> s(new ApiServer(std::move(cfg)));
    s->listen_fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->listen_fd_ < 0) return Error(errno_text("API socket"));
    if (bind(s->listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Error e(errno_text("bind " + s->cfg_.socket_path));
        close(s->listen_fd_);
        s->listen_fd_ = -1;  // nothing of ours to unlink
        return e;
    }
    if (chmod(s->cfg_.socket_path.c_str(), s->cfg_.socket_mode) != 0) return Error(errno_text("chmod " + s->cfg_.socket_path));
    if (listen(s->listen_fd_, 16) != 0) return Error(errno_text("listen " + s->cfg_.socket_path));
    return s;
}

dpapi::Limits ApiServer::limits() const {
    return dpapi::Limits{static_cast<uint16_t>(cfg_.tables->ports().size()), cfg_.max_sas, cfg_.max_policies};
}

void ApiServer::accept_clients() {
    for (;;) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN, or a connection that went away before we took it
        if (clients_.size() >= cfg_.max_clients) {
            ++counters_.refused;
            close(fd);
            continue;
        }
        // Room for a few full-size answers in the kernel before the output queue is used.
        int sndbuf = 1 << 20;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        auto c = std::make_unique<Client>();
        c->fd = fd;
        c->id = next_client_id_++;
        clients_.push_back(std::move(c));
        ++counters_.accepted;
    }
}

void ApiServer::close_client(Client& c, bool kicked) {
    if (c.dead) return;
    c.dead = true;
    ++counters_.disconnected;
    if (kicked) ++counters_.kicked;
}

void ApiServer::flush(Client& c) {
    while (!c.out.empty() && !c.dead) {
        const auto& msg = c.out.front();
        ssize_t n = send(c.fd, msg.data(), msg.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
            close_client(c, false);  // EPIPE, ECONNRESET: the peer is gone
            return;
        }
        c.out_bytes -= msg.size();
        c.out.pop_front();
    }
}

void ApiServer::queue(Client& c, const dpapi::Message& m) {
    std::vector<uint8_t> bytes;
    auto r = dpapi::encode(m, bytes);
    if (!r) {
        // Our own answer failed its checks: a server bug; say so rather than send nothing.
        auto fallback = dpapi::make_reply(m.request_id, dpapi::Status::internal, dpapi::kNoItem,
                                          "dataplane could not encode its answer: " + r.error().text.substr(0, 900));
        if (!dpapi::encode(fallback, bytes)) return;
    }
    c.out_bytes += bytes.size();
    c.out.push_back(std::move(bytes));
    if (c.out_bytes > kMaxQueuedBytes) {
        close_client(c, true);
        return;
    }
    flush(c);
}

void ApiServer::send_event(Client& c, dpapi::Body body) {
    dpapi::Message m{++c.event_seq, 0, std::move(body), c.version};
    if (c.dead) return;
    if (!c.out.empty()) {  // replies first; an event never waits
        ++counters_.events_dropped;
        return;
    }
    std::vector<uint8_t> bytes;
    if (!dpapi::encode(m, bytes)) {
        ++counters_.events_dropped;
        return;
    }
    ssize_t n = send(c.fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
        ++counters_.events_sent;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        ++counters_.events_dropped;
    } else {
        ++counters_.events_dropped;
        close_client(c, false);
    }
}

void ApiServer::reply(Client& c, uint32_t request_id, dpapi::Status s, uint32_t item, std::string text) {
    if (text.size() > dpapi::kMaxTextLength) text.resize(dpapi::kMaxTextLength);
    for (char& ch : text) {
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
    }
    dpapi::Message m = dpapi::make_reply(request_id, s, item, std::move(text));
    m.version = c.version;
    queue(c, m);
}

void ApiServer::reply_error(Client& c, const dpapi::CodecError& e) {
    reply(c, e.request_id, e.status, e.item, e.text);
}

// Reads and handles what the client sent, within its per-poll budget.
bool ApiServer::service(Client& c) {
    bool did = false;
    flush(c);
    for (size_t i = 0; i < kRequestsPerPoll && !c.dead && c.out.empty(); ++i) {
        ssize_t n = recv(c.fd, rx_buf_.data(), rx_buf_.size(), MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
            close_client(c, false);
            break;
        }
        did = true;
        if (n == 0) {  // orderly shutdown (an empty datagram is not a message either)
            close_client(c, false);
            break;
        }
        auto size = static_cast<size_t>(n);
        if (size > dpapi::kMaxMessageSize) {
            ++counters_.bad_messages;
            ++c.consecutive_errors;
            WireReader r(std::span<const uint8_t>(rx_buf_.data() + 12, 4));
            reply(c, r.u32(), dpapi::Status::too_large, dpapi::kNoItem,
                  std::to_string(size) + "-byte message (at most " + std::to_string(dpapi::kMaxMessageSize) + ")");
        } else {
            auto decoded = dpapi::decode(std::span<const uint8_t>(rx_buf_.data(), size));
            if (!decoded) {
                ++counters_.bad_messages;
                ++c.consecutive_errors;
                // A bad message also ends a POLICY_SET sequence in progress (handlers.cc).
                if (c.staging) {
                    c.staging = false;
                    c.staged.clear();
                    c.broken = true;
                    c.broken_port = c.staging_port;
                }
                reply_error(c, decoded.error());
            } else {
                c.consecutive_errors = 0;
                ++counters_.requests;
                handle(c, *decoded);
            }
        }
        if (c.consecutive_errors > kMaxConsecutiveErrors) close_client(c, true);
    }
    return did;
}

bool ApiServer::poll(uint64_t now_ms) {
    now_ms_ = now_ms;
    size_t before = counters_.accepted;
    accept_clients();
    bool did = counters_.accepted != before;
    for (auto& c : clients_) did |= service(*c);
    did |= publish_events(now_ms);
    for (auto it = clients_.begin(); it != clients_.end();) {
        if ((*it)->dead) {
            close((*it)->fd);
            it = clients_.erase(it);
            did = true;
        } else {
            ++it;
        }
    }
    return did;
}

}  // namespace tandem::dp
