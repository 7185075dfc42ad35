#!/usr/bin/env python3
"""presence-nonreaders.py HTTP_PORT ROOM [N]: presence changes beside clients that never read.

N WebSocket clients (default 200) enter ROOM with a 4 KB receive buffer and
never read; another client joins and leaves every 0.5 s, so every presence
sweep changes the room's people; one honest WebSocket client reads while 40
messages are sent with POST /send at 4/s. Prints what the honest client got
and how fast, and how many of the silent clients are still connected.
Bounded: about 15 s, N + 30 connections, 127.0.0.1 only.
"""
import base64
import http.client
import json
import os
import socket
import struct
import sys
import threading
import time

PORT, ROOM = int(sys.argv[1]), sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200


def websocket(nick, receive_buffer=None):
    s = socket.socket()
    if receive_buffer:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    s.connect(("127.0.0.1", PORT))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws/{ROOM}?nick={nick} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        byte = s.recv(1)
        if not byte:
            raise ConnectionError("closed before the handshake's answer")
        head += byte
    if b" 101 " not in head.split(b"\r\n", 1)[0]:
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
    return s


silent = [websocket(f"silent{i}", 4096) for i in range(N)]
honest = websocket("honest")
arrived, counts = {}, {}


def read_honest():
    buffer = b""
    while True:
        try:
            data = honest.recv(65536)
        except OSError:
            return
        if not data:
            return
        buffer += data
        while len(buffer) >= 2:
            length, start = buffer[1] & 127, 2
            if length == 126:
                length, start = struct.unpack(">H", buffer[2:4])[0], 4
            elif length == 127:
                length, start = struct.unpack(">Q", buffer[2:10])[0], 10
            if len(buffer) < start + length:
                break
            payload, buffer = buffer[start:start + length], buffer[start + length:]
            try:
                frame = json.loads(payload)
            except ValueError:
                continue
            what = frame.get("kind") if "id" in frame else frame.get("type")
            counts[what] = counts.get(what, 0) + 1
            if str(frame.get("text", "")).startswith("probe "):
                arrived[frame["text"]] = time.time()


stopping = False


def churn():
    i = 0
    while not stopping:
        try:
            visitor = websocket(f"visitor{i}")
            time.sleep(0.2)
            visitor.close()
        except OSError:
            pass
        i += 1
        time.sleep(0.3)


threading.Thread(target=read_honest, daemon=True).start()
threading.Thread(target=churn, daemon=True).start()
sent, refused = {}, 0
sender = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
for i in range(40):
    text = f"probe {i}"
    at = time.time()
    sender.request("POST", f"/send/{ROOM}", body=text, headers={"Content-Type": "text/plain"})
    answer = sender.getresponse()
    answer.read()
    if answer.status == 200:
        sent[text] = at
    else:
        refused += 1
    time.sleep(0.25)
time.sleep(3)
stopping = True
latencies = sorted((arrived[t] - sent[t]) * 1000 for t in sent if t in arrived)
print(f"sent {len(sent)} (refused {refused}); the honest client got {len(latencies)} of them", end="")
if latencies:
    print(f", p50 {latencies[len(latencies) // 2]:.1f} ms, max {latencies[-1]:.1f} ms", end="")
print(f"; what it got: {counts}")
connected = 0
for s in silent:
    s.setblocking(False)
    try:
        connected += 1 if s.recv(1) else 0
    except BlockingIOError:
        connected += 1
    except OSError:
        pass
print(f"silent clients still connected: {connected} of {N}")
