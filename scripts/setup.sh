#!/usr/bin/env bash
# Installs what drs-report needs on a fresh Debian machine, and only what is missing.
#   scripts/setup.sh          build dependencies (libxlsxwriter, pkg-config, zlib)
#   scripts/setup.sh --test   also what the tests use: Chromium, LibreOffice, CJK fonts, MariaDB (server and client;
#                             the recheck SQL test starts a private server), pytest, openpyxl, Playwright,
#                             cmarkgfm (GitHub-flavoured Markdown renderer)
set -euo pipefail

packages=(pkg-config libxlsxwriter-dev zlib1g-dev)
python_modules=()
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium libreoffice-calc-nogui fonts-noto-cjk mariadb-server mariadb-client)
  python_modules+=(pytest openpyxl playwright huaweicloudsdkdrs cmarkgfm pypdf)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ((${#python_modules[@]})); then
  need=()
  for m in "${python_modules[@]}"; do
    python3 -c "import $m" >/dev/null 2>&1 || need+=("$m")
  done
  if ((${#need[@]})); then
    echo "setup: pip installing ${need[*]}"
    # Playwright drives Debian's chromium (executable_path); it never downloads a browser.
    python3 -m pip install -q --disable-pip-version-check "${need[@]}"
  fi
fi
