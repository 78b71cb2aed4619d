// Rendering the RRI include file, and writing files atomically.
#include "controlplane/bird/route_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tandem::bird {

namespace {

constexpr size_t max_ifname = 15;  // IFNAMSIZ - 1

constexpr std::string_view file_header =
    "# Written by tandem-control (Reverse Route Injection). Rewritten whole on every change:\n"
    "# do not edit. Included by the `protocol static` block of BIRD's configuration.\n";

bool ifname_char_ok(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '\\' && c != '/';
}

// One comment line: control characters (newlines above all) become '?'.
void append_comment(std::string& out, std::string_view text) {
    out += "# ";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    out += '\n';
}

void append_route(std::string& out, const Route& r) {
    if (!r.origin.empty()) append_comment(out, r.origin);
    out += "route ";
    out += r.prefix.str();
    switch (r.next_hop.kind) {
    case NextHop::Kind::address: out += " via " + r.next_hop.address.str(); break;
    case NextHop::Kind::interface: out += " via \"" + r.next_hop.ifname + "\""; break;
    case NextHop::Kind::blackhole: out += " blackhole"; break;
    }
    std::string attrs;
    if (r.ospf_metric2) attrs += " ospf_metric2 = " + std::to_string(*r.ospf_metric2) + ";";
    if (r.ospf_tag) attrs += " ospf_tag = " + std::to_string(*r.ospf_tag) + ";";
    for (const auto& c : r.communities) {
        attrs += " bgp_community.add((" + std::to_string(c.asn) + "," + std::to_string(c.value) + "));";
    }
    if (!attrs.empty()) out += " {" + attrs + " }";
    out += ";\n";
}

Error sys_error(const std::string& what) { return Error{what + ": " + std::strerror(errno)}; }

Result<void> write_all(int fd, std::string_view data, const std::string& what) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return sys_error("write " + what);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

}  // namespace

std::optional<std::string> check_route(const Route& r) {
    if (r.prefix.length() > 32) return "prefix length " + std::to_string(r.prefix.length()) + " is over 32";
    if ((r.prefix.address().value() & ~r.prefix.mask()) != 0) {
        return r.prefix.str() + " has host bits set; the prefix is " +
               Ipv4Prefix::containing(r.prefix.address(), r.prefix.length()).str();
    }
    if (r.next_hop.kind == NextHop::Kind::interface) {
        const std::string& name = r.next_hop.ifname;
        if (name.empty() || name.size() > max_ifname) {
            return "interface name '" + name + "' must be 1 to " + std::to_string(max_ifname) + " bytes";
        }
        if (!std::all_of(name.begin(), name.end(), ifname_char_ok)) {
            return "interface name of " + r.prefix.str() + " has a character BIRD cannot quote";
        }
    }
    return std::nullopt;
}

Result<std::string> render_routes(std::span<const Route> routes) {
    std::vector<const Route*> sorted;
    sorted.reserve(routes.size());
    for (const auto& r : routes) {
        if (auto why = check_route(r)) return Error{"route " + r.prefix.str() + ": " + *why};
        sorted.push_back(&r);
    }
    std::sort(sorted.begin(), sorted.end(), [](const Route* a, const Route* b) { return a->prefix < b->prefix; });
    for (size_t i = 1; i < sorted.size(); ++i) {
        if (sorted[i]->prefix == sorted[i - 1]->prefix) {
            return Error{"route " + sorted[i]->prefix.str() + " appears twice"};
        }
    }
    std::string out(file_header);
    for (const Route* r : sorted) append_route(out, *r);
    return out;
}

size_t count_routes(std::string_view text) {
    size_t n = 0;
    while (!text.empty()) {
        const size_t nl = text.find('\n');
        if (text.substr(0, nl).starts_with("route ")) ++n;
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return n;
}

Result<void> write_file_atomically(const std::string& path, std::string_view content) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    // One writer per file (tandem-control), so a fixed temporary name is enough; a stale one
    // left by a crash is truncated.
    const std::string tmp = dir + "/." + base + ".tandem-tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return sys_error("open " + tmp);
    auto fail = [&](Error e) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return e;
    };
    // Readable by BIRD's user whatever our umask.
    if (::fchmod(fd, 0644) < 0) return fail(sys_error("chmod " + tmp));
    if (auto w = write_all(fd, content, tmp); !w) return fail(w.error());
    if (::fsync(fd) < 0) return fail(sys_error("fsync " + tmp));
    if (::close(fd) < 0) {
        ::unlink(tmp.c_str());
        return sys_error("close " + tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        Error e = sys_error("rename " + tmp + " to " + path);
        ::unlink(tmp.c_str());
        return e;
    }
    // The rename itself is durable once the directory is synced.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return sys_error("open " + dir);
    const int rc = ::fsync(dfd);
    ::close(dfd);
    if (rc < 0) return sys_error("fsync " + dir);
    return {};
}

Result<RouteFile> RouteFile::open(std::string path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        std::string text;
        char buf[65536];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) != 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                Error e = sys_error("read " + path);
                ::close(fd);
                return e;
            }
            text.append(buf, static_cast<size_t>(n));
        }
        ::close(fd);
        return RouteFile(std::move(path), std::move(text));
    }
    if (errno != ENOENT) return sys_error("open " + path);
    std::string empty(file_header);
    if (auto w = write_file_atomically(path, empty); !w) return w.error();
    return RouteFile(std::move(path), std::move(empty));
}

Result<void> RouteFile::write(std::string_view content) { return write_file_atomically(path_, content); }

}  // namespace tandem::bird
