// `show crypto dynamic-map [tag NAME]`: the dynamic map templates, in configuration order, and in
// each its entries by sequence number, with IOS's header (no space before the quote, as IOS
// prints it):
//
//   Crypto Map Template"mydynmap" 1
//           No matching address list set.
//           Security association lifetime: 4608000 kilobytes/3600 seconds
//           ... the rest of the policy block (policy.cc) ...
//
// A template has no `Current peer:` (its SAs' peers are live state, per SA) and is bound to no
// interface itself: a crypto map entry `ipsec-isakmp dynamic NAME` refers to it.
//
// JSON: one object per entry: {"dynamic_map", "seq", "peers", "ike_proposal", "access_list",
// "lifetime", "responder_only", "pfs_group", "transform_sets", "reverse_route"}, each as in
// crypto_map.cc.
#include "controlplane/show/args.h"
#include "controlplane/show/detail.h"
#include "controlplane/show/show.h"

namespace tandem::show {

using namespace tandem::config;

Result<std::string> show_dynamic_map(const Config& cfg, const std::vector<std::string>& args, bool json) {
    auto filter = parse_filter(args, "show crypto dynamic-map", false);
    if (!filter) return filter.error();
    std::vector<const DynamicMap*> maps;
    if (filter->kind == Filter::Kind::tag) {
        const DynamicMap* m = cfg.find_dynamic_map(filter->value);
        if (!m) return Error("Dynamic crypto map " + filter->value + " not found");
        maps.push_back(m);
    } else {
        for (const auto& m : cfg.dynamic_maps) maps.push_back(&m);
    }

    std::vector<std::string> docs;
    std::string out;
    for (const DynamicMap* m : maps) {
        for (const DynamicMapEntry* e : by_seq(m->entries)) {
            if (json) {
                JsonWriter w;
                w.begin_object().key("dynamic_map").value(m->name).key("seq").number(uint64_t{e->seq});
                write_policy_json(w, cfg, e->policy);
                w.end_object();
                docs.push_back(w.str());
            } else {
                if (!out.empty()) out += "\n";
                out += "Crypto Map Template\"" + m->name + "\" " + std::to_string(e->seq) + "\n";
                out += policy_text(cfg, e->policy, std::nullopt, false);
            }
        }
    }
    return json ? json_lines_array(docs) : out;
}

}  // namespace tandem::show
