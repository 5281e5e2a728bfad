#!/usr/bin/python3
"""sensor_client_patient.py -- the chapter's SensorData JSON client, a patient variant.

An independent implementation for checking the conformance runner (suite sensor-client),
standard library only:

    /usr/bin/python3 sensor_client_patient.py [--connect HOST:PORT]

HOST:PORT is an IPv4 address or name with a port, or [IPv6]:PORT; default 127.0.0.1:1234.

It connects, prints "Connected to JSON server.", prints "Sending JSON: <json>" and sends
the record exactly as serde_json::to_string writes it, followed by "\\n". Then it reads the
reply until a newline, the end of the stream, or 5 seconds have passed, and prints
"Server response: <line>" (decoded as lossy UTF-8, the newline not repeated).

Its deliberate style: it is patient with a server that says little. A reply cut short by
the server's close (even an empty one) or by the timeout is printed as it is and the
client exits 0. It exits 1 only when it cannot connect or the connection fails (refused,
reset, a send error), and when nothing at all arrived within the 5 seconds (with a message
on stderr). Bad options exit 2.
"""

import socket
import sys
import time

DEFAULT_CONNECT = "127.0.0.1:1234"
REPLY_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 5.0
MAX_REPLY = 64 * 1024  # a reply line longer than this is printed as far as it got
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# serde_json::to_string(&SensorData { .. }): fields in declaration order, no spaces;
# 60.2 as an f32 is printed by serde_json (ryu) as its shortest form, 60.2.
RECORD = (b'{"device_id":"ESP32-001","temperature_c":21.5,'
          b'"humidity_percent":60.2,"timestamp":1678886400}')

USAGE = """usage: sensor_client_patient.py [--connect HOST:PORT]

Sends one SensorData JSON line and prints the server's reply. Default server 127.0.0.1:1234.
Exit status: 0 a reply (whole or partial) was printed; 1 cannot connect, connection reset,
or no reply at all within 5 s; 2 bad options.
"""


def out(text):
    """One line on stdout, UTF-8 whatever the locale, at once."""
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape") + b"\n")
    sys.stdout.buffer.flush()


def fail(message):
    sys.stderr.write("sensor_client_patient.py: %s\n" % message)
    sys.stderr.flush()
    sys.exit(EXIT_FAIL)


def usage_error(message):
    sys.stderr.write("sensor_client_patient.py: %s\n%s" % (message, USAGE))
    sys.exit(EXIT_USAGE)


def split_host_port(text):
    """'1.2.3.4:80', 'name:80' or '[::1]:80' -> (host, port); None if malformed."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1:close + 2] != ":":
            return None
        host, port_text = text[1:close], text[close + 2:]
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep or ":" in host:
            return None
    if not host or not port_text.isdigit() or not port_text.isascii():
        return None
    port = int(port_text)
    if port > 65535:
        return None
    return host, port


def parse_args(argv):
    target = DEFAULT_CONNECT
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(EXIT_OK)
        if arg == "--connect":
            if i + 1 >= len(argv):
                usage_error("option '--connect' needs a value")
            target = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--connect="):
            target = arg[len("--connect="):]
            i += 1
            continue
        usage_error("unknown argument '%s'" % arg)
    parsed = split_host_port(target)
    if parsed is None:
        usage_error("--connect wants HOST:PORT or [IPV6]:PORT, not '%s'" % target)
    return parsed


def read_reply(sock):
    """Bytes up to and including the first newline, or what came before EOF or the
    deadline. Returns (data, why) with why in 'line', 'eof', 'timeout'."""
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    data = bytearray()
    while len(data) < MAX_REPLY:
        left = deadline - time.monotonic()
        if left <= 0:
            return bytes(data), "timeout"
        sock.settimeout(left)
        try:
            chunk = sock.recv(MAX_REPLY - len(data))
        except socket.timeout:
            return bytes(data), "timeout"
        except InterruptedError:
            continue
        if not chunk:
            return bytes(data), "eof"
        newline = chunk.find(b"\n")
        if newline >= 0:
            # Anything after the newline is not part of this reply.
            data += chunk[:newline + 1]
            return bytes(data), "line"
        data += chunk
    return bytes(data), "line"


def main(argv):
    host, port = parse_args(argv)
    try:
        sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
    except OSError as e:
        fail("cannot connect to %s:%d: %s" % (host, port, e))
    with sock:
        out("Connected to JSON server.")
        out("Sending JSON: " + RECORD.decode("ascii"))
        try:
            sock.sendall(RECORD + b"\n")
        except OSError as e:
            fail("sending failed: %s" % e)
        try:
            reply, why = read_reply(sock)
        except OSError as e:  # reset by the server, or another read error
            fail("reading the reply failed: %s" % e)
    if why == "timeout" and not reply:
        fail("no reply from the server within %g s" % REPLY_TIMEOUT_S)
    if reply.endswith(b"\n"):
        reply = reply[:-1]
    out("Server response: " + reply.decode("utf-8", "replace"))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
