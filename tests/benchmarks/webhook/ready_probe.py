"""Time from starting the webhook to its first 200 on /ready, TRIES times.
Usage: ready_probe.py TRIES PORT LOG_FILE COMMAND...
Each try starts COMMAND (stdout to LOG_FILE), then opens a fresh TLS connection to
127.0.0.1:PORT and sends GET /ready every millisecond until one answers 200 (a refused
connection or a 503 retries), then stops it with SIGTERM. Prints every time, then min and median,
in milliseconds, and the CPU time the server's threads had used when it answered (from
/proc/PID/task/*/schedstat: the figure that holds when other processes share the cores). The clock starts just before the fork, so the figure includes exec and the
dynamic loader; one attempt costs a TLS handshake (~1-2 ms), the resolution of the figure."""
import os
import socket
import ssl
import statistics
import subprocess
import sys
import time

tries, port, log_file, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


def ready():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return tls.recv(16).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def cpu_ms(pid):
    """CPU time of every thread of `pid` so far (schedstat: nanoseconds, not clock ticks)."""
    total = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            total += int(open("/proc/%d/task/%s/schedstat" % (pid, task)).read().split()[0])
        except OSError:
            pass
    return total / 1e6


times, cpu = [], []
with open(log_file, "w") as log:
    for _ in range(tries):
        start = time.monotonic()
        server = subprocess.Popen(command, stdout=log)
        while not ready():
            if server.poll() is not None or time.monotonic() - start > 20:
                sys.exit("ready_probe: the server exited or never became ready")
            time.sleep(0.001)
        times.append((time.monotonic() - start) * 1000)
        cpu.append(cpu_ms(server.pid))
        server.terminate()
        server.wait()
print("  ".join("%.1f" % t for t in times))
print("min %.1f ms, median %.1f ms; server CPU until then: median %.1f ms" %
      (min(times), statistics.median(times), statistics.median(cpu)))
