// The SA and policy YAML files of `tandemctl dp` (controlplane/ctl/dp_yaml.h): what a good file
// becomes, and that every error names FILE:LINE:COL of the offending value.
#include <gtest/gtest.h>

#include "controlplane/ctl/dp_yaml.h"

namespace tandem::ctl {
namespace {

const char* const kGoodSas = R"(sas:
  - sa_id: 1
    spi: 0x1001
    direction: inbound
    cipher: aes-gcm-128
    cipher_key: 00112233445566778899aabbccddeeff
    salt: 0x01020304
    tunnel: {src: 192.0.2.10, dst: 192.0.2.2}
    replay_window: 128
    esn: true
    selector: {src: 10.2.1.0/24, dst: 10.1.0.1-10.1.0.9, protocol: udp, dst_ports: 500-4500}
    lifetime: {soft_packets: 1000, hard_packets: 2000}
  - sa_id: 2
    spi: 8194
    direction: outbound
    cipher: aes-cbc-256
    integrity: sha256-128
    cipher_key: "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"
    integrity_key: 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
    tunnel: {src: 192.0.2.2, dst: 192.0.2.10}
    natt: {src_port: 4500, dst_port: 31000}
    policy_id: 7
)";

TEST(DpYaml, GoodSaFile) {
    auto r = parse_sa_yaml(kGoodSas, "sas.yaml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 2u);
    const auto& in = (*r)[0];
    EXPECT_EQ(in.sa_id, 1u);
    EXPECT_EQ(in.spi, 0x1001u);
    EXPECT_EQ(in.direction, dpapi::Direction::inbound);
    EXPECT_EQ(in.cipher_key_len, 16);
    EXPECT_EQ(in.cipher_key[15], 0xff);
    EXPECT_EQ(in.salt, 0x01020304u);
    EXPECT_EQ(in.tunnel_src, Ipv4Address(192, 0, 2, 10));
    EXPECT_EQ(in.replay_window, 128u);
    EXPECT_TRUE(in.esn);
    EXPECT_EQ(in.selector.src.first, Ipv4Address(10, 2, 1, 0));
    EXPECT_EQ(in.selector.src.last, Ipv4Address(10, 2, 1, 255));
    EXPECT_EQ(in.selector.dst.last, Ipv4Address(10, 1, 0, 9));
    EXPECT_EQ(in.selector.protocol, 17);
    EXPECT_EQ(in.selector.dst_ports.lo, 500);
    EXPECT_EQ(in.selector.dst_ports.hi, 4500);
    EXPECT_EQ(in.lifetime.hard_packets, 2000u);
    const auto& out = (*r)[1];
    EXPECT_EQ(out.spi, 8194u);
    EXPECT_EQ(out.cipher, dpapi::CipherAlg::aes_cbc_256);
    EXPECT_EQ(out.auth, dpapi::AuthAlg::sha256_128);
    EXPECT_EQ(out.cipher_key_len, 32);
    EXPECT_EQ(out.auth_key_len, 32);
    EXPECT_EQ(out.auth_key[31], 0x1f);
    EXPECT_TRUE(out.natt);
    EXPECT_EQ(out.natt_dst_port, 31000);
    EXPECT_EQ(out.policy_id, 7u);
}

struct BadCase {
    const char* text;
    const char* where;    // "FILE:LINE:COL"
    const char* message;  // part of the message
};

TEST(DpYaml, SaErrorsNameTheLine) {
    const BadCase cases[] = {
        {"sas:\n  - sa_id: 1\n    spi: 0x1001\n    direction: sideways\n    cipher: aes-gcm-128\n    cipher_key: 00\n"
         "    tunnel: {src: 1.1.1.1, dst: 2.2.2.2}\n",
         "f.yaml:4:16", "not one of inbound, outbound"},
        {"sas:\n  - sa_id: 1\n    spi: 0x1001\n    direction: inbound\n", "f.yaml:2:5", "needs 'cipher'"},
        {"sas:\n  - sa_id: 1\n    spy: 3\n", "f.yaml:3:5", "unknown key 'spy'"},
        {"sas:\n  - {sa_id: x1, spi: 300, direction: inbound, cipher: aes-gcm-128, cipher_key: 00, tunnel: {src: 1.1.1.1, dst: 2.2.2.2}}\n",
         "f.yaml:2:13", "sa_id: 'x1' is not a number"},
        {"sas:\n  - sa_id: 1\n    spi: 300\n    direction: inbound\n    cipher: aes-gcm-128\n    cipher_key: 0g\n"
         "    tunnel: {src: 1.1.1.1, dst: 2.2.2.2}\n",
         "f.yaml:6:17", "not a hex byte"},
        // Parsed fine, refused by the API's value checks: reported at the SA.
        {"sas:\n  - sa_id: 1\n    spi: 300\n    direction: inbound\n    cipher: aes-gcm-128\n    cipher_key: 0011\n"
         "    tunnel: {src: 1.1.1.1, dst: 2.2.2.2}\n",
         "f.yaml:2:5", "key"},
        {"sas:\n  - sa_id: 1\n    spi: 300\n    direction: inbound\n    cipher: aes-gcm-128\n"
         "    cipher_key: 00112233445566778899aabbccddeeff\n    tunnel: {src: 1.1.1.1, dst: 224.0.0.1}\n",
         "f.yaml:2:5", ""},
        {"sas: [\n", "f.yaml:2:1", ""},  // a YAML syntax error
        {"sas: 3\n", "f.yaml:1:1", "expected a list"},
    };
    for (const auto& c : cases) {
        auto r = parse_sa_yaml(c.text, "f.yaml");
        ASSERT_FALSE(r) << c.text;
        const std::string& msg = r.error().message;
        EXPECT_EQ(msg.rfind(std::string(c.where) + ": ", 0), 0u) << msg;
        EXPECT_NE(msg.find(c.message), std::string::npos) << msg;
    }
}

TEST(DpYaml, PolicyFile) {
    auto r = parse_policy_yaml("rules:\n"
                               "  - {priority: 10, action: protect, policy_id: 7, src: 10.1.0.0/24, dst: 10.2.1.0/24}\n"
                               "  - priority: 20\n"
                               "    action: bypass\n"
                               "    protocol: udp\n"
                               "    dst: 192.0.2.10\n"
                               "    dst_ports: 500-4500\n",
                               1, "p.yaml");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].port, 1);
    EXPECT_EQ((*r)[0].action, dpapi::PolicyAction::protect);
    EXPECT_EQ((*r)[0].policy_id, 7u);
    EXPECT_EQ((*r)[0].dst, *Ipv4Prefix::parse("10.2.1.0/24"));
    EXPECT_EQ((*r)[1].protocol, 17);
    EXPECT_EQ((*r)[1].src, Ipv4Prefix());
    EXPECT_EQ((*r)[1].dst, *Ipv4Prefix::parse("192.0.2.10/32"));
    EXPECT_EQ((*r)[1].dst_ports.lo, 500);
    auto empty = parse_policy_yaml("rules: []\n", 0, "p.yaml");
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->empty());

    const BadCase cases[] = {
        {"rules:\n  - {priority: 10, action: protect}\n", "p.yaml:2:5", "needs 'policy_id'"},
        {"rules:\n  - priority: 10\n    action: bypass\n    src: 10.1.0.1/24\n", "p.yaml:4:10", "host bits"},
        {"rules:\n  - priority: 10\n    action: bypass\n    dst_ports: 9-1\n", "p.yaml:2:5", ""},
        {"rules:\n  - priority: 10\n    action: bypass\n    protocol: carrier-pigeon\n", "p.yaml:4:15", "unknown protocol"},
        {"rules:\n  - priority: 10\n    action: allow\n", "p.yaml:3:13", "protect, bypass, discard"},
    };
    for (const auto& c : cases) {
        auto bad = parse_policy_yaml(c.text, 0, "p.yaml");
        ASSERT_FALSE(bad) << c.text;
        const std::string& msg = bad.error().message;
        EXPECT_EQ(msg.rfind(std::string(c.where) + ": ", 0), 0u) << msg;
        EXPECT_NE(msg.find(c.message), std::string::npos) << msg;
    }
}

}  // namespace
}  // namespace tandem::ctl
