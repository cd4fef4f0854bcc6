#!/usr/bin/env bash
# Stops test brokers started by start.sh, by the pid it recorded.
#   stop.sh [mqtt] [mqtt-auth] [kafka] [--clean]   (no broker named: all; --clean also deletes state)
set -uo pipefail
state="${STREAM_BROKERS_DIR:-${TMPDIR:-/tmp}/stream-test-brokers}"
clean=0; which=()
for a in "$@"; do if [ "$a" = --clean ]; then clean=1; else which+=("$a"); fi; done
[ ${#which[@]} -gt 0 ] || which=(mqtt mqtt-auth kafka)
for b in "${which[@]}"; do
  f="$state/$b.pid"
  [ -s "$f" ] || continue
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    # Kafka shuts down cleanly on SIGTERM within seconds; insist only if it hangs.
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
done
if [ $clean = 1 ] && [ -d "$state" ]; then rm -rf "$state"; fi
exit 0
