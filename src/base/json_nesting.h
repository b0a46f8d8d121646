#pragma once
// How deeply a JSON text nests, found in one pass without parsing it: MAX_JSON_DEPTH refuses a
// deep document before a parser builds it or a recursive dump() walks it (nlohmann's serializer
// recurses once per level, so a 20 MB "[[[[..." body would overflow an HTTP thread's stack).
// Thread-safe: a pure function.

#include <string_view>

namespace cardmint {

// MAX_JSON_DEPTH's default: a card answer is one flat object and our request bodies nest a level
// or two, so this leaves room for any real client while a recursive walk stays shallow.
inline constexpr int kDefaultMaxJsonDepth = 32;

// The deepest nesting of arrays and objects; brackets inside strings (escapes included) do not
// count. Not a validator: text that is not JSON gets some number, and the parser that follows
// rejects it.
int json_nesting_depth(std::string_view text);

}  // namespace cardmint
