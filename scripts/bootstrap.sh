#!/usr/bin/env bash
# Installs what Orion needs on this machine, and only what is missing: redis-server and ffmpeg from
# apt, then the npm dependencies. Idempotent, and quick when everything is there.
#   scripts/bootstrap.sh             system packages + npm ci
#   scripts/bootstrap.sh --browser   also Chromium (for the report's browser test)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) die "unknown option $arg (expected --browser)" ;;
  esac
done

# --- Node.js -----------------------------------------------------------------------------------
# Supported (package.json "engines"): Node 20.19+ and 22.12+ (LTS lines). Newer majors are untested.
command -v node >/dev/null || die "Node.js is not installed: install Node.js 22 LTS (22.12 or newer) or 20.19+ (https://nodejs.org)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||(a===22&&b>=12)||a>22?0:1)' \
  || die "Node.js $(node --version) is not supported: Orion runs on Node 20.19+ or 22.12+."
node -e 'process.exit(Number(process.versions.node.split(".")[0])>22?1:0)' \
  || say "warning: Node.js $(node --version) is newer than the tested 20 and 22 LTS lines."

# --- system packages -----------------------------------------------------------------------------
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
{ command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null; } || missing+=(ffmpeg)
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null; then missing+=(chromium); fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}, and there is no apt-get here: install them with your package manager (macOS: brew install redis ffmpeg), then run this again."
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}: run as root, or install them yourself: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  say "installing ${missing[*]} with apt"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts redis-server as a service on install; Orion starts its own instances instead.
  command -v redis-server >/dev/null || die "redis-server is still missing after apt-get install"
fi

# --- npm dependencies ----------------------------------------------------------------------------
# npm ci wipes node_modules, so the stamp (a copy of the lock file it installed) goes with it.
stamp=node_modules/.orion-installed-lock.json
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
