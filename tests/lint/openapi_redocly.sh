#!/bin/sh
# Lints schema/openapi.json with Redocly's recommended rules, warnings as errors (redocly.yaml).
# Skips (exit 77) when the portal's npm packages are not installed (scripts/setup-web does).
root="$(cd "$(dirname "$0")/../.." && pwd)"
redocly="$root/web/node_modules/.bin/redocly"
if [ ! -x "$redocly" ]; then
  echo "WARN: SKIPPING the OpenAPI lint: $redocly is missing (run scripts/setup-web)" >&2
  exit 77
fi
cd "$root" && exec "$redocly" lint --config redocly.yaml schema/openapi.json
