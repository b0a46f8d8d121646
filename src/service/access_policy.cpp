#include "service/access_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace cardmint::service {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// `number` counts from 1 in the order the keys were given.
Status check_key(std::string_view key, std::size_t number) {
  if (key.size() < kMinApiKeyLength) {
    return Status::invalid_input(fmt::format("key {} is {} characters; a key needs at least {}",
                                             number, key.size(), kMinApiKeyLength));
  }
  if (key.size() > kMaxApiKeyLength) {
    return Status::invalid_input(fmt::format("key {} is {} characters; a key may have at most {}",
                                             number, key.size(), kMaxApiKeyLength));
  }
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) {
    return std::isgraph(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) > 127;
  });
  if (!printable) {
    return Status::invalid_input(fmt::format(
        "key {} holds a space or control character, which a header cannot carry", number));
  }
  return {};
}

}  // namespace

Status check_api_keys(const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::invalid_input("names no key");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (Status s = check_key(keys[i], i + 1); !s.ok()) return s;
  }
  return {};
}

Result<std::vector<std::string>> api_keys_from_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Status::invalid_input(fmt::format("cannot read {}", file.string()));
  std::vector<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view key = trimmed(line);
    if (!key.empty() && key.front() != '#') keys.emplace_back(key);
  }
  if (in.bad()) return Status::invalid_input(fmt::format("cannot read {}", file.string()));
  if (keys.empty()) return Status::invalid_input(fmt::format("{} holds no key", file.string()));
  if (Status s = check_api_keys(keys); !s.ok()) {
    return Status::invalid_input(fmt::format("{}: {}", file.string(), s.message()));
  }
  return keys;
}

Access access_for(std::string_view method, std::string_view path) {
  if (method == "OPTIONS") return Access::kOpen;
  if (method == "GET" || method == "HEAD") {
    return path == "/health" || path == "/ready" ? Access::kOpen : Access::kRead;
  }
  return Access::kWrite;
}

std::string_view presented_key(std::string_view authorization, std::string_view x_api_key) {
  authorization = trimmed(authorization);
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() > kBearer.size() &&
      iequals(authorization.substr(0, kBearer.size()), kBearer)) {
    return trimmed(authorization.substr(kBearer.size()));
  }
  return trimmed(x_api_key);
}

std::string client_address(std::string_view remote_addr, std::string_view x_forwarded_for,
                           bool trust_forwarded_for) {
  if (trust_forwarded_for) {
    const std::size_t comma = x_forwarded_for.rfind(',');
    const std::string_view last = trimmed(
        comma == std::string_view::npos ? x_forwarded_for : x_forwarded_for.substr(comma + 1));
    if (!last.empty()) return std::string(last);
  }
  return std::string(remote_addr);
}

AccessPolicy::AccessPolicy(std::vector<std::string> keys, bool open_read) : open_read_(open_read) {
  for (const std::string& key : keys) {
    PaddedKey padded;
    padded.length = std::min(key.size(), kMaxApiKeyLength);  // api_keys_from_* refuse longer
    std::copy_n(key.begin(), padded.length, padded.bytes.begin());
    keys_.push_back(padded);
  }
}

bool AccessPolicy::needs_key(Access access) const {
  if (!enabled()) return false;
  switch (access) {
    case Access::kOpen:
      return false;
    case Access::kRead:
      return !open_read_;
    case Access::kWrite:
      return true;
  }
  return true;
}

std::optional<std::size_t> AccessPolicy::key_index(std::string_view presented) const {
  // Too long to be any key: refused without looking, which tells the caller only what it sent.
  if (presented.empty() || presented.size() > kMaxApiKeyLength) return std::nullopt;
  PaddedKey candidate;
  candidate.length = presented.size();
  std::copy(presented.begin(), presented.end(), candidate.bytes.begin());

  std::size_t found = keys_.size();  // "none"
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    const PaddedKey& key = keys_[k];
    // Every byte of every key, OR-ed together: the loop runs the same whatever the bytes are.
    std::size_t diff = key.length ^ candidate.length;
    for (std::size_t i = 0; i < kMaxApiKeyLength; ++i) diff |= key.bytes[i] ^ candidate.bytes[i];
    // Select without a branch on the secret comparison: mask is all ones when diff == 0.
    const std::size_t mask = static_cast<std::size_t>(0) - static_cast<std::size_t>(diff == 0);
    found = (k & mask) | (found & ~mask);
  }
  if (found == keys_.size()) return std::nullopt;
  return found;
}

}  // namespace cardmint::service
