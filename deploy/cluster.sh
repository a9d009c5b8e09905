#!/usr/bin/env bash
# A team deployment on one host (or the pattern for several): PostgreSQL with pgvector holding
# the index and the chats, optionally one model server, N replicas of the chat window behind
# nginx with sticky sessions, login on.
#
#   deploy/cluster.sh start     # db start, ingest (published to PostgreSQL), replicas, nginx
#   deploy/cluster.sh status
#   deploy/cluster.sh stop      # nginx, replicas, model server, PostgreSQL
#
# Settings (environment):
#   PA_AUTH_USERS_FILE   users file (policy-assistant users add NAME --file FILE); required
#   PA_REPLICAS=2        chat-window processes
#   PA_CLUSTER_PORT=8000 where nginx listens; replicas use the next N ports on 127.0.0.1
#   PA_CLUSTER_LISTEN    nginx's listen address (default 127.0.0.1:PA_CLUSTER_PORT)
#   PA_CLUSTER_RUN       folder for pids, logs and nginx.conf (default deploy/run)
#   PA_PGDATA=.pgdata    PostgreSQL's data folder (or set PA_DATABASE_URL to an existing server)
#   PA_CLUSTER_INGEST=1  0: serve what the database holds, without ingesting first
#   PA_CLUSTER_LLM=none  local: start `policy-assistant model serve` once; the replicas reach it
#                        through its OpenAI-compatible API (PA_LLM_PROVIDER=local)
set -Eeuo pipefail
cd "$(dirname "$0")/.."
BIN=${PA_BIN:-$PWD/.venv/bin}
PA=("$BIN/policy-assistant")
RUN=${PA_CLUSTER_RUN:-$PWD/deploy/run}
N=${PA_REPLICAS:-2}
PORT=${PA_CLUSTER_PORT:-8000}
LISTEN=${PA_CLUSTER_LISTEN:-127.0.0.1:$PORT}
PGDATA_DIR=${PA_PGDATA:-$PWD/.pgdata}

say() { echo "cluster: $*" >&2; }

wait_http() {  # url seconds pidfile
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    if [ -n "${3:-}" ] && ! kill -0 "$(cat "$3")" 2>/dev/null; then
      say "the process of $3 exited; see its log in $RUN"; return 1
    fi
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  say "$1 did not answer within $2 s"; return 1
}

start() {
  if [ -z "${PA_AUTH_USERS_FILE:-}${PA_AUTH_USERS:-}" ]; then
    say "login must be on: set PA_AUTH_USERS_FILE (policy-assistant users add NAME --file FILE)"
    exit 5
  fi
  mkdir -p "$RUN"
  if [ -z "${PA_DATABASE_URL:-}" ]; then
    PA_DATABASE_URL=$("${PA[@]}" db start --data "$PGDATA_DIR")
  fi
  export PA_DATABASE_URL PA_STORE=postgres
  say "PostgreSQL: $PA_DATABASE_URL"
  if [ "${PA_CLUSTER_INGEST:-1}" = 1 ]; then
    "${PA[@]}" ingest >&2
  fi
  [ -f "$RUN/auth_secret" ] || (umask 077; head -c 32 /dev/urandom | base64 > "$RUN/auth_secret")
  CHAINLIT_AUTH_SECRET=$(cat "$RUN/auth_secret")  # the same on every replica: one login for all
  export CHAINLIT_AUTH_SECRET
  export PA_ALLOWED_ORIGINS=${PA_ALLOWED_ORIGINS:-"[\"http://$LISTEN\"]"}
  if [ "${PA_CLUSTER_LLM:-none}" = local ]; then
    "${PA[@]}" model serve > "$RUN/model.log" 2>&1 &
    echo $! > "$RUN/model.pid"
    export PA_LLM_PROVIDER=local PA_ANSWERER=${PA_ANSWERER:-llm}
  fi
  local upstreams="" i port
  for ((i = 1; i <= N; i++)); do
    port=$((PORT + i))
    "${PA[@]}" serve --headless --no-ingest --host 127.0.0.1 --port "$port" \
      > "$RUN/replica-$i.log" 2>&1 &
    echo $! > "$RUN/replica-$i.pid"
    upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
  done
  for ((i = 1; i <= N; i++)); do
    wait_http "http://127.0.0.1:$((PORT + i))/" 180 "$RUN/replica-$i.pid"
  done
  sed -e "s|@@RUN@@|$RUN|g" -e "s|@@LISTEN@@|$LISTEN|g" deploy/nginx.conf.template \
    | awk -v ups="$upstreams" '{ if ($0 == "@@UPSTREAMS@@") printf "%s", ups; else print }' \
    > "$RUN/nginx.conf"
  nginx -c "$RUN/nginx.conf" -p "$RUN" -e "$RUN/nginx-error.log" > "$RUN/nginx.out" 2>&1 &
  echo $! > "$RUN/nginx.pid.master"
  wait_http "http://$LISTEN/" 30 "$RUN/nginx.pid.master"
  say "$N replicas behind http://$LISTEN (logs in $RUN)"
}

stop_pid() {  # pidfile
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

stop() {
  stop_pid "$RUN/nginx.pid.master"
  local f
  for f in "$RUN"/replica-*.pid "$RUN/model.pid"; do stop_pid "$f"; done
  if [ -z "${PA_DATABASE_URL:-}" ]; then "${PA[@]}" db stop --data "$PGDATA_DIR" >&2; fi
}

status() {
  local f
  for f in "$RUN"/*.pid "$RUN"/*.pid.master; do
    [ -f "$f" ] || continue
    if kill -0 "$(cat "$f")" 2>/dev/null; then echo "$(basename "$f"): running"; \
    else echo "$(basename "$f"): stopped"; fi
  done
  "${PA[@]}" db url --data "$PGDATA_DIR" 2>/dev/null || echo "PostgreSQL: not running"
}

case "${1:-}" in
  start) trap 'say "start failed; stopping what was started"; stop' ERR; start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: deploy/cluster.sh start|stop|status" >&2; exit 2 ;;
esac
