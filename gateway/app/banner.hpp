// The start-up banner `suanwang serve` prints on stdout once it listens: where it is, where
// its keys and logs are, and, last, what to do next (open the portal and sign in), so a new
// user's next step is the last line on the screen. Its first line, "suanwang VERSION
// listening on URL", is what scripts and tests wait for.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "gateway/app/bootstrap.hpp"
#include "gateway/core/config.hpp"

namespace suanwang::app {

struct BannerFacts {
  const Config& config;
  uint16_t port;
  const BootstrapResult& boot;
  std::filesystem::path web_dir;  // the portal's folder; empty when none was found
};

std::string start_banner(const BannerFacts& facts);

// The URL a browser on this machine opens: a wildcard listen address becomes the loopback
// one, and an IPv6 address goes in brackets.
std::string local_url(const Config& config, uint16_t port);

}  // namespace suanwang::app
