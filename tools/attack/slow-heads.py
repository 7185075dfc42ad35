#!/usr/bin/env python3
"""Slow-head probe: ADDRESSES x PER_ADDRESS connections from 127.0.0.2...
each drip one header byte every 5 s (reconnecting when the daemon closes
them), for SECONDS; meanwhile an honest client asks GET /healthz twice a
second from 127.0.0.1. Prints how the honest requests were answered and how
long the dripping connections lived.

usage: slow-heads.py HTTP_PORT [ADDRESSES PER_ADDRESS SECONDS]
"""
import selectors
import socket
import sys
import threading
import time

port = int(sys.argv[1])
addresses = int(sys.argv[2]) if len(sys.argv) > 2 else 17
per_address = int(sys.argv[3]) if len(sys.argv) > 3 else 128
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 40

deadline = time.time() + seconds
lives = []
answers = {}
lock = threading.Lock()


def connect(source):
    s = socket.socket()
    s.bind((source, 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    return s


def drippers():
    sel = selectors.DefaultSelector()
    socks = {}
    for a in range(addresses):
        source = "127.0.0.%d" % (a + 2)
        for _ in range(per_address):
            s = connect(source)
            socks[s] = [source, time.time(), False]
            sel.register(s, selectors.EVENT_READ)
    next_drip = time.time()
    while time.time() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            source, born, _ = socks.pop(s)
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            status = data[9:12].decode() if data.startswith(b"HTTP/") else "closed"
            with lock:
                lives.append((time.time() - born, status))
            sel.unregister(s)
            s.close()
            n = connect(source)
            socks[n] = [source, time.time(), False]
            sel.register(n, selectors.EVENT_READ)
        if time.time() >= next_drip:
            next_drip += 5
            for s, state in socks.items():
                try:
                    s.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-Drip: " if not state[2] else b"x")
                    state[2] = True
                except OSError:
                    pass
    for s, state in socks.items():
        with lock:
            lives.append((time.time() - state[1], "still open"))
        s.close()


def honest():
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=3)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = s.recv(4096)
            status = data[9:12].decode() if data.startswith(b"HTTP/") else "no answer"
            s.close()
        except OSError as e:
            status = type(e).__name__
        with lock:
            answers[status] = answers.get(status, 0) + 1
        time.sleep(0.5)


t = threading.Thread(target=drippers)
t.start()
honest()
t.join()
ended = [life for life, status in lives if status != "still open"]
by_status = {}
for _, status in lives:
    by_status[status] = by_status.get(status, 0) + 1
print("honest GET /healthz answers:", answers)
print("dripping connections ended:", by_status)
if ended:
    ended.sort()
    print("lifetime of the ended ones: median %.1f s, max %.1f s" % (ended[len(ended) // 2], ended[-1]))
