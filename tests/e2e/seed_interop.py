#!/usr/bin/env python3
"""Byte-for-byte interop between wirecheck's reference programs and the seed's Rust programs.

For each protocol: the seed client against our server and against the seed server must print
the same thing; our client against the seed server must print what the seed client prints;
both clients must put the same bytes on the wire; and our server's log must equal the seed
server's log once client port numbers are masked. The seed programs hard-code their ports
(7878, 8080, 1234): a check whose port is busy is skipped, never assumed free.

usage: seed_interop.py PROGRAM_DIR   (seed binaries from $WIRECHECK_SEED_BIN,
                                     default <repo>/build/seed-programs/bin, where
                                     scripts/test.sh builds them; exit 77 if absent)
"""
import os
import re
import socket
import subprocess
import sys
import threading
import time

SKIP = 77
prog_dir = sys.argv[1]
_repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
seed_dir = os.environ.get("WIRECHECK_SEED_BIN",
                          os.path.join(_repo, "build", "seed-programs", "bin"))
failures = []
ran = 0


def port_free(port, kind):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def mask(text):
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)


class Server:
    """A server process whose readiness is its first stdout line."""

    def __init__(self, argv, port, kind):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.first = self.proc.stdout.readline().decode("utf-8", "replace")
        if not self.first:
            raise RuntimeError("%s did not start: %s" % (argv[0], self.proc.stderr.read()))

    def stop(self):
        time.sleep(0.3)  # let it log the last client's disconnection first
        self.proc.terminate()
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.first + out.decode("utf-8", "replace")


def run_client(argv):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def capture(port, kind, reply):
    """Accepts one client (TCP) or datagram (UDP), records its bytes, answers |reply|."""
    got = bytearray()
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.settimeout(10)

    def serve():
        try:
            if kind == socket.SOCK_DGRAM:
                data, peer = s.recvfrom(65536)
                got.extend(data)
                s.sendto(reply(bytes(got)), peer)
                return
            s.listen(1)
            c, _ = s.accept()
            c.settimeout(2)
            try:
                while not got.endswith(b"\n"):
                    d = c.recv(65536)
                    if not d:
                        break
                    got.extend(d)
            except socket.timeout:
                pass
            c.sendall(reply(bytes(got)))
            c.close()
        except OSError:
            pass
        finally:
            s.close()

    t = threading.Thread(target=serve)
    t.start()
    return t, got


def check(name, cond, detail=""):
    global ran
    ran += 1
    if not cond:
        failures.append("%s %s" % (name, detail))
    print("%s %s" % ("ok    " if cond else "FAILED", name))


PROTOCOLS = [
    # name, port, kind, seed server, our server, seed client, our client, scripted reply
    ("tcp-echo", 7878, socket.SOCK_STREAM, "echo_server_serial", "echo-server", "tcp_client",
     "echo-client", lambda b: b),
    ("tcp-echo-threaded", 7878, socket.SOCK_STREAM, "echo_server_threaded",
     "echo-server-threaded", "tcp_client", "echo-client", lambda b: b),
    ("udp-echo", 8080, socket.SOCK_DGRAM, "udp_server", "udp-echo-server", "udp_client",
     "udp-echo-client", lambda b: b),
    ("sensor", 1234, socket.SOCK_STREAM, "json_server", "sensor-server", "json_client",
     "sensor-client", lambda b: b"ACK: Received data from ESP32-001 (Temp: 21.5C)\n"),
]


def main():
    if not all(os.access(os.path.join(seed_dir, b), os.X_OK)
               for p in PROTOCOLS for b in (p[3], p[5])):
        print("seed programs not found in %s (build them with "
              "../shared/seed-programs/build.sh); skipping" % seed_dir)
        return SKIP
    for name, port, kind, seed_srv, our_srv, seed_cli, our_cli, reply in PROTOCOLS:
        if not port_free(port, kind):
            print("skip   %s: port %d is in use" % (name, port))
            continue
        addr = "127.0.0.1:%d" % port
        seed_client = [os.path.join(seed_dir, seed_cli)]
        our_client = [os.path.join(prog_dir, our_cli), "--connect", addr]

        srv = Server([os.path.join(seed_dir, seed_srv)], port, kind)
        rc_seed, out_seed = run_client(seed_client)
        rc_ours, out_ours = run_client(our_client)
        seed_log = srv.stop()
        check(name + ": seed client works against the seed server", rc_seed == 0, out_seed)
        check(name + ": our client against the seed server prints what the seed client does",
              rc_ours == 0 and out_ours == out_seed, "\n--- ours\n%s--- seed\n%s" % (out_ours, out_seed))

        srv = Server([os.path.join(prog_dir, our_srv), "--listen", addr], port, kind)
        rc, out = run_client(seed_client)
        rc2, _ = run_client(seed_client)
        our_log = srv.stop()
        check(name + ": seed client against our server prints what it prints against the seed's",
              rc == 0 and out == out_seed, "\n--- against ours\n%s--- against seed\n%s" % (out, out_seed))
        # The seed server logs each of the two runs; ours too (two seed clients ran against it).
        srv = Server([os.path.join(seed_dir, seed_srv)], port, kind)
        run_client(seed_client)
        run_client(seed_client)
        seed_log2 = srv.stop()
        check(name + ": our server's log equals the seed server's (ports masked)",
              rc2 == 0 and mask(our_log) == mask(seed_log2),
              "\n--- ours\n%s--- seed\n%s" % (mask(our_log), mask(seed_log2)))

        t, got_seed = capture(port, kind, reply)
        run_client(seed_client)
        t.join()
        t, got_ours = capture(port, kind, reply)
        run_client(our_client)
        t.join()
        check(name + ": both clients put the same bytes on the wire",
              len(got_seed) > 0 and bytes(got_seed) == bytes(got_ours),
              "seed %r ours %r" % (bytes(got_seed), bytes(got_ours)))
    print("%d passed, %d failed" % (ran - len(failures), len(failures)))
    if ran == 0:
        return SKIP
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
