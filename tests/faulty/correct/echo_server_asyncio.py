#!/usr/bin/python3
"""echo_server_asyncio.py -- a correct TCP echo server written with asyncio streams.

An independent implementation for checking the conformance runner (suite tcp-echo-threaded):
one event loop, one coroutine per connection, standard library only.

    /usr/bin/python3 echo_server_asyncio.py [--listen HOST:PORT]

HOST:PORT is an IPv4 address or name with a port, or [IPv6]:PORT; the default is
127.0.0.1:7878 and port 0 picks a free port. Once bound it prints
"TCP Echo Server listening on ADDR" (the address actually bound) and flushes.

Behaviour: every byte read is written back at once, unchanged and in order; no line framing.
Back-pressure: after each write the coroutine awaits drain(), so when a client stops reading
the server stops reading from it (the transport's buffer stays near its 64 KiB high-water
mark and the stream reader pauses the socket once its own small buffer is full); reading
resumes when the client has read enough. On the client's FIN the rest is flushed and the
connection is closed with a FIN. Resets and write errors end that connection only.

Exit status: 0 after SIGTERM or SIGINT, 2 for bad options, 3 when the address cannot be
resolved or bound.
"""

import asyncio
import signal
import socket
import sys

DEFAULT_LISTEN = "127.0.0.1:7878"
READ_SIZE = 64 * 1024  # per read; also the stream buffer limit
EXIT_OK, EXIT_USAGE, EXIT_BIND = 0, 2, 3

USAGE = """usage: echo_server_asyncio.py [--listen HOST:PORT]

A TCP echo server (asyncio). Default address: 127.0.0.1:7878 (port 0: any free port).
Exit status: 0 on SIGTERM/SIGINT, 2 bad options, 3 cannot resolve or bind.
"""


def usage_error(message):
    sys.stderr.write("echo_server_asyncio.py: %s\n%s" % (message, USAGE))
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
    listen = DEFAULT_LISTEN
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(EXIT_OK)
        if arg == "--listen":
            if i + 1 >= len(argv):
                usage_error("option '--listen' needs a value")
            listen = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--listen="):
            listen = arg[len("--listen="):]
            i += 1
            continue
        usage_error("unknown argument '%s'" % arg)
    parsed = split_host_port(listen)
    if parsed is None:
        usage_error("--listen wants HOST:PORT or [IPV6]:PORT, not '%s'" % listen)
    return parsed


def format_addr(sockaddr):
    """A socket address the way Rust's Display prints it: 1.2.3.4:80, [::1]:80."""
    host, port = sockaddr[0], sockaddr[1]
    if ":" in host:
        return "[%s]:%d" % (host, port)
    return "%s:%d" % (host, port)


def bind_listener(host, port):
    """Resolves and binds the first address that works; exits 3 if none does."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE | socket.AI_NUMERICSERV)
    except socket.gaierror as e:
        sys.stderr.write("echo_server_asyncio.py: cannot resolve %s: %s\n" % (host, e))
        sys.exit(EXIT_BIND)
    last_error = None
    for family, socktype, proto, _name, sockaddr in infos:
        sock = None
        try:
            sock = socket.socket(family, socktype, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(sockaddr)
            sock.listen(1024)
            sock.setblocking(False)
            return sock
        except OSError as e:
            last_error = e
            if sock is not None:
                sock.close()
    sys.stderr.write("echo_server_asyncio.py: cannot bind %s:%d: %s\n"
                     % (host, port, last_error))
    sys.exit(EXIT_BIND)


async def echo(reader, writer):
    """Echoes one connection until EOF or an error."""
    try:
        while True:
            data = await reader.read(READ_SIZE)
            if not data:  # the client's FIN: finish the echo, then close with our FIN
                break
            writer.write(data)
            await writer.drain()  # back-pressure: no more reads while the client lags
        if writer.can_write_eof():
            writer.write_eof()  # shutdown(SHUT_WR) once the buffer is flushed
        await writer.drain()
    except (ConnectionError, OSError):
        writer.transport.abort()  # reset or write failure: drop this client only
        return
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def serve(sock):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    tasks = set()

    def on_connect(reader, writer):
        task = asyncio.ensure_future(echo(reader, writer))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(
        lambda r, w: on_connect(r, w), sock=sock, limit=READ_SIZE)
    sys.stdout.write("TCP Echo Server listening on %s\n"
                     % format_addr(server.sockets[0].getsockname()))
    sys.stdout.flush()

    await stop.wait()
    server.close()
    for task in list(tasks):
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return EXIT_OK


def main(argv):
    host, port = parse_args(argv)
    sock = bind_listener(host, port)
    return asyncio.run(serve(sock))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
