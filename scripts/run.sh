#!/usr/bin/env bash
# Command 1: set up everything and run the whole assistant (action server, Rasa, gateway).
# Builds both environments (first time only), the Dutch spaCy pipeline, trains the model when the
# bot's data changed, starts the three services and prints the URL of the demo page.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare
ensure_chromium || log "no chromium: PDF reports are off (the HTML report works)"
log "starting the action server, Rasa and the gateway"
exec "$API_ENV/bin/python" "$ROOT/scripts/services.py" run
