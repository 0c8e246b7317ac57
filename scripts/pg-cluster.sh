#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, for tests and the benchmark.
#
#   scripts/pg-cluster.sh start DIR [--durable]   prints  postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-cluster.sh stop DIR                stops it and removes DIR
#
# DIR is created (or must be empty). Without --durable the cluster trades crash safety for speed
# (fsync=off, synchronous_commit=off: fine for data that dies with the test run); --durable keeps
# PostgreSQL's defaults, for measuring. Binaries: initdb/pg_ctl on PATH, else
# /usr/lib/postgresql/*/bin (Debian); where neither exists and we are root, the Debian
# `postgresql` package is installed. As root the cluster runs as the `postgres` user.
set -euo pipefail

die() { echo "pg-cluster: $*" >&2; exit 1; }

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

install_pg() {
  [ "$(id -u)" = 0 ] || die "initdb/pg_ctl not found and not root: install PostgreSQL (Debian: apt-get install postgresql)"
  echo "pg-cluster: installing the postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
}

# Runs a command as the cluster's owner: the postgres user when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local dir=$1 durable=${2:-}
  [ -n "$dir" ] || die "usage: $0 start DIR [--durable]"
  local bin
  bin=$(find_bin) || { install_pg; bin=$(find_bin) || die "no initdb after installing postgresql"; }
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' user to own the cluster"
    chown postgres "$dir"
  fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=300"
  settings+=" -c shared_buffers=128MB -c deadlock_timeout=100ms -c log_min_messages=warning"
  if [ "$durable" != "--durable" ]; then
    settings+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port $settings" start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "$bin" >"$dir/bin"
      echo "postgres://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    # Most likely the port was taken between choosing and binding it: try another.
    sleep 0.2
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "pg_ctl start failed"
}

stop() {
  local dir=$1
  [ -n "$dir" ] || die "usage: $0 stop DIR"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" "${3:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 start DIR [--durable] | stop DIR" ;;
esac
