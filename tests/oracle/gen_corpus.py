#!/usr/bin/env python3
"""gen_corpus.py -- writes a differential-test corpus for the SensorData decoder, one hex chunk a line.

usage: gen_corpus.py [--count N] [--seed S] [--jsontestsuite DIR] > corpus.hex

Every line is one read() chunk as the seed's JSON server would see it, hex-encoded (the input
format of the seed's sensor_oracle and of wirecheck's sensor_reply). The corpus is
deterministic for a given seed. It mixes: valid records with varied values and layouts; every
number shape in every field (and in unknown fields, and in the sequence form); string escapes
and raw control bytes in device_id, keys and unknown values; ill-formed UTF-8 inside and
outside strings; unknown, duplicate, missing and null fields; every kind of whitespace and
look-alikes (VT, FF, NBSP, BOM, U+2028, NUL) between tokens; deep nesting; random byte edits
of valid records; and, when given, every JSONTestSuite file raw and embedded as an unknown
field's value.
"""

import argparse
import os
import random
import sys

FIELDS = ["device_id", "temperature_c", "humidity_percent", "timestamp"]

# Tokens that are JSON whitespace, and bytes that look like whitespace but are not.
JSON_WS = [b" ", b"\t", b"\n", b"\r"]
NOT_WS = [b"\x0b", b"\x0c", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"\x00", b"\xe3\x80\x80",
          b"\xc2\x85"]

# Hand-picked number texts: edge cases of serde_json's parser (see json_scan.c).
NUMBER_EDGES = [
    "0", "-0", "1", "-1", "00", "01", "-01", "1.", "-1.", ".5", "-.5", "+1", "1e", "1e+", "1e-",
    "1E5", "1e+5", "1e-5", "1.5e3", "1.5E-3", "0.0", "-0.0", "0e0", "0e-0", "-0e5", "1.0e", "1..2",
    "1.2.3", "1e5e5", "--1", "-", "0x10", "1_000", "Infinity", "-Infinity", "NaN", "nan", "inf",
    "21.5", "60.2", "1678886400", "3.4028235e38", "3.4028236e38", "3.4028237e38", "1e38", "1e39",
    "-1e39", "1e308", "1.7976931348623157e308", "1.8e308", "1e309", "1e400", "-1e400", "1e-400",
    "-1e-400", "1e-45", "1e-46", "1.4e-45", "7e-46", "7.1e-46", "1e-38", "1.17549435e-38",
    "4.9e-324", "5e-324", "2.5e-324", "2e-324", "1e-323", "2.2250738585072014e-308",
    "18446744073709551615", "18446744073709551616", "18446744073709551617",
    "18446744073709551616.5", "18446744073709551616.0", "18446744073709551616.00",
    "18446744073709551615.5", "184467440737095516150", "1844674407370955161.5",
    "100000000000000000000.", "100000000000000000000.e5", "1000000000000000000000.5",
    "-9223372036854775808", "-9223372036854775809", "-9223372036854775807",
    "-18446744073709551615", "-18446744073709551616", "9223372036854775807",
    "9223372036854775808", "16777216", "16777217", "16777218", "16777219", "33554431",
    "33554433", "9007199254740993", "9007199254740992.5", "-16777217",
    "1e2147483647", "1e2147483648", "1e-2147483648", "1e-2147483649", "0e2147483648",
    "0e99999999999", "-0e99999999999", "1e99999999999", "1e-99999999999", "0.0e99999999999",
    "0.000000000000000000000000000000000000000000000000001e400",
    "1" + "0" * 400, "1" + "0" * 400 + ".5", "0." + "0" * 400 + "1", "0." + "0" * 400 + "1e400",
    "1" + "0" * 300 + "e-300", "123456789012345678901234567890", "0.1", "0.2", "0.3",
    "0.30000000000000004", "123.456e-7", "9.999999999999999e22", "1e23", "8.589973e9",
    "2.0000000000000004", "4.9406564584124654e-324", "1.0000000000000002",
    "0.49414062", "0.49414063", "0.494140625", "1e-7", "1e20", "1.5e20", "-0.0e-0",
    "1e0000000000000000000001", "1e-0000000000000000000001",
]


def rand_number(rng):
    """A random JSON-ish number text: mostly valid, sometimes broken, often extreme."""
    r = rng.random()
    if r < 0.25:
        return rng.choice(NUMBER_EDGES)
    sign = "-" if rng.random() < 0.3 else ""
    if rng.random() < 0.1:
        intpart = "0"
    else:
        nd = rng.choice([1, 1, 2, 3, 5, 8, 15, 17, 19, 20, 21, 25, 40])
        intpart = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(nd - 1))
    frac = ""
    if rng.random() < 0.5:
        nf = rng.choice([1, 2, 3, 6, 9, 12, 17, 20, 25, 60])
        frac = "." + "".join(rng.choice("0123456789") for _ in range(nf))
    exp = ""
    if rng.random() < 0.4:
        e = rng.choice([0, 1, 5, 10, 20, 30, 37, 38, 39, 40, 44, 45, 46, 50, 100, 300, 307, 308,
                        309, 320, 323, 324, 325, 400, 2147483647, 2147483648, 99999999999])
        esign = rng.choice(["", "+", "-", "-", "-"])
        exp = rng.choice("eE") + esign + str(e)
    text = sign + intpart + frac + exp
    if rng.random() < 0.05:
        # a small corruption
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(["0", ".", "e", "-", "+", "x", " "]) + text[i:]
    return text


def rand_string_body(rng):
    """A JSON string body (without quotes) as bytes: plain, escaped, raw control, non-ASCII."""
    parts = []
    for _ in range(rng.randint(0, 8)):
        r = rng.random()
        if r < 0.35:
            parts.append(rng.choice([b"ESP32-001", b"a", b"dev", b"x y", b"0", b"\xc3\xa9", b"\xe2\x82\xac",
                                     b"\xf0\x9f\x98\x80", b"'", b"/", b"\x7f"]))
        elif r < 0.6:
            parts.append(rng.choice([b'\\"', b"\\\\", b"\\/", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t"]))
        elif r < 0.75:
            cp = rng.choice([0, 1, 0x1f, 0x20, 0x41, 0x5f, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800,
                             0xfffd, 0xfeff, 0xffff, 0xd7ff, 0xe000, 0x2028,
                             rng.randrange(0x10000)])
            fmt = rng.choice(["\\u%04x", "\\u%04X"])
            parts.append((fmt % cp).encode())
        elif r < 0.85:
            hi = rng.choice([0xd800, 0xdbff, rng.randrange(0xd800, 0xdc00)])
            lo = rng.choice([0xdc00, 0xdfff, rng.randrange(0xdc00, 0xe000)])
            kind = rng.randrange(8)
            if kind == 0:
                parts.append(b"\\u%04x\\u%04x" % (hi, lo))
            elif kind == 1:
                parts.append(b"\\u%04x" % hi)
            elif kind == 2:
                parts.append(b"\\u%04x" % lo)
            elif kind == 3:
                parts.append(b"\\u%04xx" % hi)
            elif kind == 4:
                parts.append(b"\\u%04x\\n" % hi)
            elif kind == 5:
                parts.append(b"\\u%04x\\u%04x" % (hi, hi))
            elif kind == 6:
                parts.append(b"\\u%04x\\u0041" % hi)
            else:
                parts.append(b"\\u%04x\\" % hi)
        elif r < 0.9:
            parts.append(rng.choice([b"\\x41", b"\\U0041", b"\\u12", b"\\u12G4", b"\\u", b"\\ ",
                                     b"\\'", b"\\0", b"\\a", b"\\v", b"\\e"]))
        elif r < 0.95:
            parts.append(bytes([rng.randrange(0x20)]))
        else:
            parts.append(rng.choice([b"\x80", b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf",
                                     b"\xf4\x90\x80\x80", b"\xf0\x9f\x98"]))
    return b"".join(parts)


def rand_json(rng, depth=0, valid=True):
    """A random JSON value as bytes (valid unless |valid| is False, then maybe broken)."""
    r = rng.random()
    if depth > 4 or r < 0.45:
        s = rng.random()
        if s < 0.3:
            v = rand_number(rng).encode() if not valid else rng.choice(
                [b"0", b"-1", b"1.5", b"1e400", b"-1e-400", b"123456789012345678901234567890", b"2E+3"])
        elif s < 0.6:
            v = b'"' + (rand_string_body(rng) if not valid else rng.choice(
                [b"", b"abc", b"\\ud800", b"\\udc00", b"\\u0000", b"\\\\\\\"", b"\xc3\xa9"])) + b'"'
        else:
            v = rng.choice([b"null", b"true", b"false"] + ([] if valid else [b"nul", b"tru", b"fals", b"nulll", b"NULL"]))
        return v
    if r < 0.75:
        items = [rand_json(rng, depth + 1, valid) for _ in range(rng.randint(0, 4))]
        ws = rng.choice([b"", b" ", b"\n"])
        body = (b"," + ws).join(items)
        if not valid and rng.random() < 0.2:
            body += rng.choice([b",", b",,", b" 1", b":"])
        return b"[" + ws + body + ws + b"]"
    members = []
    for _ in range(rng.randint(0, 4)):
        k = b'"' + rng.choice([b"k", b"device_id", b"", b"\\u0041", b"\\ud800"]) + b'"'
        members.append(k + rng.choice([b":", b" : "]) + rand_json(rng, depth + 1, valid))
    body = b",".join(members)
    if not valid and rng.random() < 0.2:
        body += rng.choice([b",", b'"k"', b'"k":', b"1:2"])
    return b"{" + body + b"}"


def ws(rng, weird=0.0):
    if rng.random() < weird:
        return rng.choice(NOT_WS)
    return b"".join(rng.choice(JSON_WS) for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])))


def valid_value(rng, field):
    if field == "device_id":
        return b'"' + rng.choice([b"ESP32-001", b"", b"a", b"sensor-\\u00e9", b"\xe2\x82\xac", b"x\\u0000y",
                                  b"\\ud83d\\ude00", b"q\\\"q", b"tab\\there"]) + b'"'
    if field == "timestamp":
        return rng.choice([b"0", b"1", b"1678886400", b"18446744073709551615", b"4294967296",
                           str(rng.randrange(2 ** 64)).encode()])
    return rng.choice([b"21.5", b"60.2", b"0", b"-0.0", b"-40", b"1e39", b"3.4028235e38", b"1e-46",
                       b"100", rand_number(rng).encode()])


def record(rng, weird_ws=0.0, shuffle=True, values=None, extra=None):
    """A record object: all four fields (values may be overridden), maybe unknown fields."""
    fields = list(FIELDS)
    if shuffle:
        rng.shuffle(fields)
    members = []
    for f in fields:
        v = values.get(f) if values and f in values else valid_value(rng, f)
        members.append((b'"' + f.encode() + b'"', v))
    if extra:
        for e in extra:
            members.insert(rng.randrange(len(members) + 1), e)
    out = ws(rng, weird_ws) + b"{"
    for i, (k, v) in enumerate(members):
        if i:
            out += ws(rng, weird_ws) + b","
        out += ws(rng, weird_ws) + k + ws(rng, weird_ws) + b":" + ws(rng, weird_ws) + v
    out += ws(rng, weird_ws) + b"}" + ws(rng, weird_ws)
    return out


def seq_record(rng, values=None, n=4):
    vals = []
    for i, f in enumerate(FIELDS[:n] if n <= 4 else FIELDS + ["extra"] * (n - 4)):
        if f == "extra":
            vals.append(b"1")
        else:
            vals.append(values.get(f) if values and f in values else valid_value(rng, f))
    return ws(rng) + b"[" + (ws(rng) + b"," + ws(rng)).join(vals) + b"]" + ws(rng)


def mutate(rng, data):
    """A few random byte edits: delete, insert, replace, duplicate or swap."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:
            del b[min(i, len(b) - 1)]
        elif op == 1:
            b[i:i] = bytes([rng.choice([rng.randrange(256), ord(rng.choice('{}[]":,.-+eE0123456789 \\nu'))])])
        elif op == 2 and b:
            b[min(i, len(b) - 1)] = rng.randrange(256)
        elif op == 3 and b:
            j = min(len(b), i + rng.randint(1, 8))
            b[i:i] = b[i:j]
        elif op == 4 and len(b) > 1:
            j = rng.randrange(len(b))
            k = rng.randrange(len(b))
            b[j], b[k] = b[k], b[j]
        else:
            b = b[:i]  # truncation
    return bytes(b)


def jsontestsuite(directory):
    out = []
    sub = os.path.join(directory, "test_parsing")
    if not os.path.isdir(sub):
        return out
    suffix = b',"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}'
    for name in sorted(os.listdir(sub)):
        with open(os.path.join(sub, name), "rb") as f:
            data = f.read()
        out.append(data)
        out.append(b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3,"x":' + data + b"}")
        out.append(b'{"x":' + data + suffix)
        out.append(b'{"device_id":' + data + b',"temperature_c":1,"humidity_percent":2,"timestamp":3}')
        out.append(b'{"device_id":"a","temperature_c":' + data + b',"humidity_percent":2,"timestamp":3}')
        out.append(b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":' + data + b"}")
    return out


def fixed_cases():
    """Deterministic cases: each number edge in each position, whitespace look-alikes, nesting."""
    out = []
    base = {"device_id": b'"ESP32-001"', "temperature_c": b"21.5", "humidity_percent": b"60.2",
            "timestamp": b"1678886400"}

    def obj(vals, extra=b""):
        return b"{" + extra + b",".join(b'"' + k.encode() + b'":' + v for k, v in vals.items()) + b"}"

    for num in NUMBER_EDGES:
        n = num.encode()
        for f in FIELDS:
            v = dict(base)
            v[f] = n
            out.append(obj(v))
            out.append(b"[" + b",".join(v[k] for k in FIELDS) + b"]")
        out.append(obj(base, b'"x":' + n + b","))
        out.append(obj(base, b'"x":[' + n + b"],"))
    for w in JSON_WS + NOT_WS:
        seed = obj(base)
        out.append(w + seed)
        out.append(seed + w)
        out.append(seed.replace(b",", w + b",", 1))
        out.append(seed.replace(b":", b":" + w, 1))
        out.append(w)
        out.append(w + w)
    for depth in [1, 2, 127, 128, 129, 1000, 30000]:
        out.append(obj(base, b'"x":' + b"[" * depth + b"]" * depth + b","))
        out.append(obj(base, b'"x":' + b'{"a":' * depth + b"1" + b"}" * depth + b","))
        out.append(obj(base, b'"x":' + b"[" * depth + b"]" * (depth - 1) + b","))
        v = dict(base)
        v["device_id"] = b"[" * depth + b"]" * depth
        out.append(obj(v))
    out += [b"", b" ", b"\n", b"\r\n", b"{}", b"[]", b"null", b'"x"', b"1", b"{", b"[",
            b'{"device_id":"a"}', b'["a",1,2]', b'["a",1,2,3,4]', b'["a",1,2,3,]', b'["a",1,2,3]',
            b'["a" 1,2,3]', b'[,"a",1,2,3]', b'["a",1,2,3',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3,}',
            b'{,"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a" "temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id"="a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b"{'device_id':'a','temperature_c':1,'humidity_percent':2,'timestamp':3}",
            b'{"device\\u005fid":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id\\u0000":"a","device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"x\\ud800":1,"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"x":"\\ud800","device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"x":1,"x":2,"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":null,"temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","temperature_c":null,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":null}',
            b'{"device_id":"a","temperature_c":"1","humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":"3"}',
            b'{"device_id":1,"temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":["a"],"temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":{"a":1},"temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":true,"temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}{}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}\n{}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}\x00',
            b'\xef\xbb\xbf{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"\xff","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b'{"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}\xff',
            b'{"device_id":"a","temperature_c":1\xff,"humidity_percent":2,"timestamp":3}',
            b'{"\xff":1,"device_id":"a","temperature_c":1,"humidity_percent":2,"timestamp":3}',
            b"\xff", b"\xef\xbf\xbd", b"\xc2\xa0", b"\xe3\x80\x80"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=120000, help="random cases (fixed ones are added)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jsontestsuite", default=None, help="JSONTestSuite folder (has test_parsing/)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout

    cases = fixed_cases()
    if args.jsontestsuite:
        cases += jsontestsuite(args.jsontestsuite)
    for c in cases:
        out.write(c.hex() + "\n")

    for _ in range(args.count):
        r = rng.random()
        if r < 0.15:
            c = record(rng)
        elif r < 0.30:
            f = rng.choice(FIELDS)
            c = record(rng, values={f: rand_number(rng).encode()})
        elif r < 0.40:
            f = rng.choice(FIELDS)
            c = record(rng, values={f: b'"' + rand_string_body(rng) + b'"'})
        elif r < 0.48:
            key = b'"' + rand_string_body(rng) + b'"'
            c = record(rng, extra=[(key, rand_json(rng))])
        elif r < 0.56:
            extra = [(b'"' + rng.choice([b"x", b"device_id", b"temperature_c", b"timestamp", b"y", b"DEVICE_ID",
                                         b"device_id ", b"device\\u005fid", b"temperature\\u005Fc"]) + b'"',
                      rand_json(rng, valid=rng.random() < 0.6)) for _ in range(rng.randint(1, 3))]
            c = record(rng, extra=extra)
        elif r < 0.62:
            c = record(rng, weird_ws=0.05)
        elif r < 0.68:
            n = rng.choice([3, 4, 4, 4, 5])
            vals = {}
            if rng.random() < 0.5:
                f = rng.choice(FIELDS)
                vals[f] = rand_number(rng).encode() if f != "device_id" else b'"' + rand_string_body(rng) + b'"'
            c = seq_record(rng, vals, n)
        elif r < 0.72:
            # missing or null fields
            vals = {f: b"null" for f in rng.sample(FIELDS, rng.randint(0, 1))}
            c = record(rng, values=vals)
            if rng.random() < 0.5:
                k = rng.choice(FIELDS).encode()
                start = c.find(b'"' + k + b'"')
                end = c.find(b",", start)
                if start >= 0 and end > start:
                    c = c[:start] + c[end + 1:]
        elif r < 0.97:
            base = record(rng) if rng.random() < 0.85 else seq_record(rng)
            c = mutate(rng, base)
        else:
            c = rand_json(rng, valid=rng.random() < 0.5)
        out.write(c.hex() + "\n")


if __name__ == "__main__":
    main()
