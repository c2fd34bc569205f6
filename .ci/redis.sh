#!/usr/bin/env bash
# Starts a throwaway Redis for the tests of dedup/redisstore, or stops it.
#
#   eval "$(bash .ci/redis.sh start)"   # exports NEARDUP_REDIS_URL
#   go test -race ./...
#   bash .ci/redis.sh stop
#
# start: installs Debian's redis-server if it is missing (apt-get, quietly),
# starts it on 127.0.0.1 on a free port (6390 or the next free one; set
# NEARDUP_REDIS_PORT to choose) with a temporary data directory and no
# persistence (--save '' --appendonly no), waits until it answers PING,
# and prints one line for eval:
#
#   export NEARDUP_REDIS_URL=redis://127.0.0.1:PORT/0
#
# Everything else goes to stderr. If a server started by this script is
# still running, start prints its URL again instead of starting another.
#
# stop: stops the server that start left (its pid and data directory are
# in $NEARDUP_REDIS_STATE, default ${TMPDIR:-/tmp}/neardup-redis.state)
# and removes its data directory. It succeeds if there is nothing to stop.
#
# status: prints the URL and exits 0 if the server answers, else exits 1.
set -euo pipefail

state="${NEARDUP_REDIS_STATE:-${TMPDIR:-/tmp}/neardup-redis.state}"

log() { echo "redis.sh: $*" >&2; }

# running prints the URL of the server in $state and succeeds if it answers.
running() {
	[[ -f "$state" ]] || return 1
	local pid port dir
	read -r pid port dir <"$state" || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	[[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] || return 1
	echo "redis://127.0.0.1:$port/0"
}

install() {
	if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
		return
	fi
	log "installing redis-server"
	local sudo=""
	[[ "$(id -u)" == 0 ]] || sudo="sudo"
	$sudo apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
}

# free succeeds if nothing listens on 127.0.0.1:$1.
free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
	if url="$(running)"; then
		log "reusing the server at $url"
		echo "export NEARDUP_REDIS_URL=$url"
		return
	fi
	install
	local port="${NEARDUP_REDIS_PORT:-6390}"
	local last=$((port + 100))
	until free "$port"; do
		port=$((port + 1))
		if ((port > last)); then
			log "no free port"
			exit 1
		fi
	done
	local dir
	dir="$(mktemp -d "${TMPDIR:-/tmp}/neardup-redis.XXXXXX")"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
		--save '' --appendonly no --daemonize yes \
		--pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
	local i
	for i in $(seq 100); do
		if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && [[ -s "$dir/redis.pid" ]]; then
			echo "$(cat "$dir/redis.pid") $port $dir" >"$state"
			log "redis-server $(redis-server --version | grep -o 'v=[^ ]*') on 127.0.0.1:$port (stop: bash .ci/redis.sh stop)"
			echo "export NEARDUP_REDIS_URL=redis://127.0.0.1:$port/0"
			return
		fi
		sleep 0.1
	done
	log "redis-server did not answer on port $port; its log:"
	cat "$dir/redis.log" >&2 || true
	exit 1
}

stop() {
	[[ -f "$state" ]] || return 0
	local pid port dir
	read -r pid port dir <"$state" || true
	if [[ -n "${pid:-}" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		local i
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		log "stopped redis-server on port $port"
	fi
	[[ -n "${dir:-}" && "$dir" == */neardup-redis.* ]] && rm -rf "$dir"
	rm -f "$state"
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) running ;;
*)
	echo "usage: bash .ci/redis.sh [start|stop|status]" >&2
	exit 2
	;;
esac
