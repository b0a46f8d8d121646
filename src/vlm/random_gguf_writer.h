#pragma once
// One GGUF file whose tensors hold seeded random values, streamed to disk a slice at a time so
// a 500m model never needs its weights in memory. Internal to vlm/ (test_model_writer.cpp).
// Owned by one thread.

#include <ggml-cpp.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/status.h"

namespace cardmint::vlm {

class RandomGgufWriter {
 public:
  enum class Fill {
    kUniform,  // uniform in ±kWeightRange: small enough that activations stay finite
    kOnes,     // norm weights: the identity scale
    kZeros,    // norm biases
  };
  static constexpr float kWeightRange = 0.02f;

  RandomGgufWriter();
  RandomGgufWriter(const RandomGgufWriter&) = delete;
  RandomGgufWriter& operator=(const RandomGgufWriter&) = delete;

  // Metadata goes straight through gguf_set_val_* / gguf_set_arr_* on this context.
  gguf_context* meta() { return gguf_.get(); }

  // `ne` is in ggml order (ne[0] is the row length). Tensors are written in the order added.
  // REQUIRES: ne[0] is a multiple of the type's block size; the name is unique.
  void add_tensor(const std::string& name, ggml_type type, std::vector<std::int64_t> ne, Fill fill);

  // Writes to `path` + ".partial" and renames, so readers never see half a file. Each
  // tensor's values depend only on (seed, tensor name).
  [[nodiscard]] Status write(const std::filesystem::path& path, std::uint64_t seed) const;

 private:
  struct Planned {
    std::string name;
    ggml_type type;
    std::array<std::int64_t, 4> ne;
    Fill fill;
  };

  [[nodiscard]] Status write_data(std::ostream& out, const Planned& tensor,
                                  std::uint64_t seed) const;

  gguf_context_ptr gguf_;
  std::vector<Planned> tensors_;
};

}  // namespace cardmint::vlm
