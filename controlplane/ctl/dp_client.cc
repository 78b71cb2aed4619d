// The dataplane API client: see dp_client.h for the model.
#include "controlplane/ctl/dp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tandem::dpapi {

namespace {

bool is_event(MessageType t) { return (static_cast<uint16_t>(t) & 0xff00) == 0x0400; }

Body bulk_body(std::vector<SaParams> v) { return SaAdd{std::move(v)}; }
Body bulk_body(std::vector<uint32_t> v) { return SaDel{std::move(v)}; }
Body bulk_body(std::vector<Route> v) { return RouteAdd{std::move(v)}; }
Body bulk_body(std::vector<Ipv4Prefix> v) { return RouteDel{std::move(v)}; }

Error refused(const Response& r) { return Error("the dataplane refused: " + r.error_text()); }

}  // namespace

std::string Response::error_text() const {
    std::string s(status_name(reply.status));
    if (s.empty()) s = "status " + std::to_string(static_cast<unsigned>(reply.status));
    if (reply.item != kNoItem) s += " (item " + std::to_string(reply.item) + ")";
    if (!reply.text.empty()) s += ": " + reply.text;
    return s;
}

Result<Client> Client::connect(const std::string& socket_path, int timeout_ms) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.empty() || socket_path.size() >= sizeof addr.sun_path) {
        return Error("socket path '" + socket_path + "' is empty or too long");
    }
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size());
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        Error e("cannot connect to the dataplane at " + socket_path + ": " + std::strerror(errno));
        close(fd);
        return e;
    }
    Client c(fd, timeout_ms);
    c.buf_.resize(kMaxMessageSize + 1);
    return c;
}

Client::Client(Client&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      timeout_ms_(o.timeout_ms_),
      next_id_(o.next_id_),
      version_(o.version_),
      info_(std::move(o.info_)),
      events_(std::move(o.events_)),
      buf_(std::move(o.buf_)) {}

Client& Client::operator=(Client&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) close(fd_);
        fd_ = std::exchange(o.fd_, -1);
        timeout_ms_ = o.timeout_ms_;
        next_id_ = o.next_id_;
        version_ = o.version_;
        info_ = std::move(o.info_);
        events_ = std::move(o.events_);
        buf_ = std::move(o.buf_);
    }
    return *this;
}

Client::~Client() {
    if (fd_ >= 0) close(fd_);
}

Result<void> Client::send_bytes(std::span<const uint8_t> bytes) {
    for (;;) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n >= 0) return {};
        if (errno == EINTR) continue;
        return Error(std::string("send to the dataplane: ") + std::strerror(errno));
    }
}

Result<void> Client::send(const Message& m) {
    std::vector<uint8_t> bytes;
    auto r = encode(m, bytes);
    if (!r) return Error("cannot encode " + std::string(message_type_name(type_of(m))) + ": " + r.error().str());
    return send_bytes(bytes);
}

Result<Message> Client::receive_until(Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd p{fd_, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 0)));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return Error(std::string("poll: ") + std::strerror(errno));
        if (rc == 0) return Error("timed out waiting for the dataplane");
        ssize_t n = recv(fd_, buf_.data(), buf_.size(), MSG_DONTWAIT);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return Error(std::string("receive from the dataplane: ") + std::strerror(errno));
        if (n == 0) return Error("the dataplane closed the connection");
        auto m = decode(std::span<const uint8_t>(buf_.data(), static_cast<size_t>(n)));
        if (!m) return Error("undecodable message from the dataplane: " + m.error().str());
        return std::move(*m);
    }
}

Result<Message> Client::receive(int timeout_ms) {
    return receive_until(Clock::now() + std::chrono::milliseconds(timeout_ms));
}

Result<Response> Client::collect(uint32_t request_id, Clock::time_point deadline) {
    Response resp;
    for (;;) {
        auto m = receive_until(deadline);
        if (!m) return m.error();
        MessageType t = type_of(*m);
        if (is_event(t)) {
            events_.push_back(std::move(*m));
            continue;
        }
        if (m->request_id != request_id) continue;  // the late answer of an abandoned request
        if (const auto* r = std::get_if<Reply>(&m->body)) {
            resp.reply = *r;
            return resp;
        }
        resp.data.push_back(std::move(*m));
    }
}

Result<Response> Client::request(Body body, uint16_t flags) {
    Message m{next_request_id(), flags, std::move(body), version_};
    if (auto r = send(m); !r) return r.error();
    return collect(m.request_id, Clock::now() + std::chrono::milliseconds(timeout_ms_));
}

Result<std::vector<Response>> Client::request_all(std::vector<Message> requests) {
    for (auto& m : requests) {
        m.request_id = next_request_id();
        m.version = version_;
        if (auto r = send(m); !r) return r.error();
    }
    std::vector<Response> out;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    for (const auto& m : requests) {
        auto r = collect(m.request_id, deadline);
        if (!r) return r.error();
        out.push_back(std::move(*r));
    }
    return out;
}

Result<HelloInfo> Client::hello(const std::string& name, uint16_t min_version, uint16_t max_version) {
    auto r = request(Hello{min_version, max_version, name});
    if (!r) return r.error();
    if (!r->ok()) return refused(*r);
    for (auto& m : r->data) {
        if (auto* info = std::get_if<HelloInfo>(&m.body)) {
            version_ = info->version;
            info_ = *info;
            return *info;
        }
    }
    return Error("the dataplane answered HELLO without HELLO_INFO");
}

template <typename Item>
Result<Response> Client::send_split(const std::vector<Item>& items, MessageType type) {
    const size_t per = max_items_per_message(type);
    size_t at = 0;
    Response last;
    do {
        size_t n = std::min(per, items.size() - at);
        std::vector<Item> part(items.begin() + static_cast<std::ptrdiff_t>(at),
                               items.begin() + static_cast<std::ptrdiff_t>(at + n));
        auto r = request(bulk_body(std::move(part)));
        if (!r) return r.error();
        if (!r->ok()) {
            if (r->reply.item != kNoItem) r->reply.item += static_cast<uint32_t>(at);
            return r;
        }
        last = std::move(*r);
        at += n;
    } while (at < items.size());
    return last;
}

Result<Response> Client::add_sas(const std::vector<SaParams>& sas) { return send_split(sas, MessageType::sa_add); }
Result<Response> Client::delete_sas(const std::vector<uint32_t>& ids) { return send_split(ids, MessageType::sa_del); }
Result<Response> Client::add_routes(const std::vector<Route>& routes) { return send_split(routes, MessageType::route_add); }
Result<Response> Client::delete_routes(const std::vector<Ipv4Prefix>& prefixes) {
    return send_split(prefixes, MessageType::route_del);
}

Result<Response> Client::set_policies(uint16_t port, const std::vector<PolicyRule>& rules) {
    const size_t per = max_items_per_message(MessageType::policy_set);
    std::vector<Message> parts;
    size_t at = 0;
    do {
        size_t n = std::min(per, rules.size() - at);
        PolicySet ps{port, {rules.begin() + static_cast<std::ptrdiff_t>(at), rules.begin() + static_cast<std::ptrdiff_t>(at + n)}};
        at += n;
        parts.push_back(Message{0, at < rules.size() ? kFlagMore : uint16_t{0}, std::move(ps)});
    } while (at < rules.size());
    auto answers = request_all(std::move(parts));
    if (!answers) return answers.error();
    // The first refusal says why; the parts after it are refused as a broken sequence.
    for (size_t i = 0; i < answers->size(); ++i) {
        auto& r = (*answers)[i];
        if (!r.ok()) {
            if (r.reply.item != kNoItem) r.reply.item += static_cast<uint32_t>(i * per);
            return std::move(r);
        }
    }
    return std::move(answers->back());
}

template <typename List, typename Item>
Result<std::vector<Item>> Client::query_list(Body query, std::vector<Item> List::*field) {
    auto r = request(std::move(query));
    if (!r) return r.error();
    if (!r->ok()) return refused(*r);
    std::vector<Item> out;
    for (auto& m : r->data) {
        if (auto* list = std::get_if<List>(&m.body)) {
            auto& items = (*list).*field;
            out.insert(out.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
        }
    }
    return out;
}

Result<std::vector<SaParams>> Client::dump_sas() { return query_list(DumpSas{}, &SaList::sas); }
Result<std::vector<PolicyRule>> Client::dump_policies() { return query_list(DumpPolicies{}, &PolicyList::rules); }
Result<std::vector<Route>> Client::dump_routes() { return query_list(DumpRoutes{}, &RouteList::routes); }
Result<std::vector<VirtualAddress>> Client::dump_vaddrs() { return query_list(DumpVaddrs{}, &VaddrList::addresses); }
Result<std::vector<PortStats>> Client::port_stats() { return query_list(StatsPorts{}, &PortStatsList::ports); }
Result<std::vector<SaStats>> Client::sa_stats(const std::vector<uint32_t>& ids) {
    return query_list(StatsSas{ids}, &SaStatsList::sas);
}
Result<std::vector<WorkerStats>> Client::worker_stats() { return query_list(StatsWorkers{}, &WorkerStatsList::workers); }

Result<DropCounters> Client::drop_stats() {
    auto r = request(StatsDrops{});
    if (!r) return r.error();
    if (!r->ok()) return refused(*r);
    for (auto& m : r->data) {
        if (auto* d = std::get_if<DropStats>(&m.body)) return d->drops;
    }
    return Error("the dataplane answered STATS_DROPS without DROP_STATS");
}

Result<std::optional<Message>> Client::next_event(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        if (!events_.empty()) {
            Message m = std::move(events_.front());
            events_.pop_front();
            return std::optional<Message>(std::move(m));
        }
        // Past the deadline receive_until() still polls once without waiting, so a zero timeout
        // reads what has already arrived.
        auto m = receive_until(deadline);
        if (!m) {
            if (m.error().message.find("timed out") != std::string::npos) return std::optional<Message>();
            return m.error();
        }
        if (is_event(type_of(*m))) events_.push_back(std::move(*m));
    }
}

}  // namespace tandem::dpapi
