// The CLI for operators, admins and sign-in: `site` (register, drain, undrain, delete a site by
// name or id), `keys` (list, create, revoke API keys), `usage` (the org's usage, as a table or
// CSV) and `login` (email and password for a new API key, stored in the config file, 0600).
#pragma once

#include "tools/cli/commands.hpp"
#include "tools/cli/views.hpp"

namespace suanwang::cli {

Result<ExitCode> run_site(Session& s);
Result<ExitCode> run_keys(Session& s);
Result<ExitCode> run_usage(Session& s);
Result<ExitCode> run_login(Session& s);

// Site names for showing jobs and usage; empty when the sites cannot be listed (ids are shown
// then).
SiteNames best_effort_site_names(Api& api);

// The site named by id or by name (exact, else case-insensitive); not_found lists the names.
Result<Json> find_site(Api& api, const std::string& name_or_id);

}  // namespace suanwang::cli
