// Rendering the RRI include file (golden text, refusals, determinism) and writing it atomically.
#include "controlplane/bird/route_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::bird {
namespace {

Ipv4Prefix pfx(const char* text) { return *Ipv4Prefix::parse(text); }
Ipv4Address addr(const char* text) { return *Ipv4Address::parse(text); }

Route rt(Ipv4Prefix p, NextHop nh = NextHop::blackhole()) {
    Route r;
    r.prefix = p;
    r.next_hop = std::move(nh);
    return r;
}

std::string body(const std::string& file) {
    // Drop the two header comment lines.
    size_t at = 0;
    for (int i = 0; i < 2; ++i) at = file.find('\n', at) + 1;
    return file.substr(at);
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/tandem-bird-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(RouteFile, RendersEachNextHopAndAttribute) {
    std::vector<Route> routes = {
        {pfx("10.2.1.0/24"), NextHop::via_address(addr("10.98.0.254")), 20, 101, {{65000, 101}}, "crypto map outside 10"},
        {pfx("10.2.2.0/24"), NextHop::via_interface("out0"), std::nullopt, std::nullopt, {}, ""},
        {pfx("10.2.3.0/24"), NextHop::blackhole(), std::nullopt, 7, {{65000, 1}, {65000, 2}}, "SA 10.98.0.254 spi 0x1001"},
    };
    auto text = render_routes(routes);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(body(*text),
              "# crypto map outside 10\n"
              "route 10.2.1.0/24 via 10.98.0.254 { ospf_metric2 = 20; ospf_tag = 101; bgp_community.add((65000,101)); };\n"
              "route 10.2.2.0/24 via \"out0\";\n"
              "# SA 10.98.0.254 spi 0x1001\n"
              "route 10.2.3.0/24 blackhole { ospf_tag = 7; bgp_community.add((65000,1)); bgp_community.add((65000,2)); };\n");
    EXPECT_EQ(count_routes(*text), 3u);
    EXPECT_TRUE(text->starts_with("# Written by tandem-control"));
}

TEST(RouteFile, RefusesHostBitsNamingTheCanonicalPrefix) {
    std::vector<Route> routes = {rt(Ipv4Prefix(addr("10.2.1.1"), 24))};
    auto text = render_routes(routes);
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("10.2.1.1/24 has host bits set; the prefix is 10.2.1.0/24"),
              std::string::npos)
        << text.error().message;

    routes = {rt(Ipv4Prefix(addr("10.0.0.0"), 33))};
    EXPECT_FALSE(render_routes(routes));
    // Host routes and the default route are canonical.
    routes = {rt(pfx("10.9.9.9/32")), rt(pfx("0.0.0.0/0"))};
    EXPECT_TRUE(render_routes(routes));
}

TEST(RouteFile, RefusesTheSamePrefixTwice) {
    std::vector<Route> routes = {rt(pfx("10.2.1.0/24")), rt(pfx("10.2.1.0/24"), NextHop::via_interface("out0"))};
    auto text = render_routes(routes);
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("appears twice"), std::string::npos);
}

TEST(RouteFile, RefusesInterfaceNamesThatBreakQuotes) {
    for (const char* bad : {"", "a\"b", "a\\b", "a b", "a/b", "sixteen-chars-xx", "a\nb"}) {
        std::vector<Route> routes = {rt(pfx("10.2.1.0/24"), NextHop::via_interface(bad))};
        EXPECT_FALSE(render_routes(routes)) << bad;
    }
    std::vector<Route> routes = {rt(pfx("10.2.1.0/24"), NextHop::via_interface("fifteen-chars-x"))};
    EXPECT_TRUE(render_routes(routes));
}

TEST(RouteFile, CommentsStayOnOneLine) {
    std::vector<Route> routes = {{pfx("10.2.1.0/24"), NextHop::blackhole(), {}, {}, {}, "map a\nroute 1.0.0.0/8 blackhole;"}};
    auto text = render_routes(routes);
    ASSERT_TRUE(text);
    EXPECT_EQ(body(*text), "# map a?route 1.0.0.0/8 blackhole;\nroute 10.2.1.0/24 blackhole;\n");
    EXPECT_EQ(count_routes(*text), 1u);
}

TEST(RouteFile, OrderOfInputDoesNotMatter) {
    std::vector<Route> routes;
    for (uint32_t i = 0; i < 50; ++i) {
        routes.push_back({Ipv4Prefix(Ipv4Address(0x0a000000u + (i * 7919 % 50) * 256), 24),
                          NextHop::via_address(addr("192.0.2.1")), i, std::nullopt, {}, "m " + std::to_string(i)});
    }
    routes.push_back(rt(pfx("10.0.0.0/16")));  // shorter prefix of the same address
    auto first = render_routes(routes);
    ASSERT_TRUE(first) << first.error().message;
    for (int round = 0; round < 5; ++round) {
        std::reverse(routes.begin(), routes.end());
        std::rotate(routes.begin(), routes.begin() + 7 * round % 51, routes.end());
        auto again = render_routes(routes);
        ASSERT_TRUE(again);
        EXPECT_EQ(*again, *first);
    }
    // Sorted by address, then length.
    EXPECT_LT(first->find("route 10.0.0.0/16"), first->find("route 10.0.0.0/24"));
    EXPECT_LT(first->find("route 10.0.0.0/24"), first->find("route 10.0.1.0/24"));
}

TEST(RouteFile, WritesAtomicallyAndRestoresTheLastGood) {
    TempDir dir;
    const std::string path = dir.path + "/rri.conf";
    auto file = RouteFile::open(path);
    ASSERT_TRUE(file) << file.error().message;
    // A missing file is created (BIRD will not start without it), empty of routes, readable.
    EXPECT_EQ(read(path), file->last_good());
    EXPECT_EQ(count_routes(read(path)), 0u);
    struct stat st{};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);

    ASSERT_TRUE(file->write("route 10.0.0.0/8 blackhole;\n"));
    file->accepted("route 10.0.0.0/8 blackhole;\n");
    ASSERT_TRUE(file->write("route 10.0.0.1/8 blackhole;\n"));
    EXPECT_EQ(read(path), "route 10.0.0.1/8 blackhole;\n");
    ASSERT_TRUE(file->restore());
    EXPECT_EQ(read(path), "route 10.0.0.0/8 blackhole;\n");
    // No temporary file is left behind.
    size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++entries;
    EXPECT_EQ(entries, 1u);

    // An existing file is adopted as it is.
    auto reopened = RouteFile::open(path);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->last_good(), "route 10.0.0.0/8 blackhole;\n");
}

TEST(RouteFile, AWriteIntoAMissingDirectoryFails) {
    EXPECT_FALSE(write_file_atomically("/nonexistent-dir-tandem/rri.conf", "x"));
    EXPECT_FALSE(RouteFile::open("/nonexistent-dir-tandem/rri.conf"));
}

}  // namespace
}  // namespace tandem::bird
