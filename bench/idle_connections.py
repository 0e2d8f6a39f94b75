#!/usr/bin/env python3
"""Open N keep-alive connections to 127.0.0.1:PORT, send one request on each,
read the answer, keep them idle, and print the RSS of PID (kB) while they are
open. Bounded: gives up after 60 s."""
import socket, sys, time

port, count, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = b'{"query":"mutation { SafeNoop }"}'
request = (b"POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1

before = rss_kb(pid)
deadline = time.time() + 60
socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data and time.time() < deadline:
        data += s.recv(65536)
    socks.append(s)
time.sleep(1.0)
after = rss_kb(pid)
ok = sum(1 for s in socks if s.fileno() >= 0)
print(f"connections={ok} rss_before_kb={before} rss_with_idle_kb={after}")
for s in socks:
    s.close()
