#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
npm test
