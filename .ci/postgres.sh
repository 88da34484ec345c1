#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the storage tests and print the URL they use.
# Run as root (CI). Installs the server when it is missing; creates the role and database once.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
exec 3>&1 1>&2  # stdout carries only the URL (the caller captures it); everything else goes to stderr
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  # the package's install script may start the server: it must not inherit fd 3 either (see below)
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null 3>&-
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$version/main"; then
  pg_createcluster "$version" main >/dev/null
fi
# Debian's default listen_addresses is 'localhost': loopback only, which is what the tests use.
# The server is a daemon: it must not inherit fd 3 (the caller's captured stdout), or the caller's
# `$(...)` waits for it to exit, i.e. forever.
pg_ctlcluster "$version" main start </dev/null >/dev/null 2>&1 3>&- ||
  pg_ctlcluster "$version" main status </dev/null >/dev/null 3>&-
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p $port" && break
  sleep 1
done
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname='resettle'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE resettle LOGIN PASSWORD 'resettle'\""
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname='resettle_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE DATABASE resettle_test OWNER resettle\""
echo "postgresql+psycopg://resettle:resettle@127.0.0.1:$port/resettle_test" >&3
