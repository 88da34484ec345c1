#!/usr/bin/env bash
# Start Debian's PostgreSQL on loopback for the storage tests and print the URL they use.
# Run as root (CI). Installs the server when it is missing; creates the role and database once.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
exec 3>&1 1>&2  # stdout carries only the URL (the caller captures it); everything else goes to stderr
LOG=/tmp/ci-postgres.log

# Run a command that may leave the server running as a daemon, with stdin from /dev/null, its output in $LOG
# and every other descriptor closed (Python's close_fds). A daemon that inherits a pipe (the caller's
# captured stdout on fd 3, or any pipe the CI runner handed down) keeps whoever reads that pipe waiting
# for it to end, i.e. forever: that is how an earlier CI run hung.
detached() {
  python3 -c 'import subprocess as s, sys
with open(sys.argv[1], "ab") as log:
    sys.exit(s.call(sys.argv[2:], stdin=s.DEVNULL, stdout=log, stderr=log))' "$LOG" "$@"
}
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  # the package's install script may start the server
  detached apt-get install -y -qq --no-install-recommends postgresql || { cat "$LOG"; exit 1; }
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$version/main"; then
  detached pg_createcluster "$version" main || { cat "$LOG"; exit 1; }
fi
# Debian's default listen_addresses is 'localhost': loopback only, which is what the tests use.
detached pg_ctlcluster "$version" main start || pg_ctlcluster "$version" main status >/dev/null 3>&- ||
  { cat "$LOG"; exit 1; }
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
