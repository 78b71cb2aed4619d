#include "controlplane/rri/rri_service.h"

#include "controlplane/rri/show_routes.h"

namespace tandem::rri {

Result<std::unique_ptr<RriService>> RriService::create(loop::EventLoop& loop, const config::Config& cfg, FibOps fib,
                                                       IsActiveFn is_active, LogFn log) {
    std::unique_ptr<RriService> s(new RriService(loop, std::move(log)));
    s->fib_ = std::make_unique<FibConsumer>(std::move(fib), s->log_);
    ReconcilerOptions o;
    o.is_active = std::move(is_active);
    o.log = s->log_;
    s->reconciler_ = std::make_unique<RriReconciler>(loop, cfg, std::move(o));
    s->reconciler_->add_consumer(*s->fib_);
    if (auto r = s->setup_bird(cfg); !r) return r.error();
    return s;
}

RriService::~RriService() {
    reconciler_.reset();  // before the consumers it points at
}

Result<void> RriService::setup_bird(const config::Config& cfg) {
    const bool want = cfg.bird.enabled;
    if (bird_settings_ && want && *bird_settings_ == cfg.bird) return {};
    if (bird_consumer_) {
        reconciler_->remove_consumer(*bird_consumer_);
        bird_consumer_.reset();
        bird_.reset();
        bird_settings_.reset();
    }
    if (!want) return {};
    bird::ClientOptions o;
    o.connection.socket_path = cfg.bird.socket;
    o.include_file = cfg.bird.include_file;
    o.protocol = cfg.bird.protocol;
    LogFn log = log_;
    o.log = [log](std::string_view line) {
        if (log) log("bird: " + std::string(line));
    };
    auto client = bird::BirdClient::create(loop_, std::move(o));
    if (!client) return Error("BIRD client: " + client.error().message);
    bird_ = std::move(*client);
    bird_->on_configure([log](const bird::ConfigureResult& r) {
        if (!log) return;
        if (r.ok) log("rri: BIRD holds " + std::to_string(r.routes) + " route(s)");
        else log("rri: BIRD refused the routes (" + std::to_string(r.code) + " " + r.message + ")");
    });
    bird_consumer_ = std::make_unique<BirdConsumer>(*bird_, log_);
    bird_settings_ = cfg.bird;
    reconciler_->add_consumer(*bird_consumer_);
    bird_->start();
    return {};
}

Result<void> RriService::reconfigure(const config::Config& cfg) {
    reconciler_->set_config(cfg);
    return setup_bird(cfg);
}

void RriService::on_dataplane_up() {
    fib_->resync();
    reconciler_->refresh();
}

void RriService::register_commands(cli::CommandRegistry& commands) {
    commands.add("show ip route", "[static]", "The gateway's routes, RRI routes marked V",
                 [this](const cli::Request& r) {
                     return show_ip_route(reconciler_->config(), reconciler_->routes(), r.args, r.json);
                 });
    commands.add("show crypto route", "", "Routes made by reverse route injection, with their crypto map and SAs",
                 [this](const cli::Request& r) { return show_crypto_route(reconciler_->routes(), r.args, r.json); });
}

}  // namespace tandem::rri
