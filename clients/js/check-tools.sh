#!/bin/sh
# Before the browser suite: fails with the install command when node (20 or later), npm or Chromium is missing.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=""
if ! command -v node >/dev/null 2>&1; then
  missing="$missing\n  node 20 or later (Debian: apt-get install -y nodejs npm)"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  missing="$missing\n  node 20 or later (found $(node --version))"
fi
command -v npm >/dev/null 2>&1 || missing="$missing\n  npm (Debian: apt-get install -y npm)"
[ -x "$chromium" ] || missing="$missing\n  $chromium (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)"
if [ -n "$missing" ]; then
  printf "The browser tests of clients/js need:%b\nInstall them (.ci/run does), or skip the suite with -DskipTests.\n" "$missing" >&2
  exit 1
fi
echo "browser tests: node $(node --version), npm $(npm --version), $("$chromium" --version 2>/dev/null | head -1)"
