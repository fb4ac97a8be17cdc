#!/usr/bin/env bash
# `npm test`: makes sure the services the suites talk to are installed and running (system packages
# through apt, as root), then runs every suite in embedded mode and again in server mode.
# `npm run test:embedded` / `npm run test:server` run one mode against services already up.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v yt-dlp >/dev/null 2>&1 || need_apt+=(yt-dlp)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing system packages: ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "Starting PostgreSQL"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
  sleep 1
done

psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@" 2>/dev/null \
  || su postgres -c "psql -d postgres -v ON_ERROR_STOP=1 -qtA $(printf '%q ' "$@")"; }
psql_admin -c "ALTER USER postgres PASSWORD 'postgres'" >/dev/null
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'star_export_test'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE star_export_test" >/dev/null
fi

echo "=== Tests, embedded mode (PGlite, queue on PostgreSQL) ==="
npm run --silent test:embedded -- "$@"

# Unit specs and the sandbox suites do not touch the database or Redis: they run once, above; so do
# embedded-runtime, start-command and demo (the service they start always runs embedded, as a
# newcomer's first start does) and instagram-export (paced browser work that is the same in
# both modes; instagram-crash covers Instagram with an API and a worker instance), and the web app's
# suites (test/web: the pages in Chromium drive the same API routes and socket events whose server mode
# the API suites cover, test/imports and test/export included).
# --forceExit (in test:server): a Redis connection left open by some server-mode suite kept Jest
# alive after the last one; until it is found, the run must still end on its own.
echo "=== Tests, server mode (PostgreSQL + Redis): suites that use the database or the queue ==="
npm run --silent test:server -- "$@"
