// Internals of the IOS importer (ios_import.h), shared by its source files:
//   ios_import.cc            lines, modes, dispatch, helpers, hostname, access lists, ip route
//   ios_import_crypto.cc     crypto map / dynamic-map entries, transform sets, global IPsec settings
//   ios_import_ike.cc        ISAKMP policies, keys and keepalives; IKEv2 proposals, keyrings,
//                            profiles, DPD
//   ios_import_interface.cc  interfaces and HSRP standby groups
//
// The importer is a small state machine over lines: `mode_` is the sub-mode the last header
// opened (Mode::global when none), and the indices in `cur_` name the object it edits. Objects
// are looked up again by index, never held by pointer, because the vectors grow while importing.
// Settings that IOS lets appear in any order and that only make sense together (an ISAKMP
// policy's fields, a keyring peer's address and key, `set reverse-route tag`) are collected and
// resolved when the sub-mode closes, or at the end of the text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/diagnostics.h"
#include "common/config/model.h"

namespace tandem::config::ios {

struct Token {
    std::string_view text;
    int column = 1;  // 1-based
};

struct Line {
    int number = 0;  // 1-based
    int indent = 0;  // leading blanks
    std::string_view text;  // without the leading blanks and the line end
    std::vector<Token> toks;

    size_t size() const { return toks.size(); }
    // The word at i, or "" past the end.
    std::string_view word(size_t i) const { return i < toks.size() ? toks[i].text : std::string_view(); }
    // The line's text from token i to the end ("" past the end).
    std::string_view rest(size_t i) const;
    int end_column() const;  // just past the last token
};

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);
bool all_digits(std::string_view s);
std::string quoted(std::string_view s);  // 'text'
// "FastEthernet" for "fastethernet", "Fa" or "fa"; nullopt for names of other types.
std::optional<std::string_view> canonical_interface_type(std::string_view type);

enum class Mode : uint8_t {
    global,
    crypto_map,      // crypto map NAME SEQ
    dynamic_map,     // crypto dynamic-map NAME SEQ
    transform_set,   // crypto ipsec transform-set NAME ...
    isakmp_policy,   // crypto isakmp policy N
    ikev2_proposal,  // crypto ikev2 proposal NAME
    ikev2_keyring,   // crypto ikev2 keyring NAME
    keyring_peer,    //   peer NAME
    ikev2_profile,   // crypto ikev2 profile NAME
    interface,       // interface NAME
    named_acl,       // ip access-list extended NAME
    skipped,         // the body of a command that is not imported or had errors
};

// An ISAKMP (IKEv1) policy being read; it becomes an IKEv2 proposal when its block ends.
struct PendingIsakmpPolicy {
    uint32_t number = 0;
    SourcePos pos;
    FieldPositions fields;
    std::optional<IkeCipher> cipher;
    std::optional<IkeHash> hash;
    std::optional<uint16_t> group;
    bool pre_share = false;
    bool failed = false;  // an error was already reported for one of its lines
};

// A keyring peer being read: it becomes a PresharedKey when its block ends.
struct PendingPeer {
    SourcePos pos;
    FieldPositions fields;
    std::string name;
    std::optional<Ipv4Prefix> address;
    std::optional<std::string> key;
    bool failed = false;
};

// `set reverse-route tag|distance` of one entry, applied once the whole entry has been read.
struct PendingRriSetting {
    bool dynamic = false;
    std::string map;
    uint32_t seq = 0;
    std::optional<uint32_t> tag;
    SourcePos tag_pos;
    std::optional<uint8_t> distance;
    SourcePos distance_pos;
    SourcePos first_pos;
};

class Importer {
public:
    Importer(std::string file, Config& cfg, Diagnostics& diags) : file_(std::move(file)), cfg_(cfg), diags_(diags) {}
    void run(std::string_view text);

private:
    // ---- ios_import.cc: lines and modes
    void handle(const Line& l);
    bool is_global_command(const Line& l) const;
    bool submode_accepts(const Line& l) const;
    void submode_command(const Line& l);
    void global_command(const Line& l);
    void enter(Mode m);
    void leave_mode();
    void skip_block(const Line& l, std::string why);
    void skip_errored_block(const Line& l);  // after an error in a block's header
    void finish();

    // ---- ios_import.cc: diagnostics and token helpers
    SourcePos pos_at(const Line& l, size_t i) const;  // token i, or just past the end
    SourcePos cmd_pos(const Line& l) const { return pos_at(l, 0); }
    void error(const Line& l, size_t i, const std::string& field, std::string msg);
    void warning(const Line& l, size_t i, const std::string& field, std::string msg);
    void not_imported(const Line& l, std::string_view why = "not part of Tandem's model");
    std::optional<uint64_t> number(const Line& l, size_t i, uint64_t lo, uint64_t hi, std::string_view what,
                                   const std::string& field);
    std::optional<Ipv4Address> address(const Line& l, size_t i, std::string_view what, const std::string& field);
    // A netmask (255.255.255.0) at i: its prefix length.
    std::optional<unsigned> netmask(const Line& l, size_t i, const std::string& field);
    // Reports the first token from i on as unexpected; true when there is none.
    bool expect_end(const Line& l, size_t i, const std::string& field, std::string_view expected = {});
    // Reads an interface name at i ("FastEthernet0/0" or "FastEthernet 0/0"), advancing i.
    std::optional<std::string> interface_name(const Line& l, size_t& i, const std::string& field);
    // The index in `words` of the (case-insensitive) keyword at i, or an error naming the choices.
    std::optional<size_t> keyword(const Line& l, size_t i, const std::vector<std::string>& words,
                                  std::string_view what, const std::string& field);

    // ---- ios_import.cc: global commands that are not crypto or interfaces
    void cmd_hostname(const Line& l);
    void cmd_access_list(const Line& l);
    void cmd_ip_access_list(const Line& l);
    void named_acl_line(const Line& l);
    void add_acl_entry(const Line& l, size_t acl_index, size_t text_token, std::optional<uint32_t> seq);
    size_t acl_index(const std::string& name, const SourcePos& pos);
    void cmd_ip_route(const Line& l);

    // ---- ios_import_crypto.cc
    void cmd_crypto(const Line& l);
    void cmd_crypto_map(const Line& l);
    void cmd_dynamic_map(const Line& l, size_t name_index);
    void cmd_transform_set(const Line& l);
    void transform_set_line(const Line& l);
    void cmd_crypto_ipsec(const Line& l);
    void cmd_crypto_isakmp(const Line& l);
    void isakmp_policy_line(const Line& l);
    void finish_isakmp_policy();
    void cmd_crypto_ikev2(const Line& l);
    void ikev2_proposal_line(const Line& l);
    void finish_ikev2_proposal();
    void keyring_line(const Line& l);
    void finish_keyring_peer();
    void ikev2_profile_line(const Line& l);
    void cmd_keepalive(const Line& l, size_t i, bool isakmp);
    void cmd_nat_keepalive(const Line& l, size_t i);
    bool lifetime_clause(const Line& l, size_t i, Lifetime& lt, FieldPositions& fields, const std::string& base);
    void map_entry_line(const Line& l);
    void reverse_route_line(const Line& l, CryptoPolicy& p, FieldPositions& fields, const std::string& base);
    void set_reverse_route_line(const Line& l, const std::string& base);
    void finish_reverse_routes();
    bool ike_psk(const Line& l, size_t i, std::string& key, const std::string& field);

    // ---- ios_import_interface.cc
    void cmd_interface(const Line& l);
    void interface_line(const Line& l);
    void standby_line(const Line& l, Interface& itf, const std::string& base);
    void interface_crypto_map(const Line& l, Interface& itf, const std::string& base);
    void interface_ip(const Line& l, Interface& itf, const std::string& base);

    std::string file_;
    Config& cfg_;
    Diagnostics& diags_;

    Mode mode_ = Mode::global;
    // What the current sub-mode edits (indices into cfg_'s vectors).
    size_t cur_ = 0;       // crypto map / dynamic map / interface / ACL / transform set / proposal
    size_t cur_entry_ = 0;  // entry of a crypto or dynamic map
    std::string skip_what_;  // Mode::skipped: the header's text and why its body is skipped
    std::vector<std::vector<uint32_t>> acl_seqs_;  // per access list: sequence number of each entry
    std::optional<PendingIsakmpPolicy> isakmp_;
    std::optional<PendingPeer> peer_;
    std::vector<PendingRriSetting> rri_settings_;
    bool proposal_has_errors_ = false;  // the open `crypto ikev2 proposal` block
    bool proposal_created_ = false;
};

}  // namespace tandem::config::ios
