#!/usr/bin/env bash
# Command 2: run every test in both environments. Fails if any part fails.
#   Rasa environment (Python 3.10): knowledge and action tests, the Redis lock store against a real
#   Redis, `rasa data validate`, `rasa test`.
#   Gateway environment (Python 3.11): gateway tests, docker-compose.yml validated with Debian's
#   docker-compose, then end-to-end tests against the real action server, Rasa and gateway
#   (started once), including ../shared/tools/contract_check.py and Rasa on real PostgreSQL and
#   Redis servers, then browser tests of the web widget in Debian's headless Chromium. Debian
#   packages that are missing (chromium, postgresql, redis-server, docker-compose) are installed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare
failed=()
run_part() {
  local name=$1; shift
  log "$name"
  if ! "$@"; then failed+=("$name"); fi
}
export PYTHONDONTWRITEBYTECODE=1
run_part "PostgreSQL, Redis and docker-compose for the deployment tests" ensure_store_servers
run_part "knowledge, action and lock-store tests" "$RASA_ENV/bin/python" -m pytest -q -p no:cacheprovider \
  "$ROOT/tests/knowledge" "$ROOT/tests/actions" "$ROOT/tests/bot"
run_part "rasa data validate" bash -c "cd '$ROOT/bot' && '$RASA_ENV/bin/rasa' data validate \
  --domain domain --data data --config config.yml --quiet"
run_part "rasa test (test stories)" bash -c "cd '$ROOT/bot' && '$RASA_ENV/bin/rasa' test core \
  --model '$RASA_MODEL' --stories tests --fail-on-prediction-errors --out '$COALITIECOACH_DATA_DIR/rasa-test' --quiet"
run_part "chromium for the browser tests" ensure_chromium
run_part "gateway, deployment, end-to-end and browser tests" "$API_ENV/bin/python" -m pytest -q -p no:cacheprovider \
  "$ROOT/tests/api" "$ROOT/tests/deploy" "$ROOT/tests/e2e" "$ROOT/tests/browser"
if [ ${#failed[@]} -gt 0 ]; then
  log "FAILED: ${failed[*]}"
  exit 1
fi
log "all test parts passed"
