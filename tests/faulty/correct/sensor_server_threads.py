#!/usr/bin/python3
"""sensor_server_threads.py -- a correct SensorData JSON server, one thread per client.

An independent implementation for checking the conformance runner (suite sensor), standard
library only:

    /usr/bin/python3 sensor_server_threads.py [--listen HOST:PORT]

HOST:PORT is an IPv4 address or name with a port, or [IPv6]:PORT; the default is
127.0.0.1:1234 and port 0 picks a free port. Once bound it prints
"JSON Server listening on ADDR" (the address actually bound) and flushes. It prints no
other log lines (SEN-12 is a SHOULD).

Wire behaviour. Input is newline-framed: every line (the bytes before a "\\n") gets exactly
one reply line, in order; a last line without a newline is answered when the client
half-closes, and then the connection is closed with a FIN. A line is first decoded as
Rust's String::from_utf8_lossy does (bytes.decode("utf-8", "replace") gives the same
maximal-subpart replacement), a line that is empty after Rust's str::trim (Unicode
White_Space) gets no reply, and the rest is decoded as serde_json::from_str::<SensorData>
would (see decode_line below). A valid record gets
"ACK: Received data from DEVICE (Temp: TC)\\n" with T printed as Rust's Display of an f32;
anything else gets "ERROR: Invalid JSON\\n". A line longer than MAX_LINE bytes gets one
ERROR, and is discarded as it arrives (memory stays bounded); the next line is served.
A client's reset or write error ends that connection only.

Exit status: 0 after SIGTERM or SIGINT, 2 for bad options, 3 when the address cannot be
resolved or bound.
"""

import os
import re
import signal
import socket
import struct
import sys
import threading
from fractions import Fraction

DEFAULT_LISTEN = "127.0.0.1:1234"
MAX_LINE = 64 * 1024  # longest line parsed; longer ones get ERROR
READ_SIZE = 64 * 1024
EXIT_OK, EXIT_USAGE, EXIT_BIND = 0, 2, 3

ERROR_REPLY = b"ERROR: Invalid JSON\n"

USAGE = """usage: sensor_server_threads.py [--listen HOST:PORT]

The SensorData JSON server (a thread per client). Default address: 127.0.0.1:1234
(port 0: any free port). Exit status: 0 on SIGTERM/SIGINT, 2 bad options, 3 cannot
resolve or bind.
"""

# --------------------------------------------------------------------------------------
# Decoding one line: the rules of serde_json 1.0 (default features) and serde's derived
# Deserialize for
#     struct SensorData { device_id: String, temperature_c: f32,
#                         humidity_percent: f32, timestamp: u64 }
#
# - The document is an object or a 4-element array ["id", t, h, ts], surrounded by JSON
#   whitespace (space, tab, LF, CR) only; nothing may follow it.
# - Object: keys are strings (escapes resolved, lone surrogates rejected); the four known
#   keys must each appear exactly once; any other key's value is skipped: any well-formed
#   JSON value, to any depth (the skipper is iterative), whose strings may hold any \\u
#   escape (surrogates are not checked there) but no raw control characters.
# - device_id: a JSON string. The f32 fields: a JSON number, converted the way serde_json
#   does it (integers exactly, then rounded to f32; other numbers through its own f64
#   arithmetic, then rounded to f32, inf beyond f32's range; an f64 overflow is an error).
#   timestamp: a non-negative integer that fits a u64 (no fraction, no exponent, no "-0").
# Any violation raises Invalid.
# --------------------------------------------------------------------------------------


class Invalid(Exception):
    """The line is not a SensorData record."""


U64_MAX = (1 << 64) - 1
I32_MAX = (1 << 31) - 1
I32_MIN = -(1 << 31)
POW10 = [float("1e%d" % k) for k in range(309)]  # each correctly rounded, like Rust's table
INF = float("inf")

_ws_run = re.compile(rb"[ \t\n\r]*")
_plain_run = re.compile(rb'[^"\\\x00-\x1f]*')  # string bytes needing no attention
_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}
_SIMPLE_ESCAPES = {
    ord('"'): b'"', ord("\\"): b"\\", ord("/"): b"/", ord("b"): b"\x08",
    ord("f"): b"\x0c", ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t",
}
_DIGITS = frozenset(b"0123456789")

FIELDS = (b"device_id", b"temperature_c", b"humidity_percent", b"timestamp")


class _Cursor:
    """A position in the UTF-8 bytes of one line."""

    __slots__ = ("data", "pos", "end")

    def __init__(self, data):
        self.data = data
        self.pos = 0
        self.end = len(data)

    def skip_ws(self):
        """Skips JSON whitespace; returns the next byte (not consumed) or None at the end."""
        self.pos = _ws_run.match(self.data, self.pos).end()
        return self.data[self.pos] if self.pos < self.end else None

    def peek(self):
        return self.data[self.pos] if self.pos < self.end else None

    def take(self):
        if self.pos >= self.end:
            raise Invalid("unexpected end")
        b = self.data[self.pos]
        self.pos += 1
        return b

    # ---- strings ----------------------------------------------------------------------

    def hex4(self):
        if self.pos + 4 > self.end:
            raise Invalid("short \\u escape")
        value = 0
        for b in self.data[self.pos:self.pos + 4]:
            digit = _HEX.get(b)
            if digit is None:
                raise Invalid("bad \\u escape")
            value = value * 16 + digit
        self.pos += 4
        return value

    def string(self):
        """The string whose opening quote was just consumed, as UTF-8 bytes, validated."""
        out = bytearray()
        data = self.data
        while True:
            stop = _plain_run.match(data, self.pos).end()
            out += data[self.pos:stop]
            if stop >= self.end:
                raise Invalid("unterminated string")
            self.pos = stop + 1
            b = data[stop]
            if b == 0x22:
                return bytes(out)
            if b != 0x5C:
                raise Invalid("control character in string")
            kind = self.take()
            simple = _SIMPLE_ESCAPES.get(kind)
            if simple is not None:
                out += simple
                continue
            if kind != ord("u"):
                raise Invalid("bad escape")
            unit = self.hex4()
            if 0xDC00 <= unit <= 0xDFFF:
                raise Invalid("lone low surrogate")
            if 0xD800 <= unit <= 0xDBFF:
                if self.take() != 0x5C or self.take() != ord("u"):
                    raise Invalid("lone high surrogate")
                low = self.hex4()
                if not 0xDC00 <= low <= 0xDFFF:
                    raise Invalid("bad low surrogate")
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            out += chr(unit).encode("utf-8")

    def skip_string(self):
        """Skips a string whose opening quote was consumed: escapes are checked for form
        only (any four hex digits after \\u), raw control characters are refused."""
        data = self.data
        while True:
            stop = _plain_run.match(data, self.pos).end()
            if stop >= self.end:
                raise Invalid("unterminated string")
            self.pos = stop + 1
            b = data[stop]
            if b == 0x22:
                return
            if b != 0x5C:
                raise Invalid("control character in string")
            kind = self.take()
            if kind in _SIMPLE_ESCAPES:
                continue
            if kind != ord("u"):
                raise Invalid("bad escape")
            self.hex4()

    # ---- skipping any value -----------------------------------------------------------

    def skip_number(self):
        """JSON number grammar, first byte not consumed ('-' or a digit)."""
        if self.peek() == ord("-"):
            self.pos += 1
        first = self.take()
        if first == ord("0"):
            if self.peek() in _DIGITS:
                raise Invalid("leading zero")
        elif first in _DIGITS:
            self._skip_digits()
        else:
            raise Invalid("not a number")
        if self.peek() == ord("."):
            self.pos += 1
            if self.peek() not in _DIGITS:
                raise Invalid("no digit after point")
            self._skip_digits()
        if self.peek() in (ord("e"), ord("E")):
            self.pos += 1
            if self.peek() in (ord("+"), ord("-")):
                self.pos += 1
            if self.take() not in _DIGITS:
                raise Invalid("no exponent digit")
            self._skip_digits()

    def _skip_digits(self):
        while self.peek() in _DIGITS:
            self.pos += 1

    def skip_literal(self, word):
        if self.data[self.pos:self.pos + len(word)] != word:
            raise Invalid("bad literal")
        self.pos += len(word)

    def skip_scalar_or_open(self, b):
        """Skips a scalar starting with byte b, or consumes an opening bracket and returns it."""
        if b == ord("{") or b == ord("["):
            self.pos += 1
            return b
        if b == ord('"'):
            self.pos += 1
            self.skip_string()
        elif b == ord("n"):
            self.skip_literal(b"null")
        elif b == ord("t"):
            self.skip_literal(b"true")
        elif b == ord("f"):
            self.skip_literal(b"false")
        elif b == ord("-") or (b is not None and b in _DIGITS):
            self.skip_number()
        else:
            raise Invalid("expected a value")
        return None

    def skip_value(self):
        """Skips one JSON value of any depth, with an explicit stack (no recursion)."""
        stack = []  # open containers: ord('{') or ord('[')
        opened = self.skip_scalar_or_open(self.skip_ws())
        if opened is None:
            return
        stack.append(opened)
        just_opened = True
        while stack:
            top = stack[-1]
            b = self.skip_ws()
            closer = ord("}") if top == ord("{") else ord("]")
            if b == closer:
                self.pos += 1
                stack.pop()
                just_opened = False
                continue
            if not just_opened:
                if b != ord(","):
                    raise Invalid("expected comma or end")
                self.pos += 1
                b = self.skip_ws()
            if top == ord("{"):
                if b != ord('"'):
                    raise Invalid("key must be a string")
                self.pos += 1
                self.skip_string()
                if self.skip_ws() != ord(":"):
                    raise Invalid("expected colon")
                self.pos += 1
                b = self.skip_ws()
            opened = self.skip_scalar_or_open(b)
            if opened is None:
                just_opened = False
            else:
                stack.append(opened)
                just_opened = True

    # ---- numbers, as serde_json computes them -----------------------------------------
    # A number is returned as ("u", n) for a non-negative integer that fits u64, ("i", n)
    # for a negative integer that fits i64, ("f", x) for everything else (an f64).

    def number(self):
        """The number at the cursor (whitespace skipped already)."""
        b = self.peek()
        if b == ord("-"):
            self.pos += 1
            return self._integer(False)
        if b is not None and b in _DIGITS:
            return self._integer(True)
        raise Invalid("expected a number")

    def _integer(self, positive):
        first = self.take()
        if first == ord("0"):
            if self.peek() in _DIGITS:
                raise Invalid("leading zero")
            return self._after_integer(positive, 0)
        if first not in _DIGITS:
            raise Invalid("not a number")
        significand = first - 48
        while True:
            b = self.peek()
            if b is None or b not in _DIGITS:
                return self._after_integer(positive, significand)
            grown = significand * 10 + (b - 48)
            if grown > U64_MAX:
                # Too many digits for u64: the remaining integer digits only scale it.
                return ("f", self._long_integer(positive, significand))
            self.pos += 1
            significand = grown

    def _after_integer(self, positive, significand):
        b = self.peek()
        if b == ord("."):
            return ("f", self._fraction(positive, significand, 0))
        if b in (ord("e"), ord("E")):
            return ("f", self._exponent(positive, significand, 0))
        if positive:
            return ("u", significand)
        if significand == 0 or significand > (1 << 63):
            return ("f", -float(significand))  # -0, or below i64: an f64
        return ("i", -significand)

    def _long_integer(self, positive, significand):
        exponent = 0
        while True:
            b = self.peek()
            if b is not None and b in _DIGITS:
                self.pos += 1
                exponent += 1
            elif b == ord("."):
                return self._fraction(positive, significand, exponent)
            elif b in (ord("e"), ord("E")):
                return self._exponent(positive, significand, exponent)
            else:
                return self._compose(positive, significand, exponent)

    def _fraction(self, positive, significand, exponent):
        self.pos += 1  # the point
        while True:
            b = self.peek()
            if b is None or b not in _DIGITS:
                break
            grown = significand * 10 + (b - 48)
            if grown > U64_MAX:
                # Further fraction digits are dropped (and no "digit after the point"
                # check is made on this path).
                self._skip_digits()
                if self.peek() in (ord("e"), ord("E")):
                    return self._exponent(positive, significand, exponent)
                return self._compose(positive, significand, exponent)
            self.pos += 1
            significand = grown
            exponent -= 1
        if exponent == 0:
            # serde_json's check for "a digit after the point" is this test, so it
            # also trips when dropped integer digits and fraction digits cancel out.
            raise Invalid("no digit after point")
        if self.peek() in (ord("e"), ord("E")):
            return self._exponent(positive, significand, exponent)
        return self._compose(positive, significand, exponent)

    def _exponent(self, positive, significand, start):
        self.pos += 1  # the e
        negative_exp = False
        b = self.peek()
        if b == ord("+"):
            self.pos += 1
        elif b == ord("-"):
            self.pos += 1
            negative_exp = True
        first = self.take()
        if first not in _DIGITS:
            raise Invalid("no exponent digit")
        exp = first - 48
        while True:
            b = self.peek()
            if b is None or b not in _DIGITS:
                break
            self.pos += 1
            grown = exp * 10 + (b - 48)
            if grown > I32_MAX:
                if significand != 0 and not negative_exp:
                    raise Invalid("exponent out of range")
                self._skip_digits()
                return 0.0 if positive else -0.0
            exp = grown
        total = start - exp if negative_exp else start + exp
        total = max(I32_MIN, min(I32_MAX, total))
        return self._compose(positive, significand, total)

    @staticmethod
    def _compose(positive, significand, exponent):
        """significand * 10**exponent in serde_json's (not always exact) f64 arithmetic."""
        value = float(significand)
        while True:
            magnitude = -exponent if exponent < 0 else exponent
            if magnitude <= 308:
                if exponent >= 0:
                    value *= POW10[magnitude]
                    if value == INF:
                        raise Invalid("number out of range")
                else:
                    value /= POW10[magnitude]
                break
            if value == 0.0:
                break
            if exponent >= 0:
                raise Invalid("number out of range")
            value /= 1e308
            exponent += 308
        return value if positive else -value


def _int_to_f32(n):
    """A non-negative integer rounded to the nearest f32 (ties to even), as a float."""
    bits = n.bit_length()
    if bits <= 24:
        return float(n)
    shift = bits - 24
    kept, rest = n >> shift, n & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and kept & 1):
        kept += 1
    return float(kept) * float(1 << shift)


def _f64_to_f32(x):
    """Rust's `x as f32`: nearest f32, ties to even, inf beyond the range."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return INF if x > 0 else -INF


def _as_f32(number):
    kind, value = number
    if kind == "u":
        return _int_to_f32(value)
    if kind == "i":
        return -_int_to_f32(-value)
    return _f64_to_f32(value)


def _read_field(cur, index):
    """The value of known field `index` (whitespace before it not yet skipped)."""
    b = cur.skip_ws()
    if index == 0:
        if b != ord('"'):
            raise Invalid("device_id must be a string")
        cur.pos += 1
        return cur.string()
    number = cur.number()
    if index == 3:
        if number[0] != "u":
            raise Invalid("timestamp must be a u64")
        return number[1]
    return _as_f32(number)


def decode_record(data):
    """SensorData from the UTF-8 bytes of a line: (device_id bytes, temperature float)."""
    cur = _Cursor(data)
    b = cur.skip_ws()
    values = [None, None, None, None]
    if b == ord("["):
        cur.pos += 1
        for index in range(4):
            b = cur.skip_ws()
            if index > 0:
                if b != ord(","):
                    raise Invalid("expected comma")  # includes a short array's "]"
                cur.pos += 1
                b = cur.skip_ws()
            if b == ord("]"):
                raise Invalid("array too short or trailing comma")
            if b is None:
                raise Invalid("unexpected end")
            values[index] = _read_field(cur, index)
        if cur.skip_ws() != ord("]"):
            raise Invalid("array too long or unterminated")
        cur.pos += 1
    elif b == ord("{"):
        cur.pos += 1
        first = True
        while True:
            b = cur.skip_ws()
            if b == ord("}"):
                cur.pos += 1
                break
            if not first:
                if b != ord(","):
                    raise Invalid("expected comma or end")
                cur.pos += 1
                b = cur.skip_ws()
            first = False
            if b != ord('"'):
                raise Invalid("key must be a string")  # also a trailing comma
            cur.pos += 1
            key = cur.string()
            if cur.skip_ws() != ord(":"):
                raise Invalid("expected colon")
            cur.pos += 1
            try:
                index = FIELDS.index(key)
            except ValueError:
                cur.skip_value()
                continue
            if values[index] is not None:
                raise Invalid("duplicate field")
            values[index] = _read_field(cur, index)
        if any(v is None for v in values):
            raise Invalid("missing field")
    else:
        raise Invalid("expected an object or an array")
    if cur.skip_ws() is not None:
        raise Invalid("trailing characters")
    return values[0], values[1]


# --------------------------------------------------------------------------------------
# Rust's Display of an f32: the shortest decimal that reads back as the same f32 (of
# several, the nearest; an exact tie goes up), written out without an exponent.
# --------------------------------------------------------------------------------------

def format_f32(x):
    if x != x:
        return "NaN"
    if x == INF:
        return "inf"
    if x == -INF:
        return "-inf"
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    sign = "-" if bits >> 31 else ""
    biased = (bits >> 23) & 0xFF
    fraction = bits & 0x7FFFFF
    if biased == 0 and fraction == 0:
        return sign + "0"
    if biased == 0:
        mantissa, exp2 = fraction, -149
    else:
        mantissa, exp2 = fraction | 0x800000, biased - 150
    unit = Fraction(2) ** exp2  # the value is mantissa * unit
    value = mantissa * unit
    above = unit / 2  # half the gap to the next f32
    below = unit / 4 if mantissa == 0x800000 else unit / 2  # the gap below halves at 2^k
    low, high = value - below, value + above
    inclusive = mantissa % 2 == 0  # a tie reads back to the even mantissa

    def inside(candidate):
        if inclusive:
            return low <= candidate <= high
        return low < candidate < high

    power = len(str(int(high))) if high >= 1 else 0  # 10**power > high
    while True:
        step = Fraction(10) ** power
        down = (value // step)
        choices = []
        if inside(down * step):
            choices.append(down)
        if inside((down + 1) * step):
            choices.append(down + 1)
        if choices:
            break
        power -= 1
    if len(choices) == 2:
        gap_down = value - choices[0] * step
        gap_up = choices[1] * step - value
        digits_value = choices[0] if gap_down < gap_up else choices[1]
    else:
        digits_value = choices[0]
    digits = str(int(digits_value))
    stripped = digits.rstrip("0")
    power += len(digits) - len(stripped)
    digits = stripped
    if power >= 0:
        text = digits + "0" * power
    else:
        point = len(digits) + power
        if point > 0:
            text = digits[:point] + "." + digits[point:]
        else:
            text = "0." + "0" * (-point) + digits
    return sign + text


# Unicode White_Space, what Rust's str::trim removes.
_RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def reply_for_line(raw):
    """The reply bytes for one line (without its newline), or None for a blank line."""
    text = raw.decode("utf-8", "replace")
    if not text.strip(_RUST_WHITESPACE):
        return None
    try:
        device_id, temperature = decode_record(text.encode("utf-8"))
    except Invalid:
        return ERROR_REPLY
    return (b"ACK: Received data from " + device_id + b" (Temp: "
            + format_f32(temperature).encode("ascii") + b"C)\n")


# --------------------------------------------------------------------------------------
# The server: a thread per connection, lines framed out of a bounded buffer.
# --------------------------------------------------------------------------------------

class LineFramer:
    """Splits received bytes into lines; a line over MAX_LINE bytes is dropped as it
    arrives and reported once, as ERROR, when its newline (or the end) comes."""

    def __init__(self):
        self.partial = bytearray()
        self.overlong = False

    def _answer(self, line, replies):
        if len(line) > MAX_LINE:
            replies.append(ERROR_REPLY)
            return
        reply = reply_for_line(bytes(line))
        if reply is not None:
            replies.append(reply)

    def feed(self, data):
        """Replies for the lines completed by data, in order."""
        replies = []
        start = 0
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                break
            if self.overlong:
                self.overlong = False
                replies.append(ERROR_REPLY)
            elif self.partial:
                self.partial += data[start:newline]
                line, self.partial = self.partial, bytearray()
                self._answer(line, replies)
            else:
                self._answer(data[start:newline], replies)
            start = newline + 1
        if not self.overlong and start < len(data):
            self.partial += data[start:]
            if len(self.partial) > MAX_LINE:
                self.overlong = True
                self.partial = bytearray()
        return replies

    def finish(self):
        """Replies at the end of input: the last line without its newline."""
        replies = []
        if self.overlong:
            replies.append(ERROR_REPLY)
        elif self.partial:
            self._answer(self.partial, replies)
        self.overlong = False
        self.partial = bytearray()
        return replies


def serve_connection(conn):
    framer = LineFramer()
    try:
        while True:
            data = conn.recv(READ_SIZE)
            if not data:
                replies = framer.finish()
                if replies:
                    conn.sendall(b"".join(replies))
                break
            replies = framer.feed(data)
            if replies:
                conn.sendall(b"".join(replies))
    except OSError:
        pass  # reset, broken pipe: this connection only
    finally:
        try:
            conn.close()
        except OSError:
            pass


# --------------------------------------------------------------------------------------
# Command line, binding, accepting.
# --------------------------------------------------------------------------------------

def usage_error(message):
    sys.stderr.write("sensor_server_threads.py: %s\n%s" % (message, USAGE))
    sys.stderr.flush()
    sys.exit(EXIT_USAGE)


def split_host_port(text):
    """'1.2.3.4:80', 'name:80' or '[::1]:80' -> (host, port, bracketed); None if malformed."""
    bracketed = text.startswith("[")
    if bracketed:
        close = text.find("]")
        if close < 0 or text[close + 1:close + 2] != ":":
            return None
        host, port_text = text[1:close], text[close + 2:]
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep or ":" in host:
            return None
    if not host or not port_text.isascii() or not port_text.isdigit():
        return None
    port = int(port_text)
    if port > 65535:
        return None
    return host, port, bracketed


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
                usage_error("--listen needs HOST:PORT")
            listen = argv[i + 1]
            i += 2
        elif arg.startswith("--listen="):
            listen = arg[len("--listen="):]
            i += 1
        else:
            usage_error("unknown argument %r" % arg)
    parsed = split_host_port(listen)
    if parsed is None:
        usage_error("bad address %r (want HOST:PORT or [IPv6]:PORT)" % listen)
    return parsed


def format_sockaddr(family, address):
    """A socket address as Rust prints it: 1.2.3.4:5 or [::1]:5 (with %scope if any)."""
    if family == socket.AF_INET6:
        host, port = address[0], address[1]
        scope = address[3] if len(address) > 3 else 0
        if "%" in host:
            host = host.split("%", 1)[0]
        if scope:
            host = "%s%%%d" % (host, scope)
        return "[%s]:%d" % (host, port)
    return "%s:%d" % (address[0], address[1])


def bind_listener(host, port, bracketed):
    family = socket.AF_INET6 if bracketed else socket.AF_UNSPEC
    try:
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, 0,
                                   socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        sys.stderr.write("sensor_server_threads.py: cannot resolve %s: %s\n" % (host, exc))
        sys.exit(EXIT_BIND)
    last_error = None
    for fam, kind, proto, _, sockaddr in infos:
        if fam not in (socket.AF_INET, socket.AF_INET6):
            continue
        sock = socket.socket(fam, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(sockaddr)
            sock.listen(1024)
            return sock
        except OSError as exc:
            last_error = exc
            sock.close()
    sys.stderr.write("sensor_server_threads.py: cannot bind %s:%d: %s\n"
                     % (host, port, last_error or "no usable address"))
    sys.exit(EXIT_BIND)


def on_signal(signum, frame):
    try:
        sys.stdout.flush()
    except Exception:
        pass
    os._exit(EXIT_OK)


def main(argv):
    host, port, bracketed = parse_args(argv)
    listener = bind_listener(host, port, bracketed)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sys.stdout.write("JSON Server listening on %s\n"
                     % format_sockaddr(listener.family, listener.getsockname()))
    sys.stdout.flush()
    while True:
        try:
            conn, _ = listener.accept()
        except OSError as exc:
            sys.stderr.write("sensor_server_threads.py: accept: %s\n" % exc)
            threading.Event().wait(0.05)  # e.g. out of descriptors: back off a little
            continue
        worker = threading.Thread(target=serve_connection, args=(conn,), daemon=True)
        worker.start()


if __name__ == "__main__":
    main(sys.argv[1:])
