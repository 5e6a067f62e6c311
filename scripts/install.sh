#!/usr/bin/env bash
# Installs what MedSapiens needs on a fresh Debian/Ubuntu machine: system packages (Python for
# the training tests, Chromium for the browser tests, poppler for report checks, R's psych as the
# reference for agreement statistics, libjpeg's headers for the native JPEG reader, dcmtk and
# Orthanc (with its DICOMweb plugin) as the real devices and PACS of the DICOM networking tests;
# the tests start their own Orthanc on loopback ports, the package's service is not used) and npm packages.
# Offline-friendly: only Debian's archive and the npm registry are used.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libjpeg-dev dcmtk orthanc orthanc-dicomweb python3-torch python3-torchvision python3-onnx python3-pil python3-scipy python3-numpy python3-opencv chromium poppler-utils strace r-cran-psych)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: apt packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's postinstall downloads GPU libraries from outside the registry, and
# Electron's downloads its binary: neither is reachable offline (the CPU runtime ships in the package).
export ONNXRUNTIME_NODE_INSTALL=skip ELECTRON_SKIP_BINARY_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# npm 10 ignores allowScripts and runs install scripts itself; npm 11 needs the rebuild for the approved ones
node -e "require('better-sqlite3')(':memory:')" 2>/dev/null || npm rebuild better-sqlite3
npm run build:native
npm run build
npm run build:renderer
