#!/usr/bin/env bash
# Everything the project needs on a fresh Debian machine, idempotent: a second run takes seconds.
#   Debian packages: ffmpeg (ffprobe), Noto fonts for every script we render, Chromium (portal tests),
#   iproute2/util-linux (offline test), PostgreSQL (production-like Prefect test).
#   Python: .venv with torch (CPU build, installed first) and the pinned, verified-together versions.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(ffmpeg libfribidi0 fonts-noto-core fonts-noto-cjk chromium iproute2 util-linux postgresql
  apertium apertium-eng-spa)
PYTHON=${PYTHON:-python3}
UV_VERSION=0.13.8

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=.venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> Creating .venv with pinned Python packages (about half a minute)"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  # torch first, exactly, and with pip: an unpinned torch would pull a multi-GB CUDA build, and pip
  # finds the CPU wheel that machines of this kind keep on disk.
  .venv/bin/pip install -q torch==2.13.0
  # The other ~190 pins with uv, which downloads and unpacks in parallel: 7 s instead of pip's 37 s on
  # 2 cores (measured 2026-12-07). It sees the installed torch and leaves it alone. pip if uv is missing.
  if .venv/bin/pip install -q "uv==$UV_VERSION" 2>/dev/null; then
    .venv/bin/uv pip install -q --python .venv/bin/python -r requirements.lock
    .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
  else
    .venv/bin/pip install -q -r requirements.lock
    .venv/bin/pip install -q --no-deps -e .
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "==> Python environment ready (.venv)"
