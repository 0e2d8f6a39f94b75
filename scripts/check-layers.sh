#!/usr/bin/env bash
# The layering check (docs/architecture.md "Layers"): imports point down, the pure domain
# reaches no server or datastore, no declared dependency goes unused. Known violations
# live in scripts/layers-baseline.txt until issue 14's re-layering removes them; a new
# one, or a baseline line that no longer occurs, fails.
#   bash scripts/check-layers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
package=$(mktemp)
trap 'rm -f "$package"' EXIT
swift package dump-package >"$package"
python3 scripts/check-layers.py --package "$package" --baseline scripts/layers-baseline.txt --root .
