// The peer adapter: another suanwang gateway as a site (DESIGN §4), so that a province's gateway
// joins the national one and the network grows as a hierarchy of gateways. Its capacity is the
// peer's national view; submit, status, cancel and logs go through the peer's public REST API
// with an API key of a user org there, and a job's files through the peer's datasets (stage and
// collect). Implements SiteAdapter.
#pragma once

#include "adapters/registry.hpp"

namespace suanwang::adapters::peer {

// type "peer"; its settings are described in peer_options.hpp.
AdapterFactory factory();

}  // namespace suanwang::adapters::peer
