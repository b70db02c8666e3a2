#!/usr/bin/env bash
# What the test suite needs from the system: Debian's Chromium (driven by Playwright, never a
# downloaded browser), a CJK font (or every Chinese character is a box in screenshots) and GNU
# gettext (the catalog checks), redis-server (tests that start a Redis of their own on a port of
# their own), and haproxy and PostgreSQL's binaries (the rehearsal of the production topology,
# scripts/rehearse.py, which runs its own PostgreSQL). Installed with apt-get only when missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# fc-list's output is read whole before it is searched: piping it into `grep -q` under pipefail
# fails at random (grep exits at the first match, fc-list then dies of SIGPIPE).
fonts="$(fc-list 2>/dev/null || true)"
case "${fonts,,}" in
  *wenquanyi* | *wqy*) ;;
  *) missing+=(fonts-wqy-microhei) ;;
esac
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing with apt-get: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  $(printf '%s\n' "${missing[@]}" | sort -u) fontconfig >/dev/null
