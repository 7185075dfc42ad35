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
# 3. Fan-out against nginx + nchan (issue 6): one room (channel), N = 100,
#    1,000 and 10,000 subscribers over long poll, SSE and WebSocket, 100
#    messages of 100 bytes carrying their send time (10/s, 2/s at 10,000);
#    deliveries counted per subscriber, latency p50/p99/max, the server's
#    CPU per delivery and RSS from /proc; RSS per held idle connection from
#    the 10,000 runs. Each run gets a freshly started server. hchatd uses the
#    memory store and chat.notices = false (nchan keeps messages in memory
#    and has no notices); nchan runs one worker (tools/bench/nchan.conf).
# 4. The shipped defaults (issue 17): the fan-out of 3. at DEFAULTS_SIZES
#    subscribers with hchatd as hchatd.conf ships it (SQLite store, notices
#    on, rate and per-address limits on), every subscriber a person of its
#    own arriving as fast as the generator connects; the crowd comes from
#    many loopback addresses (100 per address), the messages from 10. Beside
#    nchan's figures at the same size.
# 5. Many rooms: MANY_ROOMS rooms (channels) with 2 subscribers each, one
#    message per room per 10 s, on both servers. hchatd as shipped but with
#    rate and per-address limits off (one generator sends for everyone) and
#    http.maxThreads = 19500. 9,000 rooms, not 10,000: 2 x 10,000
#    connections do not fit the 20,000 descriptors a process may have here.
#    Then the floor (hchat-load floor): what this machine charges to wake
#    one of MANY_ROOMS waiting threads over waking the only one, and for a
#    commit with fdatasync made as often as the messages come (one every
#    10 s / MANY_ROOMS, the thread sleeping between them); nchan's CPU per
#    delivery plus those, once per message, is what thread per connection
#    with a commit per message cannot go below.
# 6. Held connections: HELD subscribers (19,000) on each transport, a few
#    messages, nothing lost or duplicated; RSS per held connection, read
#    after HELD_IDLE seconds of holding them idle. hchatd with the shipped
#    defaults but limits off and http.maxThreads = 19500.
# 7. TLS (issue 18): TLS_SIZE subscribers over WSS, SSE over HTTPS and long
#    poll over HTTPS (a full handshake each, no resumption), publishers on the
#    plain port, as in 3.; then handshakes per second from one
#    `openssl s_time -new` client for TLS_HANDSHAKE_SECONDS, with the
#    server's CPU per handshake. Both servers on the same self-signed pair.
# 8. IRC (issue 24): IRC_SIZE IRC clients in one channel, FANOUT_MESSAGES
#    PRIVMSGs at 10/s from IRC_PUBLISHERS IRC clients (ngircd holds back a
#    client that sends faster than one command a second), against ngircd;
#    then HELD IRC connections in hchatd, a few messages, RSS read after
#    HELD_IDLE seconds idle. hchatd with the
#    memory store, notices on (ngircd too tells every member of every join),
#    limits off.
# Sections run as SECTIONS lists them (default: all). Prints tables; writes
# OUTDIR/bench.json.
set -euo pipefail
ulimit -n "$(ulimit -Hn)" # the held section needs 19,000 descriptors per process

HCHATD=$(realpath "$1")
LOADGEN=$(realpath "$2")
FILL=$(realpath "$3")
OUT=$(realpath -m "$4")
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-4}
SENDERS=${SENDERS:-32}
FILL_MESSAGES=${FILL_MESSAGES:-1000000}
FANOUT_SIZES=${FANOUT_SIZES:-"100 1000 10000"}
FANOUT_MESSAGES=${FANOUT_MESSAGES:-100}
DEFAULTS_SIZES=${DEFAULTS_SIZES:-"1000"}
MANY_ROOMS=${MANY_ROOMS:-9000}
MANY_MESSAGES=${MANY_MESSAGES:-3}
MANY_TRANSPORTS=${MANY_TRANSPORTS:-"ws"}
HELD=${HELD:-19000}
HELD_MESSAGES=${HELD_MESSAGES:-5}
HELD_IDLE=${HELD_IDLE:-15} # seconds the held connections idle before their RSS is read
TLS_SIZE=${TLS_SIZE:-1000}
TLS_HANDSHAKE_SECONDS=${TLS_HANDSHAKE_SECONDS:-5}
IRC_SIZE=${IRC_SIZE:-1000}
REDIS_NODES=${REDIS_NODES:-3}
REDIS_SIZE=${REDIS_SIZE:-3000}
REDIS_SECONDS=${REDIS_SECONDS:-10}
IRC_PUBLISHERS=${IRC_PUBLISHERS:-10}
SECTIONS=${SECTIONS:-"publish startup fanout defaults manyrooms held tls irc redis"}
want() { [[ " $SECTIONS " == *" $1 "* ]]; }
JSON_PUBLISH="" db_mb=0 startup=0 rss=0 FANOUT_JSON="" DEFAULTS_JSON="" MANY_JSON="" FLOOR_JSON="{}" HELD_JSON="" TLS_JSON="" IRC_JSON="" REDIS_JSON=""
NODE_PIDS="" REDIS_PID=""
CONF_DIR=$(dirname "$(realpath "$0")")

mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/hchatd-bench.XXXXXX)
DAEMON_PID=
NGINX_PID=
NGIRCD_PID=
cleanup() {
    [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
    [ -n "$NGIRCD_PID" ] && kill "$NGIRCD_PID" 2>/dev/null && wait "$NGIRCD_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    for pid in ${NODE_PIDS:-} ${REDIS_PID:-}; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# launch DIR: starts hchatd with DIR/hchatd.conf on a free port; sets
# DAEMON_PID, PORT and SERVER_PID. Should another process take the port
# first, tries another.
launch() {
    local dir=$1
    for _ in 1 2 3; do
        PORT=$("$LOADGEN" freeport)
        "$HCHATD" -c "$dir/hchatd.conf" -p "$PORT" 2> "$dir/log" &
        DAEMON_PID=$!
        SERVER_PID=$DAEMON_PID
        for _ in $(seq 200); do
            grep -q "hchatd listening on" "$dir/log" && return 0
            kill -0 "$DAEMON_PID" 2> /dev/null || break
            sleep 0.05
        done
        grep -q "cannot listen" "$dir/log" || break
    done
    echo "hchatd did not start:" >&2; cat "$dir/log" >&2; exit 1
}

# start_shipped DIR [KEY=VALUE...]: hchatd with the settings hchatd.conf
# ships (its SQLite store in DIR, on 127.0.0.1) and the extra keys.
start_shipped() {
    local dir=$1
    shift
    mkdir -p "$dir"
    {
        echo "http.address = 127.0.0.1"
        echo "store.path = $dir/chat.db"
        for setting in "$@"; do echo "${setting/=/ = }"; done
    } > "$dir/hchatd.conf"
    launch "$dir"
}

# start_daemon KIND DIR [KEY=VALUE...]: hchatd with store.kind KIND, rate
# limits off and the extra keys.
start_daemon() {
    local kind=$1 dir=$2
    shift 2
    start_shipped "$dir" "store.kind=$kind" "limits.messagesPerSecond=0" \
        "limits.connectionsPerAddress=0" "$@"
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

if want publish; then
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
for rooms in 1 32; do
    s=$(med "${RATES[sqlite,$rooms]}"); m=$(med "${RATES[memory,$rooms]}")
    cs=$(med "${CPUS[sqlite,$rooms]}"); cm=$(med "${CPUS[memory,$rooms]}")
    ratio=$(awk -v s="$s" -v m="$m" 'BEGIN {printf "%.2f", m ? s / m : 0}')
    printf '%-10s %12.0f %12.0f %8s %16s %16s\n' "$rooms" "$s" "$m" "$ratio" "$cs" "$cm"
    JSON_PUBLISH+="${JSON_PUBLISH:+,}{\"rooms\":$rooms,\"sqlite_rate\":$s,\"memory_rate\":$m,\"ratio\":$ratio,\"sqlite_cpu_us_per_msg\":$cs,\"memory_cpu_us_per_msg\":$cm,\"sqlite_runs\":[${RATES[sqlite,$rooms]// /,}],\"memory_runs\":[${RATES[memory,$rooms]// /,}]}"
done
JSON_PUBLISH=${JSON_PUBLISH//,]/]}
fi


if want startup; then
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

fi

# ---- 3. fan-out, hchatd against nginx + nchan ----
start_nchan() { # DIR [tls]: nginx + nchan, one worker; sets NGINX_PID, PORT, SERVER_PID (and TLS_PORT)
    local dir=$1
    mkdir -p "$dir"
    PORT=$("$LOADGEN" freeport)
    if [ "${2:-}" = tls ]; then
        TLS_PORT=$("$LOADGEN" freeport)
        sed -e "s|@PORT@|$PORT|" -e "s|@DIR@|$dir|g" -e "s|@TLSPORT@|$TLS_PORT|" \
            -e "s|@CERT@|$WORK/cert.pem|" -e "s|@KEY@|$WORK/key.pem|" -e '/# redis$/d' \
            "$CONF_DIR/nchan.conf" > "$dir/nginx.conf"
    elif [ "${2:-}" = redis ]; then
        sed -e "s|@PORT@|$PORT|" -e "s|@DIR@|$dir|g" -e "s|@REDISPORT@|$REDIS_PORT|" \
            -e '/# tls$/d' "$CONF_DIR/nchan.conf" > "$dir/nginx.conf"
    else
        sed -e "s|@PORT@|$PORT|" -e "s|@DIR@|$dir|g" -e '/# tls$/d' -e '/# redis$/d' \
            "$CONF_DIR/nchan.conf" > "$dir/nginx.conf"
    fi
    nginx -c "$dir/nginx.conf" -p "$dir" 2> "$dir/stderr" &
    NGINX_PID=$!
    SERVER_PID=
    for _ in $(seq 200); do
        SERVER_PID=$(pgrep -P "$NGINX_PID" | head -1 || true)
        if [ -n "$SERVER_PID" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    echo "nginx + nchan did not start:" >&2; cat "$dir/stderr" "$dir/error.log" >&2; exit 1
}

stop_nchan() {
    kill "$NGINX_PID"; wait "$NGINX_PID" || true; NGINX_PID=
}

# measure SERVER TRANSPORT ROOMS N MESSAGES RATE [FLAGS...]: one fan-out run
# on the server just started (ROOMS: a room id or @FILE), which it stops;
# prints the generator's JSON and a progress line on stderr.
measure() {
    local server=$1 transport=$2 rooms=$3 n=$4 messages=$5 rate=$6 result
    shift 6
    result=$("$LOADGEN" fanout "$server" "$transport" "$PORT" "$rooms" "$n" "$messages" "$rate" \
        "$SERVER_PID" "$@")
    case $server in
        hchatd) stop_daemon ;;
        ngircd) stop_ngircd ;;
        *) stop_nchan ;;
    esac
    printf '  %-6s %-8s %6s subscribers: %s/%s delivered (%s twice), p99 %s ms, publish answered in %s ms (max %s, %s refused)\n' \
        "$server" "$transport" "$(field "$result" subscribers)" "$(field "$result" delivered)" \
        "$(field "$result" expected)" "$(field "$result" duplicates)" "$(field "$result" p99_ms)" \
        "$(field "$result" ack_p50_ms)" "$(field "$result" ack_max_ms)" "$(field "$result" refused)" >&2
    echo "$result"
}

per_delivery() { # RESULT: server CPU microseconds per delivery
    awk -v c="$(field "$1" server_cpu_s)" -v d="$(field "$1" delivered)" \
        'BEGIN {printf "%.1f", d ? c * 1e6 / d : 0}'
}
held() { # RESULT: RSS KiB per held idle connection (after --idle when it was given)
    awk -v a="$(field "$1" rss_idle_kib)" -v b="$(field "$1" rss_before_kib)" \
        -v n="$(field "$1" subscribers)" 'BEGIN {printf "%.1f", n ? (a - b) / n : 0}'
}
cells() { # RESULT: "delivered/expected p50/p99/max"
    printf '%s/%s %s/%s/%s' "$(field "$1" delivered)" "$(field "$1" expected)" \
        "$(field "$1" p50_ms)" "$(field "$1" p99_ms)" "$(field "$1" max_ms)"
}
ratio() { # A B: A / B to two places
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'
}
compare_header() {
    printf '%-8s %6s | %-33s | %-33s | %9s %9s\n' "" "" \
        "hchatd: delivered p50/p99/max ms" "nchan: delivered p50/p99/max ms" "p99 ratio" "CPU ratio"
}
compare_row() { # TRANSPORT N HCHATD NCHAN
    printf '%-8s %6d | %-33s | %-33s | %9s %9s\n' "$1" "$2" "$(cells "$3")" "$(cells "$4")" \
        "$(ratio "$(field "$3" p99_ms)" "$(field "$4" p99_ms)")" \
        "$(ratio "$(per_delivery "$3")" "$(per_delivery "$4")")"
}
cost_row() { # TRANSPORT N HCHATD NCHAN [HELD]: CPU per delivery, peak RSS, KiB per held
    local hk="" ck=""
    if [ -n "${5:-}" ]; then hk=$(held "$3"); ck=$(held "$4"); fi
    printf '%-8s %6d | %10s %10s | %10s %10s | %10s %10s\n' "$1" "$2" \
        "$(per_delivery "$3")" "$(per_delivery "$4")" \
        "$(awk -v k="$(field "$3" peak_rss_kib)" 'BEGIN {printf "%.1f", k / 1024}')" \
        "$(awk -v k="$(field "$4" peak_rss_kib)" 'BEGIN {printf "%.1f", k / 1024}')" "$hk" "$ck"
}
cost_header() {
    printf '%-8s %6s | %10s %10s | %10s %10s | %10s %10s\n' "" "" "hchatd us" "nchan us" \
        "hchatd MiB" "nchan MiB" "hchatd KiB" "nchan KiB"
}
rate_for() { # N: messages per second at N subscribers
    if [ "$1" -ge 10000 ]; then echo 2; else echo 10; fi
}

declare -A FAN
if want fanout; then
echo >&2
echo "fan-out: $FANOUT_MESSAGES messages of 100 bytes per run, each server freshly started" >&2
for n in $FANOUT_SIZES; do
    for transport in longpoll sse ws; do
        for server in hchatd nchan; do
            dir="$WORK/fan-$server-$transport-$n"
            if [ "$server" = hchatd ]; then
                # Tuned for many subscribers; see the comment at the top.
                start_daemon memory "$dir" http.maxThreads=12000 chat.notices=false \
                    longpoll.timeout=120 websocket.pingInterval=600
                room=$("$LOADGEN" create "$PORT" "fan-out")
            else
                start_nchan "$dir"
                room="bench$n$transport"
            fi
            result=$(measure "$server" "$transport" "$room" "$n" "$FANOUT_MESSAGES" "$(rate_for "$n")")
            FANOUT_JSON+="${FANOUT_JSON:+,}$result"
            FAN[$server,$transport,$n]=$result
        done
    done
done

echo
echo "Fan-out: one room, $FANOUT_MESSAGES messages of 100 bytes (10/s; 2/s at 10,000 subscribers)"
compare_header
for n in $FANOUT_SIZES; do
    for transport in longpoll sse ws; do
        compare_row "$transport" "$n" "${FAN[hchatd,$transport,$n]}" "${FAN[nchan,$transport,$n]}"
    done
done
echo
echo "Server cost (CPU microseconds per delivery; peak RSS MiB; RSS KiB per held idle connection at the largest N)"
cost_header
largest=${FANOUT_SIZES##* }
for n in $FANOUT_SIZES; do
    for transport in longpoll sse ws; do
        cost_row "$transport" "$n" "${FAN[hchatd,$transport,$n]}" "${FAN[nchan,$transport,$n]}" \
            "$([ "$n" = "$largest" ] && echo held)"
    done
done
fi

# nchan_at TRANSPORT N: nchan's fan-out result at N, measured now unless the
# fan-out section has it.
nchan_at() {
    if [ -n "${FAN[nchan,$1,$2]:-}" ]; then echo "${FAN[nchan,$1,$2]}"; return; fi
    start_nchan "$WORK/nchan-$1-$2"
    measure nchan "$1" "bench$2$1" "$2" "$FANOUT_MESSAGES" "$(rate_for "$2")"
}

if want defaults; then
declare -A DEF
echo >&2
echo "shipped defaults: hchatd as hchatd.conf ships it, subscribers from many addresses" >&2
for n in $DEFAULTS_SIZES; do
    for transport in longpoll sse ws; do
        start_shipped "$WORK/def-$transport-$n"
        room=$("$LOADGEN" create "$PORT" "defaults")
        DEF[hchatd,$transport,$n]=$(measure hchatd "$transport" "$room" "$n" "$FANOUT_MESSAGES" \
            "$(rate_for "$n")" --sources $(((n + 99) / 100)) --publishers 10)
        DEF[nchan,$transport,$n]=$(nchan_at "$transport" "$n")
        DEFAULTS_JSON+="${DEFAULTS_JSON:+,}${DEF[hchatd,$transport,$n]}"
    done
done
echo
echo "The shipped defaults: hchatd as hchatd.conf ships it (SQLite, notices, limits; every"
echo "subscriber a person, 100 per address), $FANOUT_MESSAGES messages from 10 addresses; nchan as in the fan-out"
compare_header
for n in $DEFAULTS_SIZES; do
    for transport in longpoll sse ws; do
        compare_row "$transport" "$n" "${DEF[hchatd,$transport,$n]}" "${DEF[nchan,$transport,$n]}"
    done
done
echo
cost_header
for n in $DEFAULTS_SIZES; do
    for transport in longpoll sse ws; do
        cost_row "$transport" "$n" "${DEF[hchatd,$transport,$n]}" "${DEF[nchan,$transport,$n]}"
    done
done
fi

if want manyrooms; then
declare -A MANY
echo >&2
echo "many rooms: $MANY_ROOMS rooms x 2 subscribers, $MANY_MESSAGES messages per room at one per 10 s" >&2
for transport in $MANY_TRANSPORTS; do
    for server in hchatd nchan; do
        dir="$WORK/many-$server-$transport"
        if [ "$server" = hchatd ]; then
            start_daemon sqlite "$dir" http.maxThreads=19500
            "$LOADGEN" create "$PORT" "many" "$MANY_ROOMS" > "$dir/rooms"
        else
            start_nchan "$dir"
            seq -f "many$transport%.0f" "$MANY_ROOMS" > "$dir/rooms"
        fi
        MANY[$server,$transport]=$(measure "$server" "$transport" "@$dir/rooms" 2 \
            "$MANY_MESSAGES" 0.1 --publishers 8)
        MANY_JSON+="${MANY_JSON:+,}${MANY[$server,$transport]}"
    done
done
echo
echo "Many rooms: $MANY_ROOMS rooms x 2 subscribers, one message per room per 10 s ($MANY_MESSAGES each)"
compare_header
for transport in $MANY_TRANSPORTS; do
    compare_row "$transport" $((2 * MANY_ROOMS)) "${MANY[hchatd,$transport]}" "${MANY[nchan,$transport]}"
done
echo
cost_header
for transport in $MANY_TRANSPORTS; do
    cost_row "$transport" $((2 * MANY_ROOMS)) "${MANY[hchatd,$transport]}" "${MANY[nchan,$transport]}" held
done
# The floor of thread per connection and of a commit per message on this
# machine. A message wakes the thread of its publisher's connection, one of
# 18,000 waiting (which then writes to the idle subscribers itself), where
# nginx wakes one process; and it is committed. Per delivery (two per
# message): nchan's CPU, half the extra cost of that wake, half a commit
# made as often as the messages come.
INTERVAL_US=$((10000000 / MANY_ROOMS))
FLOOR_JSON=$("$LOADGEN" floor "$MANY_ROOMS" "$WORK" "$INTERVAL_US")
echo
echo "Floor on this machine (hchat-load floor $MANY_ROOMS DIR $INTERVAL_US): waking a thread" \
    "$(field "$FLOOR_JSON" woken_us) us with $MANY_ROOMS waiting, $(field "$FLOOR_JSON" woken1_us) us" \
    "alone (an inline write $(field "$FLOOR_JSON" inline_us) us); a commit of $(field "$FLOOR_JSON" frames)" \
    "1 KiB frames $(field "$FLOOR_JSON" spaced_us) us one every $INTERVAL_US us," \
    "$(field "$FLOOR_JSON" commit_us) us back to back, without fdatasync $(field "$FLOOR_JSON" writes_us) us"
for transport in $MANY_TRANSPORTS; do
    floor=$(awk -v n="$(per_delivery "${MANY[nchan,$transport]}")" -v w="$(field "$FLOOR_JSON" woken_us)" \
        -v a="$(field "$FLOOR_JSON" woken1_us)" -v c="$(field "$FLOOR_JSON" spaced_us)" \
        'BEGIN {printf "%.1f", n + (w - a) / 2 + c / 2}')
    printf '%-8s nchan + wake + commit = %s us per delivery: %s x nchan (hchatd: %s x)\n' "$transport" \
        "$floor" "$(ratio "$floor" "$(per_delivery "${MANY[nchan,$transport]}")")" \
        "$(ratio "$(per_delivery "${MANY[hchatd,$transport]}")" "$(per_delivery "${MANY[nchan,$transport]}")")"
done
fi

if want held; then
declare -A HOLD
echo >&2
echo "held: $HELD connections per transport, $HELD_MESSAGES messages" >&2
for transport in longpoll sse ws; do
    for server in hchatd nchan; do
        dir="$WORK/held-$server-$transport"
        if [ "$server" = hchatd ]; then
            start_daemon sqlite "$dir" http.maxThreads=19500
            room=$("$LOADGEN" create "$PORT" "held")
        else
            start_nchan "$dir"
            room="held$transport"
        fi
        HOLD[$server,$transport]=$(measure "$server" "$transport" "$room" "$HELD" "$HELD_MESSAGES" 1 \
            --idle "$HELD_IDLE")
        HELD_JSON+="${HELD_JSON:+,}${HOLD[$server,$transport]}"
    done
done
echo
echo "Held: $HELD connections in one process per transport, $HELD_MESSAGES messages at 1/s"
compare_header
for transport in longpoll sse ws; do
    compare_row "$transport" "$HELD" "${HOLD[hchatd,$transport]}" "${HOLD[nchan,$transport]}"
done
echo
cost_header
for transport in longpoll sse ws; do
    cost_row "$transport" "$HELD" "${HOLD[hchatd,$transport]}" "${HOLD[nchan,$transport]}" held
done
fi

if want tls; then
declare -A SEALED
echo >&2
echo "tls: $TLS_SIZE subscribers over TLS per transport, $FANOUT_MESSAGES messages; handshakes" >&2
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2> /dev/null
# start_tls SERVER DIR: the server with a TLS port; sets TLS_PORT too.
start_tls() {
    if [ "$1" = hchatd ]; then
        TLS_PORT=$("$LOADGEN" freeport)
        start_daemon memory "$2" http.maxThreads=12000 chat.notices=false \
            longpoll.timeout=120 websocket.pingInterval=600 "tls.port=$TLS_PORT" \
            "tls.certificate=$WORK/cert.pem" "tls.privateKey=$WORK/key.pem"
    else
        start_nchan "$2" tls
    fi
}
for transport in longpoll sse ws; do
    for server in hchatd nchan; do
        start_tls "$server" "$WORK/tls-$server-$transport"
        if [ "$server" = hchatd ]; then room=$("$LOADGEN" create "$PORT" "tls"); else room="tls$transport"; fi
        plain=$PORT
        PORT=$TLS_PORT
        SEALED[$server,$transport]=$(measure "$server" "$transport" "$room" "$TLS_SIZE" \
            "$FANOUT_MESSAGES" "$(rate_for "$TLS_SIZE")" --tls "$plain")
        TLS_JSON+="${TLS_JSON:+,}${SEALED[$server,$transport]}"
    done
done
# handshakes SERVER: "RATE CPU_MS": handshakes a second from one s_time
# client and the server's CPU milliseconds per handshake.
handshakes() {
    start_tls "$1" "$WORK/hs-$1"
    local pid=$SERVER_PID out before after start end
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    start=$(date +%s.%N)
    out=$(openssl s_time -connect "127.0.0.1:$TLS_PORT" -new -time "$TLS_HANDSHAKE_SECONDS" 2>&1 | grep 'connections in' | head -1)
    end=$(date +%s.%N)
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    if [ "$1" = hchatd ]; then stop_daemon; else stop_nchan; fi
    awk -v n="${out%% *}" -v s="$start" -v e="$end" -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "%.0f %.2f", n / (e - s), n ? t * 1000 / hz / n : 0}'
}
read -r hs_rate hs_cpu <<< "$(handshakes hchatd)"
read -r ng_rate ng_cpu <<< "$(handshakes nchan)"
TLS_JSON+="${TLS_JSON:+,}{\"server\":\"hchatd\",\"handshakes_per_s\":$hs_rate,\"cpu_ms_per_handshake\":$hs_cpu}"
TLS_JSON+=",{\"server\":\"nchan\",\"handshakes_per_s\":$ng_rate,\"cpu_ms_per_handshake\":$ng_cpu}"
echo
echo "TLS: one room, $TLS_SIZE subscribers each over a TLS connection of its own, $FANOUT_MESSAGES messages"
compare_header
for transport in longpoll sse ws; do
    compare_row "$transport" "$TLS_SIZE" "${SEALED[hchatd,$transport]}" "${SEALED[nchan,$transport]}"
done
echo
cost_header
for transport in longpoll sse ws; do
    cost_row "$transport" "$TLS_SIZE" "${SEALED[hchatd,$transport]}" "${SEALED[nchan,$transport]}" held
done
echo
printf 'TLS handshakes, one openssl s_time -new client for %s s: hchatd %s/s (%s ms CPU each), nginx %s/s (%s ms CPU each); nginx/hchatd rate %s\n' \
    "$TLS_HANDSHAKE_SECONDS" "$hs_rate" "$hs_cpu" "$ng_rate" "$ng_cpu" "$(ratio "$ng_rate" "$hs_rate")"
fi

if want irc; then
declare -A IRC
echo >&2
echo "irc: $IRC_SIZE IRC clients in one channel, $FANOUT_MESSAGES messages; then $HELD held" >&2
# start_ngircd DIR: ngircd in the foreground on a free port, no limits that
# would refuse the benchmark's clients; sets NGIRCD_PID, PORT, SERVER_PID.
start_ngircd() {
    local dir=$1
    mkdir -p "$dir"
    PORT=$("$LOADGEN" freeport)
    cat > "$dir/ngircd.conf" <<NGIRCD
[Global]
Name = bench.hchat.local
Info = make bench
Listen = 127.0.0.1
Ports = $PORT
PidFile = $dir/ngircd.pid
MotdPhrase = bench
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 16
PingTimeout = 600
PongTimeout = 600
[Options]
PAM = no
DNS = no
Ident = no
NGIRCD
    ngircd -n -f "$dir/ngircd.conf" > "$dir/log" 2>&1 &
    NGIRCD_PID=$!
    SERVER_PID=$NGIRCD_PID
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "ngircd did not start:" >&2; cat "$dir/log" >&2; exit 1
}
stop_ngircd() {
    kill "$NGIRCD_PID"; wait "$NGIRCD_PID" || true; NGIRCD_PID=
}
# start_irc SERVER DIR [KEY=VALUE...]: the server with IRC on PORT; sets CHANNEL.
start_irc() {
    local server=$1 dir=$2 irc
    shift 2
    if [ "$server" = hchatd ]; then
        irc=$("$LOADGEN" freeport)
        start_daemon memory "$dir" "irc.port=$irc" irc.pingInterval=600 "$@"
        CHANNEL=$("$LOADGEN" create "$PORT" "irc")
        PORT=$irc
    else
        start_ngircd "$dir"
        CHANNEL=bench
    fi
}
for server in hchatd ngircd; do
    start_irc "$server" "$WORK/irc-$server" http.maxThreads=64 irc.maxConnections=2048
    IRC[$server,fan]=$(measure "$server" irc "$CHANNEL" "$IRC_SIZE" "$FANOUT_MESSAGES" 10 \
        --publishers "$IRC_PUBLISHERS")
    IRC_JSON+="${IRC_JSON:+,}${IRC[$server,fan]}"
done
# ngircd registers some 12 clients a second here (690-740 of 1,000 in the
# generator's 60 s): 19,000 are out of its reach, so only hchatd holds them.
start_irc hchatd "$WORK/irc-held-hchatd" http.maxThreads=64 irc.maxConnections=19500
IRC[hchatd,held]=$(measure hchatd irc "$CHANNEL" "$HELD" "$HELD_MESSAGES" 1 --idle "$HELD_IDLE")
IRC_JSON+="${IRC_JSON:+,}${IRC[hchatd,held]}"
echo
echo "IRC: one channel, $FANOUT_MESSAGES messages at 10/s from $IRC_PUBLISHERS IRC clients; then $HELD held"
printf '%-8s %6s | %-33s | %-33s | %9s %9s\n' "" "" \
    "hchatd: delivered p50/p99/max ms" "ngircd: delivered p50/p99/max ms" "p99 ratio" "CPU ratio"
compare_row irc "$IRC_SIZE" "${IRC[hchatd,fan]}" "${IRC[ngircd,fan]}"
printf 'ngircd: %s of %s clients in the channel within 60 s\n' "$(field "${IRC[ngircd,fan]}" ready)" "$IRC_SIZE"
printf 'held: %s IRC connections in hchatd: %s, p50/p99/max ms %s/%s/%s, %s KiB of RSS each\n' \
    "$HELD" "$(field "${IRC[hchatd,held]}" delivered)/$(field "${IRC[hchatd,held]}" expected) delivered" \
    "$(field "${IRC[hchatd,held]}" p50_ms)" "$(field "${IRC[hchatd,held]}" p99_ms)" \
    "$(field "${IRC[hchatd,held]}" max_ms)" "$(held "${IRC[hchatd,held]}")"
echo
printf '%-8s %6s | %10s %10s | %10s %10s | %10s %10s\n' "" "" "hchatd us" "ngircd us" \
    "hchatd MiB" "ngircd MiB" "hchatd KiB" "ngircd KiB"
cost_row irc "$IRC_SIZE" "${IRC[hchatd,fan]}" "${IRC[ngircd,fan]}" held
fi


# ---- 9. several nodes over one Redis, hchatd against nginx + nchan on it ----
# start_redis DIR FSYNC: redis-server (AOF on, appendfsync FSYNC) on a free
# port; sets REDIS_PID and REDIS_PORT.
start_redis() {
    local dir=$1
    mkdir -p "$dir"
    REDIS_PORT=$("$LOADGEN" freeport)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
        --appendfsync "$2" --save "" --logfile "$dir/redis.log" &
    REDIS_PID=$!
    for _ in $(seq 100); do
        [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.05
    done
    echo "redis-server did not start" >&2; exit 1
}
stop_redis() {
    kill "$REDIS_PID"; wait "$REDIS_PID" || true; REDIS_PID=
}
# start_nodes SERVER DIR: REDIS_NODES servers on the Redis; sets NODE_PIDS
# (and, for the CPU figures, PIDS: theirs and Redis's) and PORTS (p1,p2,...).
start_nodes() {
    local server=$1 dir=$2 ports=() pids=()
    for i in $(seq "$REDIS_NODES"); do
        if [ "$server" = hchatd ]; then
            start_daemon redis "$dir/$i" "redis.address=127.0.0.1:$REDIS_PORT" \
                http.maxThreads=4000 chat.notices=false longpoll.timeout=120 \
                websocket.pingInterval=600
            pids+=("$DAEMON_PID")
            DAEMON_PID=
        else
            start_nchan "$dir/$i" redis
            pids+=("$NGINX_PID" "$SERVER_PID")
            NGINX_PID=
        fi
        ports+=("$PORT")
    done
    NODE_PIDS="${pids[*]}"
    PORTS=$(IFS=,; echo "${ports[*]}")
    if [ "$server" = hchatd ]; then
        PIDS=$(IFS=,; echo "${pids[*]},$REDIS_PID")
    else # the workers, not the masters
        PIDS=$(for p in "${pids[@]}"; do pgrep -P "$p" || true; done | paste -sd,)
        PIDS="$PIDS,$REDIS_PID"
    fi
}
stop_nodes() {
    for pid in $NODE_PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    NODE_PIDS=
}

if want redis; then
declare -A RED
echo "several nodes: $REDIS_NODES on one Redis" >&2
# Publish throughput: 32 keep-alive senders spread over the nodes, one room.
for fsync in always everysec; do
    start_redis "$WORK/redis-pub-$fsync" "$fsync"
    start_nodes hchatd "$WORK/redis-pub-$fsync"
    room=$("$LOADGEN" create "${PORTS%%,*}" "publish")
    outs=()
    IFS=, read -ra ports <<< "$PORTS"
    for i in "${!ports[@]}"; do
        per=$(( (SENDERS + REDIS_NODES - 1 - i) / REDIS_NODES ))
        "$LOADGEN" publish "${ports[$i]}" "$REDIS_SECONDS" "$per" "$room" > "$WORK/redis-pub-$fsync/out$i" &
        outs+=($!)
    done
    wait "${outs[@]}"
    rate=0; p99s=""
    for i in "${!ports[@]}"; do
        r=$(cat "$WORK/redis-pub-$fsync/out$i")
        rate=$(awk -v a="$rate" -v b="$(field "$r" rate)" 'BEGIN {print a + b}')
        p99s+="$(field "$r" p99_ms) "
    done
    RED[pub,$fsync]=$rate
    RED[p99,$fsync]=$p99s
    printf '  publish, appendfsync %-8s: %s acknowledged msg/s over %s nodes (p99 per node: %s ms)\n' \
        "$fsync" "$rate" "$REDIS_NODES" "$p99s" >&2
    stop_nodes
    stop_redis
done
# Fan-out: REDIS_SIZE subscribers spread over the nodes, the publishers too.
for transport in ws sse; do
    for server in hchatd nchan; do
        dir="$WORK/redis-fan-$server-$transport"
        start_redis "$dir" everysec
        start_nodes "$server" "$dir"
        if [ "$server" = hchatd ]; then room=$("$LOADGEN" create "${PORTS%%,*}" "fan-out"); else room=bench$transport; fi
        result=$("$LOADGEN" fanout "$server" "$transport" "$PORTS" "$room" "$REDIS_SIZE" \
            "$FANOUT_MESSAGES" 10 "$PIDS" --publishers "$REDIS_NODES")
        printf '  %-6s %-4s %s subscribers over %s nodes: %s/%s delivered (%s twice), p99 %s ms\n' \
            "$server" "$transport" "$REDIS_SIZE" "$REDIS_NODES" "$(field "$result" delivered)" \
            "$(field "$result" expected)" "$(field "$result" duplicates)" "$(field "$result" p99_ms)" >&2
        RED[$server,$transport]=$result
        REDIS_JSON+="${REDIS_JSON:+,}$result"
        stop_nodes
        stop_redis
    done
done
echo
echo "Several nodes ($REDIS_NODES) on one Redis"
printf 'publish, 1 room, %s senders over the nodes: appendfsync always %s msg/s, everysec %s msg/s\n' \
    "$SENDERS" "${RED[pub,always]}" "${RED[pub,everysec]}"
echo "fan-out: $REDIS_SIZE subscribers over the nodes, $FANOUT_MESSAGES messages at 10/s (CPU: the nodes and Redis)"
compare_header
for transport in ws sse; do
    compare_row "$transport" "$REDIS_SIZE" "${RED[hchatd,$transport]}" "${RED[nchan,$transport]}"
done
REDIS_JSON+="${REDIS_JSON:+,}{\"publish_always\":${RED[pub,always]},\"publish_everysec\":${RED[pub,everysec]}}"
fi

cat > "$OUT/bench.json" <<JSON
{"machine":{"cores":$(nproc),"kernel":"$(uname -r)"},
 "publish":[$JSON_PUBLISH],
 "startup":{"messages":$FILL_MESSAGES,"rooms":100,"db_mb":$db_mb,"first_answer_ms":$startup,"rss_kib":$rss},
 "fanout":[$FANOUT_JSON],
 "defaults":[$DEFAULTS_JSON],
 "many_rooms":[$MANY_JSON],
 "floor":$FLOOR_JSON,
 "held":[$HELD_JSON],
 "tls":[$TLS_JSON],
 "irc":[$IRC_JSON],
 "redis":[$REDIS_JSON]}
JSON
echo
echo "written: $OUT/bench.json"
