# Shared by run.sh and test.sh: environments, the spaCy pipeline, the model. Source it; don't run it.
#
# Environments are cached outside the clone, keyed by the hash of their lock file:
#   ${COALITIECOACH_CACHE:-~/.cache/coalitiecoach}/envs/{rasa,api}-<hash>
# With no cache they are built from nothing (PyPI), which takes a few minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${COALITIECOACH_CACHE:-$HOME/.cache/coalitiecoach}"
export COALITIECOACH_DATA_DIR="${COALITIECOACH_DATA_DIR:-$ROOT/var}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
SPACY_DIR="$ROOT/bot/.build/spacy-nl"
# What the spaCy pipeline is built from: its code and the knowledge behind the entity ruler (the
# rest of the knowledge does not touch the model).
NLP_CODE="bot/extensions/coalitie_rasa/components.py bot/extensions/coalitie_rasa/build.py"
NLP_KNOWLEDGE="knowledge/data/phases.yml knowledge/data/roles.yml knowledge/data/partners.yml"

log() { printf '==> %s\n' "$*" >&2; }

# find_python 3.10 -> path of a working python3.10 (pyenv shims on PATH can exist without working)
find_python() {
  local v=$1 cand dir
  for cand in "python$v" "$HOME/.pyenv/versions/$v"*/bin/"python$v" /usr/local/bin/"python$v" /usr/bin/"python$v"; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys' >/dev/null 2>&1; then
      command -v "$cand"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for dir in "$(pyenv root)/versions/$v".*; do
      [ -x "$dir/bin/python$v" ] && { echo "$dir/bin/python$v"; return 0; }
    done
  fi
  echo "error: Python $v is required but was not found (looked on PATH and in pyenv)." >&2
  [ "$v" = "3.10" ] && echo "Rasa 3.6 runs on Python 3.8-3.10 only; install Python 3.10 (e.g. 'pyenv install 3.10')." >&2
  return 1
}

# ensure_env NAME PYTHON_VERSION LOCK_FILE -> prints the environment's directory
ensure_env() {
  local name=$1 pyver=$2 lock=$3 hash dir py
  hash=$(cat "$lock" | sha256sum | cut -c1-12)
  dir="$CACHE/envs/$name-$hash"
  if [ ! -f "$dir/.complete" ]; then
    py=$(find_python "$pyver")
    log "building the $name environment (Python $pyver) in $dir - first time only, a few minutes"
    rm -rf "$dir"
    "$py" -m venv "$dir"
    "$dir/bin/pip" install --disable-pip-version-check -r "$lock" > "$dir.log" 2>&1 \
      || { tail -40 "$dir.log" >&2; echo "error: could not build the $name environment (log: $dir.log)" >&2; return 1; }
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# The project's own packages go in editable, so the environment runs this clone's code.
install_project() {
  local env=$1; shift
  "$env/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$ROOT" "$@" >&2
}

setup_envs() {
  RASA_ENV=$(ensure_env rasa 3.10 "$ROOT/requirements/rasa.txt")
  API_ENV=$(ensure_env api 3.11 "$ROOT/requirements/api.txt")
  install_project "$RASA_ENV" -e "$ROOT/bot/extensions"
  install_project "$API_ENV" -e "$ROOT/api"
  export RASA_ENV API_ENV
}

tree_hash() {  # tree_hash PATH... -> hash of the files' names and contents
  (cd "$ROOT" && find "$@" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | LC_ALL=C sort | xargs sha256sum) \
    | sha256sum | cut -c1-12
}

# The blank Dutch spaCy pipeline with the entity ruler from the knowledge base.
build_spacy() {
  local stamp
  stamp=$(tree_hash $NLP_CODE $NLP_KNOWLEDGE)
  if [ "$(cat "$SPACY_DIR/.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building the Dutch spaCy pipeline"
    rm -rf "$SPACY_DIR"; mkdir -p "$(dirname "$SPACY_DIR")"
    "$RASA_ENV/bin/python" -m coalitie_rasa.build "$SPACY_DIR"
    echo "$stamp" > "$SPACY_DIR/.stamp"
  fi
}

# Train only when the bot's data, domain, config or the spaCy pipeline changed. The model name
# carries the hash, and training is forced: Rasa's own fingerprint does not see a rebuilt spaCy
# pipeline at the same path and would reuse stale components.
train_if_changed() {
  local hash
  hash=$(tree_hash bot/config.yml bot/domain bot/data $NLP_CODE $NLP_KNOWLEDGE)
  export RASA_MODEL="$ROOT/bot/models/coalitiecoach-$hash.tar.gz"
  if [ ! -f "$RASA_MODEL" ]; then
    log "training the Rasa model (data changed)"
    local start=$SECONDS
    (cd "$ROOT/bot" && "$RASA_ENV/bin/rasa" train --domain domain --data data --config config.yml \
        --out models --fixed-model-name "coalitiecoach-$hash" --force --quiet >&2)
    log "trained in $((SECONDS - start)) s"
    find "$ROOT/bot/models" -name 'coalitiecoach-*.tar.gz' ! -name "coalitiecoach-$hash.tar.gz" -delete
  fi
}

prepare() {
  setup_envs
  build_spacy
  train_if_changed
}

# all_present PATTERN...: true if each glob PATTERN matches at least one executable file
all_present() {
  local pattern f found
  for pattern in "$@"; do
    found=""
    for f in $pattern; do [ -x "$f" ] && found=1; done
    [ -n "$found" ] || return 1
  done
}

# ensure_debian_packages "WHAT" PROGRAM... -- PACKAGE...: install Debian's PACKAGEs (as root, or
# with passwordless sudo) unless every PROGRAM (a path, or a glob of paths) is already there.
ensure_debian_packages() {
  local what=$1; shift
  local programs=() sudo=""
  while [ "$1" != "--" ]; do programs+=("$1"); shift; done; shift
  all_present "${programs[@]}" && return 0
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n" \
      || { echo "error: ${programs[*]} missing; install Debian's $* (as root)" >&2; return 1; }
  fi
  log "installing Debian's $* ($what)"
  if ! apt-cache show "$1" >/dev/null 2>&1; then
    $sudo apt-get update -qq >&2
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || { $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
           --no-install-recommends "$@" >&2; }
  all_present "${programs[@]}" || { echo "error: could not install $*" >&2; return 1; }
}

# Debian's Chromium (browser tests, PDF reports; Playwright cannot download its own browsers here)
# and poppler-utils (the PDF test renders page 1 with pdftoppm).
ensure_chromium() {
  ensure_debian_packages "browser tests and PDF reports" /usr/bin/chromium /usr/bin/pdftoppm -- chromium poppler-utils
}

# PostgreSQL and Redis servers for the tests of the production stores, and docker-compose (v1,
# Debian's package) to validate docker-compose.yml: no Docker engine runs on these machines.
ensure_store_servers() {
  ensure_debian_packages "production-store tests" "/usr/lib/postgresql/*/bin/initdb" \
    /usr/bin/redis-server /usr/bin/redis-cli /usr/bin/psql /usr/bin/docker-compose \
    -- postgresql redis-server redis-tools postgresql-client docker-compose
}
