#!/usr/bin/env bash
# Everything CI runs, in order: tools, lint, unit + validation tests, then the end-to-end suite.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

step 'Installing the validation tools (Debian packages, Compose v2, kubectl) and the offline wheels'
bash scripts/provision/tools.sh
# shellcheck source=/dev/null
. "${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}/tools/env.sh"
# The starter's Django test runs on Debian's Django packages, which the wheelhouse build downloads.
bash scripts/provision/wheelhouse.sh build

step 'Lint and type check'
npm run lint
npm run typecheck

step 'Unit and validation tests'
npm test

step 'End-to-end tests (real Docker engine)'
npm run test:e2e

step "All done"
