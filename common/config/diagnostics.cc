#include "common/config/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace tandem::config {

std::string Diagnostic::str() const {
    std::string s = pos.str() + ": " + (severity == Severity::error ? "error: " : "warning: ");
    if (!field.empty()) s += field + ": ";
    s += message;
    return s;
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
    return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                             [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

size_t Diagnostics::warning_count() const { return items_.size() - error_count(); }

std::string Diagnostics::str() const {
    std::vector<const Diagnostic*> sorted;
    for (const auto& d : items_) sorted.push_back(&d);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic* a, const Diagnostic* b) {
        return std::tie(a->pos.file, a->pos.line, a->pos.column) <
               std::tie(b->pos.file, b->pos.line, b->pos.column);
    });
    std::string out;
    for (const auto* d : sorted) out += d->str() + "\n";
    return out;
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    size_t best = SIZE_MAX;
    const std::string* pick = nullptr;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best) {
            best = d;
            pick = &c;
        }
    }
    size_t limit = std::max<size_t>(1, word.size() / 3);
    if (pick && best <= limit) return *pick;
    return std::nullopt;
}

}  // namespace tandem::config
