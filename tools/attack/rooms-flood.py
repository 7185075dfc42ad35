#!/usr/bin/env python3
# See README.md: rooms-flood.py LINE_PORT PID [ROOMS]
import socket,time,sys,os,subprocess
port=int(sys.argv[1]); pid=int(sys.argv[2]); n=int(sys.argv[3]) if len(sys.argv) > 3 else 50000
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS"): return int(l.split()[1])//1024
def cpu():
    f=open(f"/proc/{pid}/stat").read().split(")")[1].split()
    return (int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK")
# rooms
c=socket.create_connection(("127.0.0.1",port)); c.sendall(b"USERNAME maker\r\n")
buf=b"".join(b"JOIN #flood%d\r\n" % i for i in range(n))
c.sendall(buf)
f=c.makefile("rb")
got=0
while got<n:
    l=f.readline()
    if l.startswith(b"OK Joined"): got+=1
c.close()
print("rooms", n, "rss MB", rss(), "cpu s", cpu())
socks=[]
for k in range(3):
    s=socket.create_connection(("127.0.0.1",port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"ROOMS\r\n"*585)  # one 4 KB write
    socks.append(s)
c0=cpu(); peak=0; t0=time.time()
while time.time()-t0<15:
    peak=max(peak,rss()); time.sleep(0.2)
print("3 non-readers x 585 ROOMS: peak rss MB", peak, "cpu s", round(cpu()-c0,2))
for s in socks: s.close()
time.sleep(1)
c1=cpu(); time.sleep(3); print("cpu after they left (3 s)", round(cpu()-c1,2))
