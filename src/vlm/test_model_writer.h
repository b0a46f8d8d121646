#pragma once
// Random-weight SmolVLM models for tests and benchmarks, since no weights can be downloaded.
//
// write_test_model() writes a GGUF pair that llama.cpp loads like ggml-org's SmolVLM files:
//   <out_dir>/cardmint-test-<size>.gguf         llama-architecture SmolLM2 text model, Q8_0
//   <out_dir>/mmproj-cardmint-test-<size>.gguf  idefics3 projector + SigLIP tower, F16 or BF16
// with SmolVLM's real shapes, hyper-parameters, special tokens and chat template, a working
// byte-level BPE tokenizer (test_vocab.h) and small uniform random weights, so the pair runs
// end to end (random text out) at the real speed and memory cost. Same options, same bytes.

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "base/status.h"

namespace cardmint::vlm {

enum class TestModelSize {
  kTiny,  // ~1 MB: hidden 64, 2 layers, 2048 tokens; SigLIP hidden 64, 2 layers. For unit tests.
  k256m,  // SmolVLM-256M-Instruct shapes: ~175 MB text + ~190 MB mmproj
  k500m,  // SmolVLM-500M-Instruct shapes: ~435 MB text + ~200 MB mmproj
};

// Storage type of the mmproj's matrices (embeddings, norms and biases stay F32).
enum class MmprojWeightType { kF16, kBf16 };

struct TestModelOptions {
  TestModelSize size = TestModelSize::kTiny;
  std::filesystem::path out_dir;  // created if missing
  std::uint64_t seed = 42;        // weights only; the vocabulary never changes
  MmprojWeightType mmproj_type = MmprojWeightType::kBf16;
};

struct TestModelPaths {
  std::filesystem::path model;
  std::filesystem::path mmproj;
};

// Overwrites existing files. Each file is written under a temporary name and renamed, so a
// reader never sees a half-written model. Thread-compatible: concurrent calls need distinct
// out_dirs. 256m takes a few seconds, mostly disk writes.
[[nodiscard]] Result<TestModelPaths> write_test_model(const TestModelOptions& options);

// "tiny" | "256m" | "500m".
[[nodiscard]] Result<TestModelSize> parse_test_model_size(std::string_view name);
// "f16" | "bf16".
[[nodiscard]] Result<MmprojWeightType> parse_mmproj_weight_type(std::string_view name);
std::string_view test_model_size_name(TestModelSize size);

}  // namespace cardmint::vlm
