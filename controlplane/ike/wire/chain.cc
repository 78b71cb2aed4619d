// Walking and writing payload chains; the dispatch from payload type to body parser.
#include "controlplane/ike/wire/chain.h"

#include "controlplane/ike/wire/header.h"

namespace tandem::ike {
namespace {

template <typename T>
Result<PayloadBody, ParseError> parse_as(WireReader& r) {
    auto b = T::parse(r);
    if (!b) return b.error();
    return PayloadBody(std::move(*b));
}

Result<PayloadBody, ParseError> parse_body(PayloadType type, WireReader& r) {
    switch (type) {
    case PayloadType::sa: return parse_as<SaPayload>(r);
    case PayloadType::ke: return parse_as<KePayload>(r);
    case PayloadType::idi:
    case PayloadType::idr: return parse_as<IdPayload>(r);
    case PayloadType::auth: return parse_as<AuthPayload>(r);
    case PayloadType::nonce: return parse_as<NoncePayload>(r);
    case PayloadType::notify: return parse_as<NotifyPayload>(r);
    case PayloadType::del: return parse_as<DeletePayload>(r);
    case PayloadType::vendor_id: return parse_as<VendorIdPayload>(r);
    case PayloadType::tsi:
    case PayloadType::tsr: return parse_as<TsPayload>(r);
    case PayloadType::sk: return parse_as<SkPayload>(r);
    case PayloadType::skf: return parse_as<SkfPayload>(r);
    default: return parse_as<RawPayload>(r);
    }
}

bool is_encrypted(PayloadType t) { return t == PayloadType::sk || t == PayloadType::skf; }

// The Next Payload value written in `p`'s generic header.
PayloadType link_of(const Payload& p, PayloadType next) {
    if (const auto* sk = p.get<SkPayload>()) return sk->first_inner;
    if (const auto* skf = p.get<SkfPayload>()) return skf->first_inner;
    return next;
}

template <typename T>
Result<void, ParseError> verify_one(const T& body) {
    if constexpr (requires { body.verify(); }) {
        return body.verify();
    } else {
        return {};
    }
}

}  // namespace

bool is_known_payload(PayloadType type) {
    switch (type) {
    case PayloadType::sa: case PayloadType::ke: case PayloadType::idi: case PayloadType::idr:
    case PayloadType::cert: case PayloadType::certreq: case PayloadType::auth: case PayloadType::nonce:
    case PayloadType::notify: case PayloadType::del: case PayloadType::vendor_id: case PayloadType::tsi:
    case PayloadType::tsr: case PayloadType::sk: case PayloadType::cp: case PayloadType::eap:
    case PayloadType::skf:
        return true;
    default:
        return false;
    }
}

bool body_matches(PayloadType type, const PayloadBody& body) {
    switch (type) {
    case PayloadType::sa: return std::holds_alternative<SaPayload>(body);
    case PayloadType::ke: return std::holds_alternative<KePayload>(body);
    case PayloadType::idi:
    case PayloadType::idr: return std::holds_alternative<IdPayload>(body);
    case PayloadType::auth: return std::holds_alternative<AuthPayload>(body);
    case PayloadType::nonce: return std::holds_alternative<NoncePayload>(body);
    case PayloadType::notify: return std::holds_alternative<NotifyPayload>(body);
    case PayloadType::del: return std::holds_alternative<DeletePayload>(body);
    case PayloadType::vendor_id: return std::holds_alternative<VendorIdPayload>(body);
    case PayloadType::tsi:
    case PayloadType::tsr: return std::holds_alternative<TsPayload>(body);
    case PayloadType::sk: return std::holds_alternative<SkPayload>(body);
    case PayloadType::skf: return std::holds_alternative<SkfPayload>(body);
    case PayloadType::none: return false;
    default: return std::holds_alternative<RawPayload>(body);
    }
}

Result<std::vector<Payload>, ParseError> parse_chain(PayloadType first, WireReader& r, bool outer) {
    std::vector<Payload> chain;
    PayloadType type = first;
    while (type != PayloadType::none) {
        size_t at = r.position();
        auto gh = GenericHeader::parse(r);
        if (!gh) return ParseError{gh.error().reason, gh.error().offset, type};
        WireReader body = r.sub(gh->length - kGenericHeaderSize);
        if (!r.ok()) return ParseError{ParseReason::bad_length, at + 2, type};
        if (!is_known_payload(type) && gh->critical) {
            return ParseError{ParseReason::unsupported_critical_payload, at, type};
        }
        if (is_encrypted(type) && !outer) return ParseError{ParseReason::unexpected_encrypted, at, type};
        auto parsed = parse_body(type, body);
        if (!parsed) {
            ParseError e = parsed.error().at(at + kGenericHeaderSize);
            e.payload = type;
            return e;
        }
        Payload p{type, gh->critical, std::move(*parsed)};
        if (auto* sk = p.get<SkPayload>()) sk->first_inner = gh->next_payload;
        if (auto* skf = p.get<SkfPayload>()) skf->first_inner = gh->next_payload;
        chain.push_back(std::move(p));
        if (is_encrypted(type)) {
            if (r.remaining() != 0) return ParseError{ParseReason::encrypted_not_last, r.position(), type};
            break;
        }
        type = gh->next_payload;
    }
    if (r.remaining() != 0) return ParseError{ParseReason::trailing_data, r.position(), PayloadType::none};
    return chain;
}

Result<std::vector<Payload>, ParseError> parse_payload_chain(PayloadType first, std::span<const uint8_t> data) {
    WireReader r(data);
    return parse_chain(first, r, false);
}

PayloadType first_type(std::span<const Payload> payloads) {
    return payloads.empty() ? PayloadType::none : payloads.front().type;
}

void serialize_chain(std::span<const Payload> payloads, WireWriter& w) {
    for (size_t i = 0; i < payloads.size(); ++i) {
        const Payload& p = payloads[i];
        bool last = i + 1 == payloads.size();
        if (!body_matches(p.type, p.body) || (is_encrypted(p.type) && !last)) {
            w.fail();
            return;
        }
        size_t start = w.size();
        GenericHeader gh;
        gh.next_payload = link_of(p, last ? PayloadType::none : payloads[i + 1].type);
        gh.critical = p.critical;
        gh.serialize(w);
        std::visit([&w](const auto& body) { body.serialize(w); }, p.body);
        w.patch(start + 2, 2, w.size() - start);
    }
}

Result<std::vector<uint8_t>> serialize_payload_chain(std::span<const Payload> payloads) {
    std::vector<uint8_t> out;
    WireWriter w(out);
    serialize_chain(payloads, w);
    if (!w.ok()) return Error("IKE payload chain cannot be serialized (mismatched body, SK not last, or too long)");
    return out;
}

Result<void, ParseError> verify_payloads(std::span<const Payload> payloads, ExchangeType exchange, bool response) {
    for (const auto& p : payloads) {
        Result<void, ParseError> v;
        if (const auto* sa = p.get<SaPayload>()) {
            v = sa->verify(exchange, response);
        } else {
            v = std::visit([](const auto& body) { return verify_one(body); }, p.body);
        }
        if (!v) {
            ParseError e = v.error();
            e.payload = p.type;
            return e;
        }
    }
    return {};
}

const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type) {
    for (const auto& p : payloads) {
        if (const auto* n = p.get<NotifyPayload>(); n && n->type == type) return n;
    }
    return nullptr;
}

}  // namespace tandem::ike
