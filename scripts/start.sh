#!/usr/bin/env bash
# Installs what is missing, builds, and starts the app (Electron where its binary exists,
# otherwise the same UI served on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec npm start
