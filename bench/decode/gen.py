#!/usr/bin/env python3
"""gen.py -- the corpora of bench/decode.sh, one SensorData JSON text a line, from a fixed seed.

usage: gen.py records N SEED > file   N records shaped like the chapter's (serde_json's
                                      to_string of a SensorData: ~90 bytes each)
       gen.py big N SEED > file       N records whose device_id makes the line just under
                                      64 KiB (mostly ASCII, some 2- and 3-byte UTF-8, a few
                                      escapes), the longest line sensor-server takes by default
"""
import random
import sys

PLACES = ["kitchen", "garage", "attic", "cellar", "greenhouse", "lab", "office", "barn"]


def number(rng, lo, hi):
    """A decimal with at most two fraction digits, as a device would send it."""
    v = round(rng.uniform(lo, hi), rng.choice([0, 1, 1, 2]))
    text = repr(v)
    return text[:-2] if text.endswith(".0") and rng.random() < 0.3 else text


def device_id(rng):
    r = rng.random()
    if r < 0.5:
        return "ESP32-%03d" % rng.randrange(1000)
    if r < 0.8:
        return "sensor-%s-%d" % (rng.choice(PLACES), rng.randrange(100))
    return "%s/%08x" % (rng.choice(["node", "probe", "rpi"]), rng.getrandbits(32))


def record(rng, dev):
    return ('{"device_id":"%s","temperature_c":%s,"humidity_percent":%s,"timestamp":%d}'
            % (dev, number(rng, -40, 85), number(rng, 0, 100),
               rng.randrange(1600000000, 1800000000)))


def big_id(rng, size):
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/ "
    parts = []
    n = 0
    while n < size:
        run = "".join(rng.choice(alphabet) for _ in range(rng.randrange(200, 800)))
        extra = rng.choice(["é", "ü", "温度", "°C", "\\\"", "\\n", "\\u00e9"])
        parts.append(run + extra)
        n += len(run.encode()) + len(extra.encode())
    text = "".join(parts).encode()[:size].decode("utf-8", "ignore")
    cut = text.rfind("\\", len(text) - 6)  # never end inside an escape
    return text[:cut] if cut >= 0 else text


def main():
    kind, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    out = sys.stdout.buffer
    for _ in range(count):
        if kind == "records":
            line = record(rng, device_id(rng))
        else:
            rest = len(record(rng, ""))
            line = record(rng, big_id(rng, 65535 - rest - 40))
        out.write(line.encode() + b"\n")


if __name__ == "__main__":
    main()
