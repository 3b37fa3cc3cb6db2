#!/usr/bin/env bash
# Scale-out check on 127.0.0.1: a PostgreSQL primary and a streaming replica (Debian's binaries,
# initdb + pg_basebackup, own ports and data folders), a Redis, and two granian app servers (the
# production server, with deploy/granian.env) sharing them; then tests/scaleout/scenario.py shows
# what readers and editors get. Everything started here is stopped and its folder removed on exit,
# whatever happens.
#
#   tests/scaleout/run.sh            (as root, or as a user who can `runuser -u postgres`)
#
# Ports can be moved with PRIMARY_PORT, REPLICA_PORT, REDIS_PORT, APP_A_PORT, APP_B_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

PRIMARY_PORT=${PRIMARY_PORT:-55432}
REPLICA_PORT=${REPLICA_PORT:-55433}
REDIS_PORT=${REDIS_PORT:-56379}
APP_A_PORT=${APP_A_PORT:-58001}
APP_B_PORT=${APP_B_PORT:-58002}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

bash bin/setup
for program in "$PG_BIN/initdb" "$PG_BIN/pg_basebackup" "$PG_BIN/pg_ctl" /usr/bin/redis-server; do
  [ -x "$program" ] || { echo "Missing $program (apt-get install postgresql redis-server)." >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/newsroom-scaleout.XXXXXX)
chmod 755 "$WORK"
PIDS=()

as_postgres() { runuser -u postgres -- "$@"; }

cleanup() {
  status=$?
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  for cluster in replica primary; do
    [ -f "$WORK/$cluster/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$WORK/$cluster" -m immediate stop >/dev/null 2>&1
  done
  if [ "$status" != 0 ]; then
    echo "== Failed; the last lines of each log:" >&2
    for log in "$WORK"/*.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "== PostgreSQL primary on 127.0.0.1:$PRIMARY_PORT ($PG_BIN)"
mkdir -p "$WORK/run" && chown postgres "$WORK" "$WORK/run"
as_postgres "$PG_BIN/initdb" -D "$WORK/primary" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$WORK/initdb.log"
cat >>"$WORK/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK/run'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
# Every statement is logged, so the scenario can count what each cluster ran.
log_statement = 'all'
EOF
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -q -c \
  "CREATE DATABASE newsroom ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"

echo "== Streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup -R)"
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres \
  -D "$WORK/replica" -R -X stream -c fast
echo "port = $REPLICA_PORT" >>"$WORK/replica/postgresql.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null

echo "== Redis on 127.0.0.1:$REDIS_PORT"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"

export DJANGO_SETTINGS_MODULE=newsroom.settings
export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY=scaleout-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM-$RANDOM
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/newsroom
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/newsroom
export DATABASE_POOL=true
export CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0
export DJANGO_SESSION_ENGINE=cached_db
export NEWSROOM_QUERY_COUNT_HEADER=true
# The scenario counts the queries each reader's page runs on the primary and on the replica; a
# page served from the page cache (newsroom/cache.py, on by default) runs none, so it is off here.
# tests/test_cache.py shows stored pages leaving every worker at once.
export NEWSROOM_CACHE_PUBLIC=false
export NEWSROOM_REPLICA_RETRY_SECONDS=5
export NEWSROOM_REPLICA_MAX_LAG=2
export STATIC_ROOT=$WORK/static
export MEDIA_ROOT=$WORK/media

echo "== migrate and collectstatic (as on a deploy)"
.venv/bin/python manage.py migrate --no-input >"$WORK/migrate.log"
.venv/bin/python manage.py collectstatic --no-input >"$WORK/collectstatic.log"

# The production server's settings (threads, backpressure, respawn); port and workers per server.
set -a
. deploy/granian.env
set +a
for server in A B; do
  port=APP_${server}_PORT
  echo "== App server $server: granian on 127.0.0.1:${!port}"
  .venv/bin/granian newsroom.wsgi:application --host 127.0.0.1 --port "${!port}" --workers 2 \
    --access-log >>"$WORK/app-$server.log" 2>&1 &
  PIDS+=($!)
done
for server in A B; do
  port=APP_${server}_PORT
  for _ in $(seq 150); do
    curl -s -o /dev/null "http://127.0.0.1:${!port}/" && continue 2
    sleep 0.2
  done
  echo "App server $server did not answer within 30 s." >&2
  exit 1
done

export SCALEOUT_APP_A=http://127.0.0.1:$APP_A_PORT SCALEOUT_APP_B=http://127.0.0.1:$APP_B_PORT
export SCALEOUT_STOP_REPLICA="runuser -u postgres -- $PG_BIN/pg_ctl -D $WORK/replica -m fast -w stop"
export SCALEOUT_PRIMARY_LOG=$WORK/primary.log SCALEOUT_REPLICA_LOG=$WORK/replica.log
.venv/bin/python -m tests.scaleout.scenario
