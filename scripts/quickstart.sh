#!/usr/bin/env bash
# Sets up netscore and runs it on the default interface, serving metrics on :10811.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
exec $sudo node dist/cli/main.js run "$@"
