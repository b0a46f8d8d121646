#include "vlm/random_gguf_writer.h"

#include <fmt/format.h>
#include <ggml-cpp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace cardmint::vlm {
namespace {

// splitmix64 (Steele et al.): one multiply-xorshift step per value, several times faster than
// std::mt19937_64 + a distribution, which matters for the ~250M values of a 500m pair.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t state) : state_(state) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1) from the top 24 bits, exactly representable as a float.
  float next_signed_unit() {
    return static_cast<float>(next() >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }

 private:
  std::uint64_t state_;
};

std::uint64_t fnv1a64(const std::string& text) {
  std::uint64_t hash = 0xCBF29CE484222325ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ull;
  }
  return hash;
}

// About 4 MiB of floats per slice: big enough that the write calls are cheap, small enough
// that memory stays flat.
constexpr std::int64_t kSliceElements = 1 << 20;

}  // namespace

RandomGgufWriter::RandomGgufWriter() : gguf_(gguf_init_empty()) {}

void RandomGgufWriter::add_tensor(const std::string& name, ggml_type type,
                                  std::vector<std::int64_t> ne, Fill fill) {
  std::array<std::int64_t, 4> dims = {1, 1, 1, 1};
  std::copy(ne.begin(), ne.end(), dims.begin());
  // gguf_add_tensor copies the tensor's header, so a throwaway no_alloc context suffices.
  ggml_init_params params = {ggml_tensor_overhead(), nullptr, /*no_alloc=*/true};
  ggml_context_ptr ctx(ggml_init(params));
  ggml_tensor* t = ggml_new_tensor(ctx.get(), type, static_cast<int>(ne.size()), dims.data());
  ggml_set_name(t, name.c_str());
  gguf_add_tensor(gguf_.get(), t);
  tensors_.push_back(Planned{name, type, dims, fill});
}

Status RandomGgufWriter::write(const std::filesystem::path& path, std::uint64_t seed) const {
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return Status::internal(fmt::format("cannot create {}", partial.string()));

    std::vector<char> meta(gguf_get_meta_size(gguf_.get()));
    gguf_get_meta_data(gguf_.get(), meta.data());
    out.write(meta.data(), static_cast<std::streamsize>(meta.size()));

    const std::size_t alignment = gguf_get_alignment(gguf_.get());
    const std::vector<char> zeros(alignment, 0);
    std::size_t written = 0;  // bytes of the data section so far
    for (std::size_t i = 0; i < tensors_.size(); ++i) {
      // The offsets in the header were computed by gguf; a mismatch would corrupt every later
      // tensor, so check rather than trust the padding arithmetic below.
      if (written != gguf_get_tensor_offset(gguf_.get(), static_cast<std::int64_t>(i))) {
        return Status::internal(fmt::format("offset mismatch at tensor {}", tensors_[i].name));
      }
      if (Status s = write_data(out, tensors_[i], seed); !s.ok()) return s;
      written += gguf_get_tensor_size(gguf_.get(), static_cast<std::int64_t>(i));
      const std::size_t pad = (alignment - written % alignment) % alignment;
      out.write(zeros.data(), static_cast<std::streamsize>(pad));
      written += pad;
    }
    out.close();
    if (!out) return Status::internal(fmt::format("write failed: {}", partial.string()));
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    return Status::internal(fmt::format("cannot rename {}: {}", partial.string(), ec.message()));
  }
  return Status::ok_status();
}

Status RandomGgufWriter::write_data(std::ostream& out, const Planned& tensor,
                                    std::uint64_t seed) const {
  const std::int64_t n_per_row = tensor.ne[0];
  const std::int64_t n_rows = tensor.ne[1] * tensor.ne[2] * tensor.ne[3];
  const std::int64_t slice_rows = std::max<std::int64_t>(1, kSliceElements / n_per_row);
  const std::size_t row_bytes = ggml_row_size(tensor.type, n_per_row);

  // Seeding by name keeps a tensor's values stable when other tensors are added or reordered.
  SplitMix64 rng(seed ^ fnv1a64(tensor.name));
  std::vector<float> values;
  std::vector<char> bytes;
  for (std::int64_t row = 0; row < n_rows; row += slice_rows) {
    const std::int64_t rows = std::min(slice_rows, n_rows - row);
    values.resize(static_cast<std::size_t>(rows * n_per_row));
    switch (tensor.fill) {
      case Fill::kUniform:
        for (float& v : values) v = kWeightRange * rng.next_signed_unit();
        break;
      case Fill::kOnes:
        std::fill(values.begin(), values.end(), 1.0f);
        break;
      case Fill::kZeros:
        std::fill(values.begin(), values.end(), 0.0f);
        break;
    }
    bytes.resize(static_cast<std::size_t>(rows) * row_bytes);
    ggml_quantize_chunk(tensor.type, values.data(), bytes.data(), 0, rows, n_per_row, nullptr);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status::internal(fmt::format("write failed at tensor {}", tensor.name));
  }
  return Status::ok_status();
}

}  // namespace cardmint::vlm
