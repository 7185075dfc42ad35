#!/usr/bin/python3
"""Join storm with the shipped defaults: CLIENTS WebSocket subscribers, each
a person of its own, connect to one room as fast as they can; then MESSAGES
messages are sent with POST /send at RATE per second. Prints, per client,
how many notice entries it got (in all, and at most in one second), the
delivery latency of the messages over all clients (one asyncio process:
its own speed is part of the figure, the same for any server), and the
daemon's CPU seconds (PID) during the run. Needs python3-websockets.

usage: join-storm.py HTTP_PORT PID [CLIENTS MESSAGES RATE]
"""
import asyncio
import http.client
import json
import os
import sys
import time
import urllib.request

import websockets

port, pid = int(sys.argv[1]), int(sys.argv[2])
clients = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
messages = int(sys.argv[4]) if len(sys.argv) > 4 else 100
rate = float(sys.argv[5]) if len(sys.argv) > 5 else 10
base = "http://127.0.0.1:%d" % port


def cpu():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post(path, data, source):
    # The shipped limits: 2 messages a second per person (a cookie-less
    # client is its address), 128 connections per address.
    c = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0))
    c.request("POST", path, data.encode(), {"Content-Type": "text/plain"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 200:
        raise RuntimeError("send answered %d" % r.status)


room = urllib.request.urlopen(base + "/chat_create?subject=storm&public=0").url.rsplit("/", 1)[1]
sent = {}
latencies = []
notices = []  # per client: list of receive times


async def client(k):
    times = []
    notices.append(times)
    source = "127.0.0.%d" % (2 + k % 100)  # 100 addresses: within 128 per address
    async with websockets.connect("ws://127.0.0.1:%d/ws/%s" % (port, room), max_queue=None,
                                  open_timeout=60, ping_interval=None,
                                  local_addr=(source, 0)) as ws:
        got = 0
        async for frame in ws:
            m = json.loads(frame)
            if m.get("type") != "message":
                continue
            if m["kind"] != "message":
                times.append(time.time())
            elif m["text"] in sent:
                latencies.append(time.time() - sent[m["text"]])
                got += 1
                if got == messages:
                    break


async def sender():
    loop = asyncio.get_running_loop()
    for i in range(messages):
        text = "m%d" % i
        sent[text] = time.time()
        await loop.run_in_executor(None, post, "/send/" + room, text, "127.0.1.%d" % (i % 20 + 1))
        await asyncio.sleep(1 / rate)


async def main():
    start_cpu, start = cpu(), time.time()
    tasks = [asyncio.create_task(client(k)) for k in range(clients)]
    while len(notices) < clients:
        await asyncio.sleep(0.01)
    await sender()
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    used = cpu() - start_cpu
    per_client = sorted(len(t) for t in notices)
    per_second = []
    for t in notices:
        buckets = {}
        for x in t:
            buckets[int(x - start)] = buckets.get(int(x - start), 0) + 1
        per_second.append(max(buckets.values()) if buckets else 0)
    per_second.sort()
    latencies.sort()
    q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
    print("clients %d, messages %d at %g/s, deliveries %d of %d" %
          (clients, messages, rate, len(latencies), clients * messages))
    print("notice entries per client: median %d, max %d; most in one second: median %d, max %d" %
          (q(per_client, .5), per_client[-1], q(per_second, .5), per_second[-1]))
    print("delivery latency ms: p50 %.1f, p99 %.1f, max %.1f" %
          (1e3 * q(latencies, .5), 1e3 * q(latencies, .99), 1e3 * latencies[-1]))
    print("server CPU %.2f s over %.1f s" % (used, time.time() - start))


asyncio.run(main())
