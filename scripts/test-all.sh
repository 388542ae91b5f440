#!/usr/bin/env bash
# Everything CI runs, in stages: `scripts/test-all.sh [STAGE...]`, every stage in order by default.
#   lint       ESLint + Prettier
#   typecheck  tsc --noEmit
#   test       the validation tools and the offline Django packages, then unit + validation tests
#   e2e        the end-to-end suite (real Docker engine)
# .ci/run calls this after `npm ci`; each job of .github/workflows/ci.yml runs `.ci/run <stage>`, so
# the workflow and a run by hand are the same commands
# (test/unit/generators/ci/actions.repository-ci.test.ts runs both and compares them).
set -euo pipefail
cd "$(dirname "$0")/.."
STAGES=(lint typecheck test e2e)
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

stage_lint() {
  step 'Lint (ESLint, Prettier)'
  npm run lint
}

stage_typecheck() {
  step 'Type check'
  npm run typecheck
}

stage_test() {
  step 'Installing the validation tools (Debian packages, Compose v2, kubectl) and the offline wheels'
  bash scripts/provision/tools.sh
  # shellcheck source=/dev/null
  . "${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}/tools/env.sh"
  # The starter's Django test runs on Debian's Django packages, which the wheelhouse build downloads.
  bash scripts/provision/wheelhouse.sh build
  step 'Unit and validation tests'
  npm test
}

stage_e2e() {
  step 'End-to-end tests (real Docker engine)'
  npm run test:e2e
}

if [ "$#" -eq 0 ]; then set -- "${STAGES[@]}"; fi
for stage in "$@"; do
  case " ${STAGES[*]} " in
    *" $stage "*) ;;
    *)
      echo "scripts/test-all.sh: unknown stage \"$stage\"; allowed: ${STAGES[*]}" >&2
      exit 2
      ;;
  esac
done
for stage in "$@"; do "stage_$stage"; done
step "All done: $*"
