#!/usr/bin/env bash
# Sets up netscore and runs it on the default interface, serving metrics on :10811.
# Arguments are passed to `netscore run`, e.g. scripts/quickstart.sh --capture.interface=eth1 --log.level=debug
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
exec $sudo node dist/cli/main.js run "$@"
