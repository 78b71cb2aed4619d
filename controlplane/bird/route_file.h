// The routes Tandem injects into BIRD, and the include file that carries them.
//
// Model. BIRD 2 has no CLI command that adds a route, so Tandem owns one file included by a
// `protocol static` block (configs/bird/tandem-bird.conf.example):
//
//     protocol static rri { ipv4; include "/etc/tandem/bird-rri.conf"; }
//
// and rewrites it whole on every change, then asks BIRD to `configure`; BIRD touches only the
// routes that changed. render_routes() turns a set of routes into that file's text:
//
//     # crypto map outside 10 (static RRI)
//     route 10.2.1.0/24 via 10.98.0.254 { ospf_metric2 = 20; ospf_tag = 101; bgp_community.add((65000,101)); };
//     route 10.2.2.0/24 via "out0";
//     route 10.2.3.0/24 blackhole;
//
// The text is a pure function of the set: routes sorted by prefix, so equal sets give equal bytes
// whatever order they arrive in. Refused, before anything is written: a prefix with host bits set
// (BIRD refuses them too, failing the whole configure), the same prefix twice, an interface name
// that could break out of its quotes. Control characters in a comment become '?'. Attribute values are passed as BIRD
// types them (32-bit integers; a community is a pair BIRD checks to be 16-bit halves): what BIRD
// refuses there comes back from `configure` as 8002, and the client restores the last good file.
//
// RouteFile writes the file atomically (temporary file in the same directory, fsync, rename,
// fsync of the directory) with mode 0644 so a BIRD running as user `bird` can read it, and keeps
// the last content BIRD accepted so that a refused file can be put back.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ipv4.h"
#include "common/result.h"

namespace tandem::bird {

// Where the route points. (A plain struct rather than a std::variant: g++ 12 reports
// maybe-uninitialized on copies of a variant holding a string, under -Werror.)
struct NextHop {
    enum class Kind : uint8_t { blackhole, address, interface };
    Kind kind = Kind::blackhole;
    Ipv4Address address;    // Kind::address: `via A.B.C.D`
    std::string ifname;     // Kind::interface: `via "IFNAME"`, a kernel name of 1..15 bytes

    static NextHop blackhole() { return {}; }
    static NextHop via_address(Ipv4Address a) { return {Kind::address, a, {}}; }
    static NextHop via_interface(std::string name) { return {Kind::interface, {}, std::move(name)}; }
    friend bool operator==(const NextHop&, const NextHop&) = default;
};

struct Community {
    uint32_t asn = 0;    // BIRD requires 0..65535
    uint32_t value = 0;  // BIRD requires 0..65535
    friend bool operator==(const Community&, const Community&) = default;
};

struct Route {
    Ipv4Prefix prefix;
    NextHop next_hop;
    std::optional<uint32_t> ospf_metric2;  // OSPF external type 2 metric
    std::optional<uint32_t> ospf_tag;
    std::vector<Community> communities;
    std::string origin;  // the crypto map / SA that made it; written as a comment
    friend bool operator==(const Route&, const Route&) = default;
};

// Why a route cannot be written (empty when it can).
std::optional<std::string> check_route(const Route& r);

// The include file's text for `routes`, or why not.
Result<std::string> render_routes(std::span<const Route> routes);

// Routes in a file's text (lines that begin with `route `), for a file Tandem did not just render.
size_t count_routes(std::string_view text);

// Writes `content` to `path` atomically. Never leaves a partial file at `path`.
Result<void> write_file_atomically(const std::string& path, std::string_view content);

class RouteFile {
public:
    // Adopts `path`: its current content (the routes BIRD loaded at start, as far as Tandem can
    // know) becomes the last good content. A missing file is created empty, since BIRD will not
    // start without its include file.
    static Result<RouteFile> open(std::string path);

    const std::string& path() const { return path_; }
    const std::string& last_good() const { return last_good_; }

    // Writes new content, not yet known to be good.
    Result<void> write(std::string_view content);
    // BIRD accepted what is on disk.
    void accepted(std::string content) { last_good_ = std::move(content); }
    // BIRD refused it: puts the last good content back.
    Result<void> restore() { return write_file_atomically(path_, last_good_); }

private:
    RouteFile(std::string path, std::string content) : path_(std::move(path)), last_good_(std::move(content)) {}

    std::string path_;
    std::string last_good_;
};

}  // namespace tandem::bird
