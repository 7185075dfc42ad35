#!/bin/bash
# make bench: hchatd's benchmarks, on 127.0.0.1 only, bounded in time.
#
#   tools/bench/run.sh HCHATD LOADGEN FILL OUTDIR
#
# 1. Publish throughput (issue 3): acknowledged messages per second with 32
#    concurrent keep-alive senders, on one room and on 32 rooms, for
#    store.kind = sqlite and memory. The stores alternate, ROUNDS times, so
#    that both see the same machine; medians are reported, with the ratio.
#    Server CPU per message is read from /proc/<pid>/stat.
# 2. Start-up with a large database: FILL_MESSAGES messages are written with
#    the SqliteStore itself, then the time from exec to the first answer of
#    a room's history is measured.
# Prints a table; writes OUTDIR/bench.json.
set -euo pipefail

HCHATD=$(realpath "$1")
LOADGEN=$(realpath "$2")
FILL=$(realpath "$3")
OUT=$(realpath -m "$4")
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-4}
SENDERS=${SENDERS:-32}
FILL_MESSAGES=${FILL_MESSAGES:-1000000}

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/hchatd-bench.XXXXXX)
DAEMON_PID=
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_daemon KIND DIR: starts hchatd on a free port; sets DAEMON_PID, PORT.
start_daemon() {
    local kind=$1 dir=$2
    mkdir -p "$dir"
    cat > "$dir/hchatd.conf" <<CONF
http.address = 127.0.0.1
store.kind = $kind
store.path = $dir/chat.db
limits.messagesPerSecond = 0
limits.connectionsPerAddress = 0
CONF
    "$HCHATD" -c "$dir/hchatd.conf" -p 0 2> "$dir/log" &
    DAEMON_PID=$!
    PORT=
    for _ in $(seq 200); do
        PORT=$(sed -n 's/.*listening on http:\/\/[^ ]*:\([0-9]*\).*/\1/p' "$dir/log")
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    echo "hchatd did not start:" >&2; cat "$dir/log" >&2; exit 1
}

stop_daemon() {
    kill "$DAEMON_PID"; wait "$DAEMON_PID" || true; DAEMON_PID=
}

create_rooms() { # N: prints N new room ids
    for i in $(seq "$1"); do
        "$LOADGEN" create "$PORT" "bench $i"
    done
}

cpu_ticks() { # utime + stime of the daemon, in clock ticks
    awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"
}

field() { # JSON FIELD: a number from the load generator's one-line JSON
    sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<< "$1"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

TICK=$(getconf CLK_TCK)
declare -A RATES CPUS P99S
echo "publish throughput: $SENDERS keep-alive senders, ${SECONDS_PER_RUN}s per run, $ROUNDS rounds" >&2
for round in $(seq "$ROUNDS"); do
    for kind in sqlite memory; do
        start_daemon "$kind" "$WORK/$kind-$round"
        ROOM_ONE=$(create_rooms 1)
        ROOMS_MANY=$(create_rooms 32)
        for rooms in 1 32; do
            if [ "$rooms" = 1 ]; then ids=$ROOM_ONE; else ids=$ROOMS_MANY; fi
            before=$(cpu_ticks)
            # shellcheck disable=SC2086
            result=$("$LOADGEN" publish "$PORT" "$SECONDS_PER_RUN" "$SENDERS" $ids)
            after=$(cpu_ticks)
            acked=$(field "$result" acknowledged_all) # the CPU reading spans the warm-up too
            rate=$(field "$result" rate)
            cpu=$(awk -v t=$((after - before)) -v hz="$TICK" -v n="$acked" \
                'BEGIN {printf "%.1f", n ? t / hz * 1e6 / n : 0}')
            RATES[$kind,$rooms]+="$rate "
            CPUS[$kind,$rooms]+="$cpu "
            P99S[$kind,$rooms]+="$(field "$result" p99_ms) "
            printf '  round %d %-6s %2d rooms: %6.0f msg/s, %5.1f us CPU/msg, p99 %s ms\n' \
                "$round" "$kind" "$rooms" "$rate" "$cpu" "$(field "$result" p99_ms)" >&2
        done
        stop_daemon
    done
done

med() { tr ' ' '\n' <<< "${1% }" | median; }
echo
echo "Publish throughput (acknowledged messages/s, median of $ROUNDS runs of ${SECONDS_PER_RUN}s, $SENDERS senders)"
printf '%-10s %12s %12s %8s %16s %16s\n' rooms sqlite memory ratio "sqlite us/msg" "memory us/msg"
JSON_PUBLISH=""
for rooms in 1 32; do
    s=$(med "${RATES[sqlite,$rooms]}"); m=$(med "${RATES[memory,$rooms]}")
    cs=$(med "${CPUS[sqlite,$rooms]}"); cm=$(med "${CPUS[memory,$rooms]}")
    ratio=$(awk -v s="$s" -v m="$m" 'BEGIN {printf "%.2f", m ? s / m : 0}')
    printf '%-10s %12.0f %12.0f %8s %16s %16s\n' "$rooms" "$s" "$m" "$ratio" "$cs" "$cm"
    JSON_PUBLISH+="${JSON_PUBLISH:+,}{\"rooms\":$rooms,\"sqlite_rate\":$s,\"memory_rate\":$m,\"ratio\":$ratio,\"sqlite_cpu_us_per_msg\":$cs,\"memory_cpu_us_per_msg\":$cm,\"sqlite_runs\":[${RATES[sqlite,$rooms]// /,}],\"memory_runs\":[${RATES[memory,$rooms]// /,}]}"
done
JSON_PUBLISH=${JSON_PUBLISH//,]/]}

echo
echo "Start-up with a large database" >&2
DB_DIR="$WORK/big"
mkdir -p "$DB_DIR"
fill_start=$(date +%s.%N)
BIG_ROOM=$("$FILL" "$DB_DIR/chat.db" 100 "$FILL_MESSAGES")
fill_took=$(awk -v a="$fill_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
BIG_PORT=$("$LOADGEN" freeport)
cat > "$DB_DIR/hchatd.conf" <<CONF
http.address = 127.0.0.1
store.path = $DB_DIR/chat.db
CONF
t0=$(date +%s%3N)
"$HCHATD" -c "$DB_DIR/hchatd.conf" -p "$BIG_PORT" 2> "$DB_DIR/log" &
DAEMON_PID=$!
t1=$("$LOADGEN" ready "$BIG_PORT" "/api/rooms/$BIG_ROOM/messages?from=0&limit=10" 10)
startup=$((t1 - t0))
rss=$(awk '/VmRSS/ {print $2}' "/proc/$DAEMON_PID/status")
stop_daemon
db_mb=$(du -m "$DB_DIR/chat.db" | cut -f1)
printf '%s messages in 100 rooms (%s MB, written in %s s): first answer %d ms after exec, RSS %d KiB\n' \
    "$FILL_MESSAGES" "$db_mb" "$fill_took" "$startup" "$rss"

cat > "$OUT/bench.json" <<JSON
{"machine":{"cores":$(nproc),"kernel":"$(uname -r)"},
 "publish":[$JSON_PUBLISH],
 "startup":{"messages":$FILL_MESSAGES,"rooms":100,"db_mb":$db_mb,"first_answer_ms":$startup,"rss_kib":$rss}}
JSON
echo
echo "written: $OUT/bench.json"
