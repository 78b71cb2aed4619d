// `show standby` as IOS prints it, from hand-made snapshots; and the query words.
#include <gtest/gtest.h>

#include "controlplane/hsrp/show_standby.h"

namespace tandem::hsrp {
namespace {

using namespace std::chrono_literals;

GroupSnapshot active_group() {
    GroupSnapshot g;
    g.interface = "FastEthernet0/0";
    g.group = 1;
    g.state = State::active;
    g.name = "group1";
    g.state_changes = 2;
    g.since_last_change = 83s;
    g.virtual_ip = Ipv4Address(192, 168, 0, 3);
    g.virtual_mac = virtual_mac(Version::v1, 1);
    g.next_hello_in = 2496ms;
    g.preempt = true;
    g.preempt_minimum = 5s;
    g.active_local = true;
    g.standby = NeighborView{Ipv4Address(192, 168, 0, 2), 100, 8816ms};
    g.priority = 110;
    g.configured_priority = 110;
    return g;
}

GroupSnapshot standby_group() {
    GroupSnapshot g;
    g.interface = "GigabitEthernet0/1";
    g.group = 300;
    g.version = Version::v2;
    g.state = State::standby;
    g.state_changes = 4;
    g.since_last_change = 3723s;
    g.virtual_ip = Ipv4Address(10, 0, 0, 1);
    g.virtual_mac = virtual_mac(Version::v2, 300);
    g.hello_ms = 200;
    g.hold_ms = 750;
    g.next_hello_in = 120ms;
    g.active = NeighborView{Ipv4Address(10, 0, 0, 3), 120, 610ms};
    g.standby_local = true;
    g.priority = 90;
    g.configured_priority = 110;
    g.tracks = {{"interface Serial0/0", 20, false}};
    g.md5 = true;
    return g;
}

TEST(ShowStandby, FullActive) {
    EXPECT_EQ(render_standby({active_group()}, {}),
              "FastEthernet0/0 - Group 1\n"
              "  State is Active\n"
              "    2 state changes, last state change 00:01:23\n"
              "  Virtual IP address is 192.168.0.3\n"
              "  Active virtual MAC address is 0000.0c07.ac01 (MAC In Use)\n"
              "    Local virtual MAC address is 0000.0c07.ac01 (v1 default)\n"
              "  Hello time 3 sec, hold time 10 sec\n"
              "    Next hello sent in 2.496 secs\n"
              "  Preemption enabled, delay min 5 secs\n"
              "  Active router is local\n"
              "  Standby router is 192.168.0.2, priority 100 (expires in 8.816 sec)\n"
              "  Priority 110 (configured 110)\n"
              "  Group name is \"group1\" (cfgd)\n");
}

TEST(ShowStandby, FullStandbyVersion2) {
    EXPECT_EQ(render_standby({standby_group()}, {}),
              "GigabitEthernet0/1 - Group 300 (version 2)\n"
              "  State is Standby\n"
              "    4 state changes, last state change 01:02:03\n"
              "  Virtual IP address is 10.0.0.1\n"
              "  Active virtual MAC address is 0000.0c9f.f12c\n"
              "    Local virtual MAC address is 0000.0c9f.f12c (v2 default)\n"
              "  Hello time 200 msec, hold time 750 msec\n"
              "    Next hello sent in 0.120 secs\n"
              "  Authentication MD5, key-string\n"
              "  Preemption disabled\n"
              "  Active router is 10.0.0.3, priority 120 (expires in 0.610 sec)\n"
              "  Standby router is local\n"
              "  Priority 90 (configured 110)\n"
              "    Track interface Serial0/0 state Down decrement 20\n"
              "  Group name is \"hsrp-Gi0/1-300\" (default)\n");
}

TEST(ShowStandby, Brief) {
    StandbyQuery q;
    q.brief = true;
    EXPECT_EQ(render_standby({active_group(), standby_group()}, q),
              "                     P indicates configured to preempt.\n"
              "                     |\n"
              "Interface   Grp  Pri P State   Active          Standby         Virtual IP\n"
              "Fa0/0       1    110 P Active  local           192.168.0.2     192.168.0.3\n"
              "Gi0/1       300  90    Standby 10.0.0.3        local           10.0.0.1\n");
}

TEST(ShowStandby, InterfaceAndGroupFilter) {
    auto q = parse_standby_query({"fa0/0"});
    ASSERT_TRUE(q.ok());
    const std::string out = render_standby({active_group(), standby_group()}, *q);
    EXPECT_NE(out.find("FastEthernet0/0 - Group 1"), std::string::npos);
    EXPECT_EQ(out.find("GigabitEthernet"), std::string::npos);
    q = parse_standby_query({"brief", "GigabitEthernet0/1", "7"});
    ASSERT_TRUE(q.ok());
    EXPECT_TRUE(q->brief);
    EXPECT_EQ(q->group, 7);
    EXPECT_EQ(render_standby({standby_group()}, *q).find("Gi0/1 "), std::string::npos);
    EXPECT_FALSE(parse_standby_query({"Fa0/0", "x"}).ok());
    EXPECT_FALSE(parse_standby_query({"Fa0/0", "1", "extra"}).ok());
    EXPECT_TRUE(interface_matches("fastethernet 0/0", "FastEthernet0/0"));
    EXPECT_FALSE(interface_matches("gi0/0", "FastEthernet0/0"));
}

TEST(ShowStandby, Json) {
    const std::string j = render_standby_json({active_group()}, {});
    EXPECT_NE(j.find("\"state\":\"Active\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"active\":\"local\""), std::string::npos) << j;
    EXPECT_NE(j.find("\"standby\":{\"address\":\"192.168.0.2\",\"priority\":100,\"expires_in_ms\":8816}"),
              std::string::npos) << j;
    EXPECT_NE(j.find("\"virtual_mac\":\"0000.0c07.ac01\""), std::string::npos) << j;
    EXPECT_EQ(j.front(), '[');
}

}  // namespace
}  // namespace tandem::hsrp
