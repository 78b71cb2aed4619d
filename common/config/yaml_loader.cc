// The YAML loader's entry points and the top level of the schema, plus the sections that are not
// about crypto: interfaces with their HSRP standby groups, static routes, and the process settings
// (dataplane, bird, control). Access lists, transform sets, IKE and crypto maps are read in
// yaml_loader_crypto.cc; the Reader helpers live in yaml_loader_reader.cc.
#include "common/config/yaml_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/config/yaml_loader_detail.h"

namespace tandem::config {

namespace yaml_detail {

namespace {

// ---------------------------------------------------------------- HSRP

void read_preempt(Reader& r, const Field& f, StandbyGroup& g) {
    if (f.node.IsMap()) {
        auto m = r.mapping(f, {"delay"});
        if (!m) return;
        g.preempt = true;
        if (auto d = m->get("delay", g.fields)) set_if(g.preempt_delay_ms, r.duration_ms(*d));
        return;
    }
    if (f.node.IsScalar()) {
        set_if(g.preempt, r.boolean(f));
        return;
    }
    r.error(f, "expected true, false or {delay: DURATION}, got " + describe(f.node));
}

void read_timers(Reader& r, const Field& f, StandbyGroup& g) {
    auto m = r.mapping(f, {"hello", "hold"});
    if (!m) return;
    if (auto h = m->get("hello", g.fields)) set_if(g.hello_ms, r.duration_ms(*h));
    if (auto h = m->get("hold", g.fields)) set_if(g.hold_ms, r.duration_ms(*h));
}

void read_authentication(Reader& r, const Field& f, StandbyGroup& g) {
    auto m = r.mapping(f, {"text", "md5"});
    if (!m) return;
    auto text = m->get("text");
    auto md5 = m->get("md5");
    if (text && md5) {
        r.error(md5->pos, md5->path, "give either text or md5 authentication, not both");
        return;
    }
    if (!text && !md5) {
        r.error(f, "expected {text: STRING} or {md5: KEYSTRING}");
        return;
    }
    StandbyAuth a;
    a.kind = text ? StandbyAuth::Kind::text : StandbyAuth::Kind::md5;
    auto key = r.nonempty_string(text ? *text : *md5);
    if (!key) return;
    a.key = *key;
    g.auth = a;
}

void read_track(Reader& r, const Field& f, std::vector<StandbyTrack>& out) {
    auto items = r.sequence(f);
    for (size_t i = 0; i < items.size(); ++i) {
        Field ef = r.field(items[i], f.path + "[" + std::to_string(i) + "]");
        auto m = r.mapping(ef, {"object", "interface", "decrement"});
        if (!m) continue;
        StandbyTrack t;
        t.pos = ef.pos;
        auto object = m->get("object", t.fields);
        auto interface = m->get("interface", t.fields);
        if (object) set_if(t.object, r.integer(*object, 1, 1000));
        if (interface) set_if(t.interface, r.nonempty_string(*interface));
        if (object && interface) {
            r.error(interface->pos, interface->path, "track either an object or an interface, not both");
        } else if (!object && !interface) {
            r.missing(*m, "object", "or 'interface': what to track");
        }
        if (auto d = m->get("decrement", t.fields)) set_if(t.decrement, r.integer(*d, 1, 255));
        out.push_back(std::move(t));
    }
}

void read_standby_group(Reader& r, const Field& f, StandbyGroup& g) {
    auto m = r.mapping(f, {"group", "name", "ip", "priority", "preempt", "timers", "authentication", "track"});
    if (!m) return;
    g.pos = f.pos;
    if (auto x = m->get("group", g.fields)) set_if(g.group, r.integer(*x, 0, 4095));
    if (auto x = m->get("name", g.fields)) set_if(g.name, r.nonempty_string(*x));
    if (auto x = m->get("ip", g.fields)) set_if(g.ip, r.address(*x));
    if (auto x = m->get("priority", g.fields)) set_if(g.priority, r.integer(*x, 0, 255));
    if (auto x = m->get("preempt", g.fields)) read_preempt(r, *x, g);
    if (auto x = m->get("timers", g.fields)) read_timers(r, *x, g);
    if (auto x = m->get("authentication", g.fields)) read_authentication(r, *x, g);
    if (auto x = m->get("track", g.fields)) read_track(r, *x, g.track);
}

// ---------------------------------------------------------------- interfaces

void read_crypto_map_binding(Reader& r, const Field& f, Interface& i) {
    CryptoMapBinding b;
    b.pos = f.pos;
    if (f.node.IsScalar()) {
        auto name = r.nonempty_string(f);
        if (!name) return;
        b.map = *name;
        b.fields.set("name", f.pos);
        i.crypto_map = std::move(b);
        return;
    }
    if (!f.node.IsMap()) {
        r.error(f, "expected a crypto map name or {name: MAP, redundancy: STANDBY-NAME}, got " + describe(f.node));
        return;
    }
    auto m = r.mapping(f, {"name", "redundancy"});
    if (!m) return;
    auto name = m->get("name", b.fields);
    if (!name) {
        r.missing(*m, "name", "the crypto map to apply");
        return;
    }
    auto map_name = r.nonempty_string(*name);
    if (!map_name) return;
    b.map = *map_name;
    if (auto red = m->get("redundancy", b.fields)) {
        const std::string& s = red->node.IsScalar() ? red->node.Scalar() : std::string();
        if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE") {
            b.redundancy = r.boolean(*red).value_or(false);
        } else if (auto standby = r.scalar_text(*red, "a standby group name or true")) {
            if (standby->empty()) {
                r.error(*red, "expected a standby group name or true, got \"\"");
            } else {
                b.redundancy = true;
                b.standby_name = *standby;
            }
        }
    }
    i.crypto_map = std::move(b);
}

void read_interface(Reader& r, const Field& f, Interface& i) {
    auto m = r.mapping(f, {"name", "port", "address", "role", "mtu", "shutdown", "standby_version", "standby",
                           "crypto_map"});
    if (!m) return;
    i.pos = f.pos;
    if (auto x = m->get("name", i.fields)) {
        set_if(i.name, r.nonempty_string(*x));
    } else {
        r.missing(*m, "name", "the interface name, e.g. FastEthernet0/0");
    }
    if (auto x = m->get("port", i.fields)) set_if(i.port, r.nonempty_string(*x));
    if (auto x = m->get("address", i.fields)) set_if(i.address, r.interface_address(*x));
    if (auto x = m->get("role", i.fields)) {
        set_if(i.role, r.word<InterfaceRole>(*x, "interface role",
                                             {{"outside", InterfaceRole::outside}, {"inside", InterfaceRole::inside}}));
    }
    if (auto x = m->get("mtu", i.fields)) set_if(i.mtu, r.integer(*x, 68, 9216));
    if (auto x = m->get("shutdown", i.fields)) set_if(i.shutdown, r.boolean(*x));
    if (auto x = m->get("standby_version", i.fields)) set_if(i.standby_version, r.integer_in(*x, {1, 2}));
    if (auto x = m->get("standby", i.fields)) {
        auto groups = r.sequence(*x);
        for (size_t k = 0; k < groups.size(); ++k) {
            Field gf = r.field(groups[k], element_path(x->path, groups[k], k, "group", {}, "0"));
            StandbyGroup g;
            read_standby_group(r, gf, g);
            i.standby.push_back(std::move(g));
        }
    }
    if (auto x = m->get("crypto_map", i.fields)) read_crypto_map_binding(r, *x, i);
}

}  // namespace

void read_interfaces(Reader& r, const Field& f, std::vector<Interface>& out) {
    auto items = r.sequence(f);
    for (size_t k = 0; k < items.size(); ++k) {
        Field inf = r.field(items[k], element_path(f.path, items[k], k, "name"));
        Interface i;
        read_interface(r, inf, i);
        out.push_back(std::move(i));
    }
}

// ---------------------------------------------------------------- routes

void read_routes(Reader& r, const Field& f, std::vector<StaticRoute>& out) {
    auto items = r.sequence(f);
    for (size_t k = 0; k < items.size(); ++k) {
        Field rf = r.field(items[k], f.path + "[" + std::to_string(k) + "]");
        auto m = r.mapping(rf, {"prefix", "next_hop", "interface", "distance", "tag"});
        if (!m) continue;
        StaticRoute rt;
        rt.pos = rf.pos;
        if (auto x = m->get("prefix", rt.fields)) {
            set_if(rt.prefix, r.prefix(*x));
        } else {
            r.missing(*m, "prefix", "the destination, A.B.C.D/N");
        }
        if (auto x = m->get("next_hop", rt.fields)) set_if(rt.next_hop, r.address(*x));
        if (auto x = m->get("interface", rt.fields)) set_if(rt.interface, r.nonempty_string(*x));
        if (!m->has("next_hop") && !m->has("interface")) {
            r.missing(*m, "next_hop", "or 'interface': where the route points");
        }
        if (auto x = m->get("distance", rt.fields)) set_if(rt.distance, r.integer(*x, 1, 255));
        if (auto x = m->get("tag", rt.fields)) set_if(rt.tag, r.integer(*x, 0, UINT32_MAX));
        out.push_back(std::move(rt));
    }
}

// ---------------------------------------------------------------- processes

void read_dataplane(Reader& r, const Field& f, DataplaneSettings& d) {
    auto m = r.mapping(f, {"main_lcore", "workers", "crypto", "poll", "mbufs", "mbuf_cache", "hugepages",
                           "memory_mb", "file_prefix", "api_socket", "eal_args", "main_cpu", "max_sas",
                           "max_policies", "max_routes"});
    if (!m) return;
    d.pos = f.pos;
    if (auto x = m->get("main_lcore", d.fields)) set_if(d.main_lcore, r.integer(*x, 0, 1023));
    if (auto x = m->get("workers", d.fields)) {
        d.workers.clear();
        auto items = r.sequence(*x);
        for (size_t k = 0; k < items.size(); ++k) {
            auto w = r.integer(r.field(items[k], x->path + "[" + std::to_string(k) + "]"), 0, 1023);
            if (w) d.workers.push_back(static_cast<uint32_t>(*w));
        }
    }
    if (auto x = m->get("crypto", d.fields)) {
        set_if(d.crypto, r.word<CryptoDevice>(*x, "crypto device",
                                              {{"aesni_mb", CryptoDevice::aesni_mb}, {"openssl", CryptoDevice::openssl}}));
    }
    if (auto x = m->get("poll", d.fields)) {
        set_if(d.poll, r.word<PollMode>(*x, "poll mode", {{"busy", PollMode::busy}, {"adaptive", PollMode::adaptive}}));
    }
    if (auto x = m->get("mbufs", d.fields)) set_if(d.mbufs, r.integer(*x, 1, UINT32_MAX));
    if (auto x = m->get("mbuf_cache", d.fields)) set_if(d.mbuf_cache, r.integer(*x, 0, 512));
    if (auto x = m->get("hugepages", d.fields)) set_if(d.hugepages, r.boolean(*x));
    if (auto x = m->get("memory_mb", d.fields)) set_if(d.memory_mb, r.integer(*x, 0, UINT32_MAX));
    if (auto x = m->get("main_cpu", d.fields)) set_if(d.main_cpu, r.integer(*x, 0, 1023));
    if (auto x = m->get("max_sas", d.fields)) set_if(d.max_sas, r.integer(*x, 1, 4194304));
    if (auto x = m->get("max_policies", d.fields)) set_if(d.max_policies, r.integer(*x, 1, 4194304));
    if (auto x = m->get("max_routes", d.fields)) set_if(d.max_routes, r.integer(*x, 1, 16777216));
    if (auto x = m->get("file_prefix", d.fields)) set_if(d.file_prefix, r.nonempty_string(*x));
    if (auto x = m->get("api_socket", d.fields)) set_if(d.api_socket, r.nonempty_string(*x));
    if (auto x = m->get("eal_args", d.fields)) {
        auto items = r.sequence(*x);
        for (size_t k = 0; k < items.size(); ++k) {
            auto a = r.string(r.field(items[k], x->path + "[" + std::to_string(k) + "]"));
            if (a) d.eal_args.push_back(*a);
        }
    }
}

void read_bird(Reader& r, const Field& f, BirdSettings& b) {
    auto m = r.mapping(f, {"enabled", "socket", "include_file", "protocol"});
    if (!m) return;
    b.pos = f.pos;
    if (auto x = m->get("enabled", b.fields)) set_if(b.enabled, r.boolean(*x));
    if (auto x = m->get("socket", b.fields)) set_if(b.socket, r.nonempty_string(*x));
    if (auto x = m->get("include_file", b.fields)) set_if(b.include_file, r.nonempty_string(*x));
    if (auto x = m->get("protocol", b.fields)) set_if(b.protocol, r.nonempty_string(*x));
}

void read_control(Reader& r, const Field& f, ControlSettings& c) {
    auto m = r.mapping(f, {"socket"});
    if (!m) return;
    c.pos = f.pos;
    if (auto x = m->get("socket", c.fields)) set_if(c.socket, r.nonempty_string(*x));
}

}  // namespace yaml_detail

namespace {

void read_config(yaml_detail::Reader& r, const YAML::Node& root, Config& cfg) {
    using namespace yaml_detail;
    Field top = r.field(root, "");
    auto m = r.mapping(top, {"hostname", "interfaces", "access_lists", "transform_sets", "ike", "ipsec",
                             "crypto_maps", "dynamic_maps", "routes", "dataplane", "bird", "control"});
    if (!m) return;
    // Sections keep the position of their key when they are empty.
    cfg.ike.pos = cfg.ipsec.pos = cfg.dataplane.pos = cfg.bird.pos = cfg.control.pos = top.pos;
    if (auto x = m->get("hostname")) set_if(cfg.hostname, r.nonempty_string(*x));
    if (auto x = m->get("interfaces")) read_interfaces(r, *x, cfg.interfaces);
    if (auto x = m->get("access_lists")) read_access_lists(r, *x, cfg.access_lists);
    if (auto x = m->get("transform_sets")) read_transform_sets(r, *x, cfg.transform_sets);
    if (auto x = m->get("ike")) read_ike(r, *x, cfg.ike);
    if (auto x = m->get("ipsec")) read_ipsec(r, *x, cfg.ipsec);
    if (auto x = m->get("crypto_maps")) read_crypto_maps(r, *x, cfg.crypto_maps);
    if (auto x = m->get("dynamic_maps")) read_dynamic_maps(r, *x, cfg.dynamic_maps);
    if (auto x = m->get("routes")) read_routes(r, *x, cfg.routes);
    if (auto x = m->get("dataplane")) read_dataplane(r, *x, cfg.dataplane);
    if (auto x = m->get("bird")) read_bird(r, *x, cfg.bird);
    if (auto x = m->get("control")) read_control(r, *x, cfg.control);
}

}  // namespace

LoadResult load_yaml_string(std::string_view text, const std::string& file_name) {
    LoadResult out;
    yaml_detail::Reader r(file_name, out.diags);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        SourcePos p;
        p.file = file_name;
        if (e.mark.line >= 0 && e.mark.column >= 0) {
            p.line = e.mark.line + 1;
            p.column = e.mark.column + 1;
        }
        out.diags.error(p, "", "YAML syntax error: " + e.msg);
        return out;
    }
    try {
        read_config(r, root, out.config);
    } catch (const YAML::Exception& e) {  // not expected: every access is type-checked first
        out.diags.error(r.pos(root), "", std::string("internal error reading YAML: ") + e.what());
    }
    return out;
}

LoadResult load_yaml_file(const std::string& path) {
    std::error_code ec;
    bool regular = std::filesystem::is_regular_file(path, ec);
    std::ifstream in(path, std::ios::binary);
    std::string text;
    if (regular && in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!regular || !in || in.bad()) {
        LoadResult out;
        SourcePos p;
        p.file = path;
        std::string why = !regular && !ec && std::filesystem::exists(path, ec) ? "not a regular file"
                                                                             : std::strerror(errno);
        out.diags.error(p, "", "cannot read the configuration file: " + why);
        return out;
    }
    return load_yaml_string(text, path);
}

}  // namespace tandem::config
