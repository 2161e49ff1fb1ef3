#!/usr/bin/env bash
# Install the Debian packages Xronox builds and tests with. Idempotent: when everything is
# present it only checks (well under a second). Run as root or with sudo available.
set -euo pipefail

# Pinned to Debian 12 (bookworm) package names; versions are those of bookworm.
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libssl-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmongoc-dev libcurl4-openssl-dev libexpat1-dev libzstd-dev clang-format
  clang-14 libclang-rt-14-dev libfuzzer-14-dev clang-tidy-14
  curl ca-certificates
  wrk
  python3 python3-venv
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
