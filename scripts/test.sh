#!/usr/bin/env bash
# Installs everything and runs every test: TypeScript services, the Python training pipeline,
# the renderer in Chromium. Used by CI (.ci/run) and by developers alike.
set -euo pipefail
cd "$(dirname "$0")/.."
# the native JPEG reader must build here (Debian, libjpeg-dev installed): its tests assume it
MEDSAPIENS_NATIVE_REQUIRED=1 bash scripts/install.sh
npm test
