#!/usr/bin/env bash
# Prepares a Debian machine for Waymark: system packages (Chromium, fonts and
# poppler for the PDF portfolio), the Node packages (which bring Node 24), and,
# with --postgres, a running local PostgreSQL for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

with_postgres=0
for argument in "$@"; do
  case "$argument" in
    --postgres) with_postgres=1 ;;
    *) echo "setup.sh: unknown option $argument (known: --postgres)" >&2; exit 2 ;;
  esac
done

packages=(chromium fonts-liberation fonts-dejavu-core fonts-noto-core fonts-noto-color-emoji poppler-utils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with sudo"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: cannot install ${missing[*]} (needs root and apt-get); the PDF portfolio needs them" >&2
  fi
fi

echo "setup: installing Node packages (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

if [ "$with_postgres" = 1 ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "setup: starting PostgreSQL"
    if [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    else
      echo "setup: no local PostgreSQL found; install postgresql, or point TEST_DATABASE_SERVER at a server" >&2
      exit 1
    fi
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "setup: PostgreSQL on 127.0.0.1:5432 did not become ready" >&2; exit 1; }
fi
