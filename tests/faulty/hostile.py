#!/usr/bin/python3
"""Runs tests/faulty/hostile.c's attacks under wirecheck's sandbox and checks that none of them
earns a PASS, stops the runner, forges its report, or outlives the run.

  hostile.py --wirecheck W --hostile H --echo-server E [--scale X] [--sanitized]

Exit 0 when every check holds, 1 otherwise, 77 (skipped) when this machine cannot sandbox
(not root, no bwrap, no namespaces): then nothing was proven, and ctest says so.
"""
import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail and not ok else ""),
          flush=True)
    if not ok:
        failures.append(name)


def sandbox_procs(base):
    """Processes whose real uid is one of the run's sandbox uids."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        uid = int(line.split()[1])
                        if base <= uid < base + 1024:
                            found.append(int(pid))
                        break
        except OSError:
            pass
    return found


class Runner:
    def __init__(self, args, tmp):
        self.args, self.tmp, self.n = args, tmp, 0

    def run(self, cmd, extra=(), timeout=180, cases="tcp-echo.00[1-3]", suite="tcp-echo"):
        """One wirecheck run with its own uid block; returns (rc, secs, report, stderr, base)."""
        self.n += 1
        base = 1500000000 + (os.getpid() % 1000) * 16384 + self.n * 1024
        out = os.path.join(self.tmp, f"report{self.n}.json")
        argv = [self.args.wirecheck, "run", suite, "--exec", cmd, "--format", "json", "-o", out,
                "--timeout-scale", str(self.args.scale), "--sandbox-uid", str(base)]
        if cases:
            argv += ["--case", cases]
        argv += list(extra)
        t0 = time.monotonic()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
        secs = time.monotonic() - t0
        try:
            with open(out) as f:
                report = json.load(f)
        except (OSError, ValueError):
            report = None
        return p.returncode, secs, report, p.stderr, base, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wirecheck", required=True)
    ap.add_argument("--hostile", required=True)
    ap.add_argument("--echo-server", required=True)
    ap.add_argument("--scale", type=float, default=2)
    ap.add_argument("--sanitized", action="store_true")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        # Anyone may write here: only the sandbox (read-only files, another uid) protects the
        # reports written into it.
        os.chmod(tmp, 0o777)
        r = Runner(args, tmp)
        h = args.hostile
        rc, _, _, err, _, _ = r.run(f"{args.echo_server} --listen {{addr}}",
                                    ["--sandbox", "require"], cases="tcp-echo.001")
        if rc == 3 and "no sandbox" in err:
            print(f"SKIP: this machine cannot sandbox: {err.strip()}")
            return 77

        # A grandchild that leaves the session keeps nothing and forges nothing.
        rc, secs, rep, err, base, out = r.run(f"{h} escape --file {tmp}/report2.json --listen {{addr}}")
        check("escape: the run passes (it echoes)", rc == 0, err[-500:])
        check("escape: the report is wirecheck's", rep is not None and "forged" not in rep
              and rep.get("summary", {}).get("pass") == 3, str(rep)[:300])
        time.sleep(1.5)
        with open(out) as f:
            later = f.read()
        check("escape: nothing rewrote the report after the run", "forged" not in later)
        check("escape: no process of the sandbox's uids is left", not sandbox_procs(base),
              str(sandbox_procs(base)))

        # Descriptors and environment: the report files wirecheck has open, and a CI secret in
        # its environment, never reach the program.
        os.environ["WC_TEST_SECRET"] = "hunter2"
        side = os.path.join(tmp, "side.txt")
        rc, secs, rep, err, base, out = r.run(f"{h} inherit --listen {{addr}}",
                                              ["--report", f"text:{side}"],
                                              cases="tcp-echo.001")
        del os.environ["WC_TEST_SECRET"]
        with open(out) as f:
            written = f.read()
        with open(side) as f:
            side_text = f.read()
        check("inherit: the reports are wirecheck's, not forged",
              rc == 0 and rep is not None and "FORGED" not in written and
              "FORGED" not in side_text, f"exit {rc}: {written[:200]}")
        check("inherit: the runner's environment does not reach the program (it exits 42 if "
              "it does)", rc == 0 and "hunter2" not in written + side_text + err, err[-300:])

        # Stopping or killing the runner: it is in another PID namespace, under another uid.
        rc, secs, rep, err, base, _ = r.run(f"{h} stop --listen {{addr}}")
        check("stop: the runner finishes with a report", rep is not None and rc in (0, 1),
              f"exit {rc}: {err[-500:]}")
        check("stop: in bounded time", secs < 60 * args.scale, f"{secs:.1f} s")
        check("stop: no process left", not sandbox_procs(base), str(sandbox_procs(base)))

        # Forking until the limit: the runner and the machine carry on; nothing survives.
        rc, secs, rep, err, base, _ = r.run(f"{h} forkbomb --listen {{addr}}",
                                            ["--limit", "procs=64"])
        check("forkbomb: the run completes", rc == 0 and rep is not None, f"exit {rc}: {err[-500:]}")
        check("forkbomb: no process left", not sandbox_procs(base), str(sandbox_procs(base)))

        # Memory until the limit: a crash that says which limit (sanitizers need more address
        # space than any limit allows, so only in plain builds).
        if not args.sanitized:
            rc, secs, rep, err, base, _ = r.run(f"{h} memory --listen {{addr}}",
                                                ["--limit", "memory=64"], cases="tcp-echo.001")
            case = (rep or {}).get("cases", [{}])[0]
            check("memory: the case is a crash", rc == 1 and case.get("outcome") == "crash",
                  f"exit {rc}: {case}")
            check("memory: the report names the memory limit",
                  "64 MiB memory limit" in (case.get("reason") or ""), case.get("reason"))

        # The CPU and file-size limits end a program with a signal the report names.
        for mode, limit, words in (("spin", "cpu=1", "over the 1 s CPU limit"),
                                   ("bigfile", "fsize=1", "over the 1 MiB file-size limit")):
            # CPU seconds, not wall time: on a loaded machine the second takes longer to use up,
            # so the case's own timeouts are stretched well past it.
            rc, secs, rep, err, base, _ = r.run(f"{h} {mode} --listen {{addr}}",
                                                ["--limit", limit, "--timeout-scale",
                                                 str(args.scale * 5)], cases="tcp-echo.001")
            case = (rep or {}).get("cases", [{}])[0]
            check(f"{mode}: a crash naming the limit", rc == 1 and case.get("outcome") == "crash"
                  and words in (case.get("reason") or ""), f"exit {rc}: {case.get('reason')}")
            check(f"{mode}: no process left", not sandbox_procs(base), str(sandbox_procs(base)))

        # A flood on stdout: the runner's memory stays bounded (output capture caps).
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        rc, secs, rep, err, base, _ = r.run(f"{h} flood --listen {{addr}}")
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        check("flood: the run passes", rc == 0, f"exit {rc}: {err[-300:]}")
        limit_kib = (768 if args.sanitized else 256) * 1024
        check("flood: the runner's memory stays bounded", max(rss, before) < limit_kib,
              f"{max(rss, before)} KiB")
        check("flood: no process left", not sandbox_procs(base), str(sandbox_procs(base)))

        # Filling its /tmp fills only its own, bounded one.
        rc, secs, rep, err, base, _ = r.run(f"{h} fill-tmp --listen {{addr}}",
                                            ["--limit", "tmp=8"])
        check("fill-tmp: the run passes", rc == 0, f"exit {rc}: {err[-300:]}")
        check("fill-tmp: the machine's /tmp is untouched", not os.path.exists("/tmp/fill"))

        # Never ready: exit 3 in bounded time; ready late: fine.
        rc, secs, rep, err, base, _ = r.run(f"{h} never-binds --listen {{addr}}")
        check("never-binds: exit 3 (the target is not ready)", rc == 3 and "not ready" in err,
              f"exit {rc}: {err[-300:]}")
        check("never-binds: in bounded time", secs < 5 * args.scale + 30, f"{secs:.1f} s")
        check("never-binds: no process left", not sandbox_procs(base), str(sandbox_procs(base)))
        rc, secs, rep, err, base, _ = r.run(f"{h} binds-late --listen {{addr}}")
        check("binds-late: the run passes", rc == 0, f"exit {rc}: {err[-300:]}")

        # The chapter's hard-coded port, twice at once and taken on this machine too: each run
        # has its own network namespace, so all pass; unconfined, the taken port is refused.
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", 7878))
            holder.listen(1)
            held = True
        except OSError:
            held = False
        results = [None, None]

        def one(i):
            # -j 2 as well: each worker has its own network, so a fixed port runs in parallel.
            results[i] = r.run(f"{args.echo_server} --listen 127.0.0.1:7878", ["-j", "2"],
                               cases="tcp-echo.00[1-5]")

        threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check("hard-coded port: two runs side by side, two workers each, all pass",
              all(x[0] == 0 and "one at a time" not in x[3] for x in results),
              str([(x[0], x[3][-200:]) for x in results]))
        if held:
            rc, secs, rep, err, base, _ = r.run(f"{args.echo_server} --listen 127.0.0.1:7878",
                                                ["--sandbox", "off"], cases="tcp-echo.001")
            check("hard-coded port: unconfined, the taken port is refused (exit 3)",
                  rc == 3 and "already in use" in err, f"exit {rc}: {err[-300:]}")
        else:
            print("skip hard-coded port: unconfined check (127.0.0.1:7878 is busy here)")
        holder.close()

        # --max-time ends everything, whatever the target does.
        rc, secs, rep, err, base, _ = r.run(f"{h} never-binds --listen {{addr}}",
                                            ["--max-time", "2"])
        check("max-time: exit 4 after about 2 s", rc == 4 and 2 <= secs < 30,
              f"exit {rc} {secs:.1f} s")
        time.sleep(0.5)
        check("max-time: no process left", not sandbox_procs(base), str(sandbox_procs(base)))

    print(f"hostile.py: {len(failures)} failed" if failures else "hostile.py: every check held")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
