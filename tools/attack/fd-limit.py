#!/usr/bin/env python3
# See README.md: fd-limit.py HTTP_PORT
import socket, sys, time

port = int(sys.argv[1])
held, answers = [], {}
for _ in range(400):
    try:
        held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError as e:
        answers["connect: " + type(e).__name__] = answers.get("connect: " + type(e).__name__, 0) + 1
time.sleep(1)
for s in held:
    s.settimeout(0.05)
    try:
        b = s.recv(100)
        k = b.split(b"\r\n")[0].decode() if b else "closed"
    except socket.timeout:
        k = "held (no answer yet)"
    except OSError as e:
        k = type(e).__name__
    answers[k] = answers.get(k, 0) + 1
    s.close()
print(answers)
