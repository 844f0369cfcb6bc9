// Random: the injectable source of randomness. SecureRandom draws from OpenSSL's CSPRNG and is
// what keys and ids use; tests may substitute a seeded generator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace suanwang {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(void* out, std::size_t n) = 0;
  std::string bytes(std::size_t n);
};

class SecureRandom final : public Random {
 public:
  void fill(void* out, std::size_t n) override;
};

// Deterministic, for tests only. Thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  void fill(void* out, std::size_t n) override;

 private:
  std::mutex mu_;
  std::mt19937_64 engine_;
};

}  // namespace suanwang
