#!/usr/bin/env python3
"""bench/bench.py — runs every benchmark once and prints the table (docs/benchmarks.md).

Called by bench/run.sh, which builds the binaries and starts the local services first:
    bench.py --build BUILD_DIR --work TMPDIR [--services-env FILE] [--json OUT] [--quick]

Timing: each pair (ours, anchor) is run alternately, so that a change of machine load hits both
sides alike; the figure is the median wall-clock time of the runs (CPU time user+sys of the
process tree is kept too, in the JSON). Start-up uses hyperfine (many short runs) when present.
Nothing here asserts anything: the verdict column compares the median ratio with the target.
"""
import argparse
import json
import re
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def run_once(cmd, env=None, check_out=None):
    """Runs cmd (argv list); returns (wall s, cpu s, peak RSS KiB) of the process (and its
    waited-for children, as rusage reports them)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        die(f"{' '.join(cmd)} exited {p.returncode}\n{out.decode()[-2000:]}\n{err.decode()[-2000:]}")
    if check_out is not None and check_out not in out.decode():
        die(f"{' '.join(cmd)}: output lacks {check_out!r}:\n{out.decode()[-2000:]}")
    return wall


def run_measured(cmd, env=None, check_out=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run_once(cmd, env, check_out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return wall, user + system, user, system


def peak_rss_kib(cmd, env=None):
    """Peak RSS of one run of cmd, through /usr/bin/time -f %M (KiB)."""
    p = subprocess.run(["/usr/bin/time", "-f", "RSS=%M"] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        die(f"{' '.join(cmd)} exited {p.returncode}\n{p.stderr.decode()[-2000:]}")
    for line in p.stderr.decode().splitlines()[::-1]:
        if line.startswith("RSS="):
            return int(line[4:])
    die("no RSS from /usr/bin/time")


def pair(ours, anchor, runs, env=None, ours_out=None, anchor_out=None, warmup=1):
    """Alternating runs of two commands; returns dicts of medians."""
    for _ in range(warmup):
        run_once(ours, env, ours_out)
        run_once(anchor, env, anchor_out)
    a, b = [], []
    for _ in range(runs):
        a.append(run_measured(ours, env, ours_out))
        b.append(run_measured(anchor, env, anchor_out))
    return summarize(a), summarize(b)


def single(cmd, runs, env=None, out=None, warmup=0):
    for _ in range(warmup):
        run_once(cmd, env, out)
    return summarize([run_measured(cmd, env, out) for _ in range(runs)])


def summarize(samples):
    walls = [s[0] for s in samples]
    cpus = [s[1] for s in samples]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu_median": statistics.median(cpus), "runs": len(walls),
            "user_median": statistics.median(s[2] for s in samples),
            "sys_median": statistics.median(s[3] for s in samples),
            "cpus": cpus}


def hyperfine_pair(ours, anchor, runs):
    """Medians of two short commands with hyperfine -N (no intermediate shell)."""
    out = os.path.join(ARGS.work, "hyperfine.json")
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", "20", "--runs", str(runs),
                    "--export-json", out, ours, anchor], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        res = json.load(f)["results"]
    def s(r):
        return {"median": r["median"], "min": r["min"], "max": r["max"],
                "cpu_median": r["user"] + r["system"], "runs": len(r["times"])}
    return s(res[0]), s(res[1])


ROWS = []


def row(name, ours, anchor, target, note="", unit="s", ratio=None, info=False):
    """ours/anchor: numbers (seconds or the unit given); target: max ratio or None."""
    if ratio is None and ours is not None and anchor:
        ratio = ours / anchor
    if info or target is None:
        verdict = "info"
    else:
        verdict = "PASS" if ratio is not None and ratio <= target else "MISS"
    ROWS.append({"benchmark": name, "ours": ours, "anchor": anchor, "ratio": ratio,
                 "target": target, "verdict": verdict, "note": note, "unit": unit})
    print(f"  {name}: ours {fmt(ours, unit)}, anchor {fmt(anchor, unit)}, ratio "
          f"{fmt_ratio(ratio)} -> {verdict} {note}", file=sys.stderr, flush=True)


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.3f} s"
    if unit == "KiB":
        return f"{v / 1024:.1f} MiB"
    return f"{v:g} {unit}"


def fmt_ratio(x):
    if x is None:
        return "-"
    return f"{x:.2f}×" if x >= 0.1 else f"{x:.2g}×"


def print_table():
    hdr = ["benchmark", "ours", "anchor", "ratio", "target", "verdict"]
    lines = []
    for r in ROWS:
        tgt = "-" if r["target"] is None else f"≤ {r['target']:g}×"
        lines.append([r["benchmark"], fmt(r["ours"], r["unit"]), fmt(r["anchor"], r["unit"]),
                      fmt_ratio(r["ratio"]), tgt, r["verdict"]])
    w = [max(len(str(x[i])) for x in lines + [hdr]) for i in range(len(hdr))]
    print("| " + " | ".join(h.ljust(w[i]) for i, h in enumerate(hdr)) + " |")
    print("|" + "|".join("-" * (w[i] + 2) for i in range(len(hdr))) + "|")
    for x in lines:
        print("| " + " | ".join(str(c).ljust(w[i]) for i, c in enumerate(x)) + " |")
    notes = [r for r in ROWS if r["note"]]
    if notes:
        print()
        for r in notes:
            print(f"- {r['benchmark']}: {r['note']}")


def compile_rb(rb, rbc):
    subprocess.run([RUNBOOK, "compile", rb, "-o", rbc], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return rbc


def bench_vm(runs):
    print("VM: bench/vm/vm.rb vs bench/vm/vm.lua", file=sys.stderr)
    rbc = compile_rb(os.path.join(HERE, "vm", "vm.rb"), os.path.join(ARGS.work, "vm.rbc"))
    lua = os.path.join(HERE, "vm", "vm.lua")
    # CPU-bound and single-threaded: the figure is CPU time (user+sys), which a loaded machine
    # disturbs far less than wall time; the wall medians are in the note and the JSON.
    a, b = pair([RUNBOOK, "run", rbc], ["lua5.4", lua], runs, ours_out="calls 189", anchor_out="calls 189")
    row("vm: all kernels, CPU (.rbc vs lua5.4)", a["cpu_median"], b["cpu_median"], 1.5,
        f"wall {fmt(a['median'], 's')} vs {fmt(b['median'], 's')}")
    RAW["vm"] = {"ours": a, "anchor": b}
    for k in ("loops", "lists", "strings", "maps", "calls"):
        a, b = pair([RUNBOOK, "run", rbc, "--param", f"kernel={k}"], ["lua5.4", lua, k], runs, warmup=0)
        row(f"vm: {k}, CPU", a["cpu_median"], b["cpu_median"], 1.5,
            f"wall {fmt(a['median'], 's')} vs {fmt(b['median'], 's')}")
        RAW[f"vm_{k}"] = {"ours": a, "anchor": b}


def bench_check(runs):
    print("check: generated runbooks (bench/gen_runbook.py)", file=sys.stderr)
    gen = os.path.join(HERE, "gen_runbook.py")
    f100k = os.path.join(ARGS.work, "gen100k.rb")
    f1m = os.path.join(ARGS.work, "gen1m.rb")
    subprocess.run([sys.executable, gen, "100000", f100k], check=True)
    subprocess.run([sys.executable, gen, "1000000", f1m], check=True)
    # CPU time (user+sys) again, as for the VM; wall medians in the notes. Three times the runs:
    # a run is short, and on a shared host the kernel's page clearing moves single runs of the
    # same binary between 60 and 95 ms (docs/benchmarks.md, fourth part).
    a = single([RUNBOOK, "check", f100k], runs * 3, warmup=1)
    lps = 100000 / a["cpu_median"]
    # The anchor is the budget: 100,000 lines at 1,000,000 lines/s.
    row("check: 100k lines, CPU (budget 1M lines/s)", a["cpu_median"], 0.1, 1.0,
        f"{lps:,.0f} lines/s (target ≥ 1,000,000), median of {a['runs']} runs "
        f"({fmt(min(a['cpus']), 's')} to {fmt(max(a['cpus']), 's')}); wall {fmt(a['median'], 's')}")
    c = single([RUNBOOK, "compile", f100k, "-o", os.path.join(ARGS.work, "gen100k.rbc")], runs)
    row("compile: 100k lines, CPU", c["cpu_median"], None, None,
        f"{100000 / c['cpu_median']:,.0f} lines/s; wall {fmt(c['median'], 's')}", info=True)
    # 1M lines against 100k lines, run alternately as every other pair (one run first: more
    # only while they are short). The kernel's time clearing fresh pages (sys) varies far more
    # from run to run on a shared host than the program's own (user): the note shows both.
    m = single([RUNBOOK, "check", f1m], 1)
    a2 = a
    if m["median"] < 10 and runs > 1:
        m, a2 = pair([RUNBOOK, "check", f1m], [RUNBOOK, "check", f100k], runs, warmup=0)
    row("check: 1M lines vs 100k lines, CPU", m["cpu_median"], a2["cpu_median"], 12.0,
        f"{1000000 / m['cpu_median']:,.0f} lines/s at 1M lines ({m['runs']} run(s), alternating with 100k); "
        f"user {fmt(m['user_median'], 's')} vs {fmt(a2['user_median'], 's')} ({m['user_median'] / a2['user_median']:.2f}×), "
        f"sys {fmt(m['sys_median'], 's')} vs {fmt(a2['sys_median'], 's')}; 1M runs {', '.join(fmt(x, 's') for x in sorted(m['cpus']))}; "
        f"wall {fmt(m['median'], 's')}")
    RAW["check_100k"], RAW["compile_100k"], RAW["check_1m"], RAW["check_100k_alt"] = a, c, m, a2
    rss = peak_rss_kib([RUNBOOK, "check", f100k])
    row("check: peak RSS, 100k lines", rss, None, None, f"{rss * 1024 / 100000:,.0f} bytes per line",
        unit="KiB", info=True)


def bench_fmt(runs):
    print("fmt: a generated runbook of 100k lines (bench/gen_runbook.py)", file=sys.stderr)
    gen = os.path.join(HERE, "gen_runbook.py")
    f = os.path.join(ARGS.work, "fmt100k.rb")
    subprocess.run([sys.executable, gen, "100000", f], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([RUNBOOK, "fmt", f], check=True)  # in the layout: --check then exits 0
    lines = sum(1 for _ in open(f, encoding="utf-8"))
    # --check does all the work of a rewrite (read, parse, format, compare) but the write
    a = single([RUNBOOK, "fmt", "--check", f], runs * 3, warmup=1)
    row("fmt: 100k lines, CPU (budget 1 s)", a["cpu_median"], 1.0, 0.5,
        f"{lines:,} lines, {lines / a['cpu_median']:,.0f} lines/s, median of {a['runs']} runs "
        f"({fmt(min(a['cpus']), 's')} to {fmt(max(a['cpus']), 's')}); wall {fmt(a['median'], 's')}")
    RAW["fmt_100k"] = a


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def cpu_ticks(pid):
    """utime + stime of a process, in clock ticks (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def bench_lsp(runs):
    """`runbook lsp`: the time from a change of a 10,000-line runbook (full text, as a client
    with full sync sends it) to its diagnostics, seen by the client; and the server's RSS over
    10,000 edits (small range changes, each checked again in full)."""
    print("lsp: diagnostics after a change of a 10,000-line runbook; RSS over 10,000 edits", file=sys.stderr)
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "lsp"))
    from lspclient import Server
    rb = os.path.join(ARGS.work, "gen10k.rb")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_runbook.py"), "10000", rb], check=True)
    text = open(rb).read()
    lines = text.split("\n")
    target = next(i for i, l in enumerate(lines) if l.strip().startswith("let limit"))
    s = Server(RUNBOOK)
    s.initialize()
    uri = "file://" + os.path.abspath(rb)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "runbook", "version": 1, "text": text}})
    s.diagnostics(uri)
    version = [1]

    def published(v):
        return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == v

    times, nerr = [], []
    n = 20 if ARGS.quick else 200
    ticks0 = cpu_ticks(s.proc.pid)
    for i in range(n):
        t = list(lines)
        t[target] = lines[target] + (" + nosuchname" if i % 2 else "")  # a mistake, then its fix
        body = "\n".join(t)
        version[0] += 1
        t0 = time.perf_counter()
        s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version[0]}, "contentChanges": [{"text": body}]}})
        m = s.wait(published(version[0]))
        times.append(time.perf_counter() - t0)
        nerr.append(sum(1 for d in m["params"]["diagnostics"] if d["severity"] == 1))
    if nerr[1::2] != [1] * len(nerr[1::2]) or any(nerr[0::2]):
        die(f"lsp: unexpected diagnostics: {nerr[:10]}")
    cpu = (cpu_ticks(s.proc.pid) - ticks0) / os.sysconf("SC_CLK_TCK") / n
    times.sort()
    med, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    row("lsp: diagnostics 50 ms after a change, 10k lines", med, 0.05, 1.0,
        f"median of {n} changes (every other one a mistake, then its fix), full text sent; "
        f"p95 {fmt(p95, 's')}, max {fmt(times[-1], 's')}, min {fmt(times[0], 's')}; "
        f"the server's CPU time {fmt(cpu, 's')} a change")
    RAW["lsp_change_10k"] = times
    # RSS: after 1,000 edits (warm), and after 10,000
    edits = 1000 if ARGS.quick else 10000
    line = target
    rss = {}
    for i in range(1, edits + 1):
        version[0] += 1
        ch = len(lines[line])
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version[0]}, "contentChanges": [
            {"range": {"start": {"line": line, "character": ch}, "end": {"line": line, "character": ch + (i % 2 == 0)}},
             "text": "" if i % 2 == 0 else " "}]})
        s.wait(published(version[0]))
        if i in (edits // 10, edits):
            rss[i] = rss_kib(s.proc.pid)
    s.call("shutdown")
    s.notify("exit")
    s.exit_code()
    first, last = rss[edits // 10], rss[edits]
    row(f"lsp: RSS growth from {edits // 10:,} to {edits:,} edits", last - first, None, None,
        f"RSS {first / 1024:.1f} MiB after {edits // 10:,} edits, {last / 1024:.1f} MiB after {edits:,} "
        f"(each a range change of one character, the 10k-line runbook checked again in full)", unit="KiB", info=True)
    RAW["lsp_rss"] = rss


def bench_startup(runs):
    print("start-up: one-step .rbc vs lua5.4 -e 'print(1)'", file=sys.stderr)
    rbc = compile_rb(os.path.join(HERE, "rb", "startup.rb"), os.path.join(ARGS.work, "startup.rbc"))
    ours, anchor = f"{RUNBOOK} run {rbc}", "lua5.4 -e 'print(1)'"
    if shutil.which("hyperfine"):
        a, b = hyperfine_pair(ours, anchor, runs)
    else:
        a, b = pair([RUNBOOK, "run", rbc], ["lua5.4", "-e", "print(1)"], runs, warmup=20)
    row("start-up: run one-step .rbc", a["median"], b["median"], 2.0,
        f"peak RSS {peak_rss_kib([RUNBOOK, 'run', rbc]) / 1024:.1f} MiB")
    RAW["startup"] = {"ours": a, "anchor": b}


def bench_sh(runs):
    print("sh: 1,000 sh(\"true\") vs a bash loop of /bin/sh -c true", file=sys.stderr)
    rbc = compile_rb(os.path.join(HERE, "rb", "sh.rb"), os.path.join(ARGS.work, "sh.rbc"))
    a, b = pair([RUNBOOK, "run", rbc, "--param", "n=1000"],
                ["bash", "-c", "for i in $(seq 1000); do /bin/sh -c true; done"], runs)
    # (CPU here includes the 1,000 children on both sides)
    row("sh: 1,000 sh(\"true\")", a["median"], b["median"], 1.3)
    RAW["sh"] = {"ours": a, "anchor": b}


def bench_http(runs, env):
    if not env.get("RBK_HTTP_URL"):
        print("HTTP: skipped (no RBK_HTTP_URL: the fixture server is not running)", file=sys.stderr)
        return
    print("HTTP: 10,000 GET /healthz vs bench/anchors/http_anchor.c", file=sys.stderr)
    rbc = compile_rb(os.path.join(HERE, "rb", "http.rb"), os.path.join(ARGS.work, "http.rbc"))
    url = env["RBK_HTTP_URL"] + "/healthz"
    a, b = pair([RUNBOOK, "run", rbc, "--param", "n=10000"], [HTTP_ANCHOR, url, "10000"], 2 * runs - 1,
                env, anchor_out="10000")
    row("http: 10,000 GET vs C libcurl", a["median"], b["median"], 1.2,
        f"{10000 / a['median']:,.0f} req/s vs {10000 / b['median']:,.0f} req/s; "
        f"client CPU {fmt(a['cpu_median'], 's')} vs {fmt(b['cpu_median'], 's')}")
    c = single(["bash", "-c", f"for i in $(seq 500); do curl -s -o /dev/null {url}; done"],
               max(1, runs // 2), env)
    row("http: vs curl(1) in a bash loop (500, ×20)", a["median"], c["median"] * 20, None,
        "the curl program starts once per request", info=True)
    RAW["http"] = {"ours": a, "anchor": b, "curl_loop_500": c}


def bench_sql(runs, env):
    if not env.get("RBK_PG_URL"):
        print("SQL: skipped (no RBK_PG_URL: PostgreSQL is not running)", file=sys.stderr)
        return
    print("SQL: 10,000 db.scalar vs bench/anchors/sql_anchor.c", file=sys.stderr)
    pg = env["RBK_PG_URL"]
    rbc = compile_rb(os.path.join(HERE, "rb", "sql.rb"), os.path.join(ARGS.work, "sql.rbc"))
    a, b = pair([RUNBOOK, "run", rbc, "--param", "n=10000"], [SQL_ANCHOR, "scalar", pg, "10000"],
                2 * runs - 1, env, ours_out="50005000", anchor_out="50005000")
    row("sql: 10,000 db.scalar vs C PQexecParams", a["median"], b["median"], 1.2,
        f"{10000 / a['median']:,.0f} q/s vs {10000 / b['median']:,.0f} q/s; "
        f"client CPU {fmt(a['cpu_median'], 's')} vs {fmt(b['cpu_median'], 's')}")
    psql = shutil.which("psql") or os.path.join(env.get("RBK_PG_BIN", ""), "psql")
    c = single(["bash", "-c", f"for i in $(seq 100); do {psql} '{pg}' -qAtc \"SELECT $i::int\" >/dev/null; done"],
               max(1, runs // 2), env)
    row("sql: vs psql -c in a bash loop (100, ×100)", a["median"], c["median"] * 100, None,
        "psql connects once per query", info=True)
    # One db.query of 100,000 rows (4 columns) against the same rows held in one PGresult by
    # the C anchor: time (alternating runs, wall clock) and peak RSS (the median of 3 runs
    # each, alternating too), both with a target of 1.5x (issue 13).
    rows_rbc = compile_rb(os.path.join(HERE, "rb", "sql_rows.rb"), os.path.join(ARGS.work, "sql_rows.rbc"))
    ours_rows = [RUNBOOK, "run", rows_rbc, "--param", "n=100000"]
    anchor_rows = [SQL_ANCHOR, "rows", pg, "100000"]
    t, ta = pair(ours_rows, anchor_rows, 2 * runs - 1, env, ours_out="100000 rows",
                 anchor_out="100000 rows")
    row("sql: db.query of 100,000 rows vs one PGresult", t["median"], ta["median"], 1.5,
        f"CPU {fmt(t['cpu_median'], 's')} vs {fmt(ta['cpu_median'], 's')}; "
        f"runs {fmt(t['min'], 's')} to {fmt(t['max'], 's')} vs {fmt(ta['min'], 's')} to {fmt(ta['max'], 's')}")
    rs, ras = [], []
    for _ in range(1 if ARGS.quick else 3):
        rs.append(peak_rss_kib(ours_rows, env))
        ras.append(peak_rss_kib(anchor_rows, env))
    rss, rss_anchor = statistics.median(rs), statistics.median(ras)
    row("sql: peak RSS, db.query of 100,000 rows", rss, rss_anchor, 1.5,
        f"anchor: one PGresult of the same rows; {(rss - rss_anchor) * 1024 / 100000:,.0f} bytes a row more",
        unit="KiB")
    RAW["sql"] = {"ours": a, "anchor": b, "psql_loop_100": c, "rows_rss_kib": rs,
                  "rows_rss_anchor_kib": ras, "rows_time": t, "rows_time_anchor": ta}


def dur_s(text):
    """a duration as the runbook prints it (250ms, 1.5s, 2m3s) in seconds"""
    total = 0.0
    for num, unit in re.findall(r"([0-9.]+)(ms|s|m|h)", text):
        total += float(num) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return total


def default_forks():
    """RBK_FLEET_FORKS_DEFAULT of support/fleet.h: the --forks a run gets when it names none."""
    with open(os.path.join(REPO, "support", "fleet.h")) as f:
        m = re.search(r"#define RBK_FLEET_FORKS_DEFAULT (\d+)", f.read())
    return int(m.group(1))


def bench_fleet_peritem(runs, fleet_env):
    """Row 4 of issue 16: a per-item step over every host, serial 100%, against the cold run of
    one `sh("uptime", on: hosts.all_hosts)` call (--forks N: as many at once)."""
    if not fleet_env or not os.path.exists(fleet_env):
        return
    fe = load_env(fleet_env)
    inv, n = fe["RBK_INVENTORY"], int(fe["RBK_FLEET_N"])
    one = compile_rb(os.path.join(HERE, "rb", "fleet.rb"), os.path.join(ARGS.work, "fleet.rbc"))
    per = compile_rb(os.path.join(HERE, "rb", "fleet_peritem.rb"), os.path.join(ARGS.work, "fleet_peritem.rbc"))

    def timed(rbc, *extra):
        t0 = time.perf_counter()
        p = subprocess.run([RUNBOOK, "run", rbc, "--inventory", inv, "--forks", str(n), *extra], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            die(f"fleet run failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        return wall
    a_list, a_per = [], []
    for _ in range(runs):
        a_list.append(timed(one, "--param", "calls=1"))
        a_per.append(timed(per))
    med = statistics.median
    row(f"fleet: per-item step, {n} hosts, serial 100%", med(a_per), med(a_list), 1.2,
        "one instance per host (a process each) vs one sh(on: the list) call at --forks N; both cold runs")
    RAW["fleet_peritem"] = {"peritem": a_per, "list": a_list}


def bench_fleet(runs, fleet_env):
    """sh("uptime", on: 100 hosts) against parallel-ssh, raw OpenSSH and ansible (issue 16)."""
    if not fleet_env or not os.path.exists(fleet_env):
        print("fleet: no --fleet-env (scripts/sshd_fleet.sh start DIR 100): skipped", file=sys.stderr)
        return
    fe = load_env(fleet_env)
    inv, cfg, n = fe["RBK_INVENTORY"], fe["RBK_SSH_CONFIG"], int(fe["RBK_FLEET_N"])
    names = [f"h{i}" for i in range(1, n + 1)]
    hostsfile = os.path.join(ARGS.work, "fleet_hosts")
    with open(hostsfile, "w") as f:
        f.write("\n".join(names) + "\n")
    rbc = compile_rb(os.path.join(HERE, "rb", "fleet.rb"), os.path.join(ARGS.work, "fleet.rbc"))
    dflt = default_forks()
    sweep = sorted({16, 32, dflt, n})
    print(f"fleet: uptime on {n} hosts (--forks {', '.join(map(str, sweep))}; default {dflt})", file=sys.stderr)

    def ours(forks, calls):
        t0 = time.perf_counter()
        p = subprocess.run([RUNBOOK, "run", rbc, "--inventory", inv, "--forks", str(forks), "--param", f"calls={calls}"],
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
        got = re.findall(rf"call (\d+): {n} hosts in (\S+)", p.stdout)
        if p.returncode != 0 or len(got) != calls:
            die(f"fleet run failed:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        return wall, [dur_s(d) for _, d in got]

    pssh = ["parallel-ssh", "-p", str(n), "-h", hostsfile, "-x", f"-F {cfg}", "uptime"]
    # ansible as the issue sets it: pipelining (one ssh per host and task, no file copied) over
    # warm ControlPersist masters (its own, started by the untimed first run and kept for the
    # whole benchmark), the interpreter named (no discovery round trip per host)
    actl = tempfile.mkdtemp(prefix="rbk-actl-", dir="/tmp")
    ansible = ["ansible", "all", "-i", inv, "-m", "command", "-a", "uptime", "-f", str(n)]
    aenv = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="True", ANSIBLE_STDOUT_CALLBACK="minimal",
                ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3", ANSIBLE_PIPELINING="True",
                ANSIBLE_SSH_ARGS="-C -o ControlMaster=auto -o ControlPersist=900s",
                ANSIBLE_SSH_CONTROL_PATH_DIR=actl)
    ctl = tempfile.mkdtemp(prefix="rbk-ctl-", dir="/tmp")
    mux = ["-F", cfg, "-o", "ControlMaster=auto", "-o", f"ControlPath={ctl}/%C", "-o", "ControlPersist=900"]
    for h in names:  # the anchor's masters, started once: its rows time warm connections only
        subprocess.run(["ssh", *mux, "-f", "-N", h], check=True)
    run_once(ansible, env=aenv)  # ansible's masters
    raw = ["bash", "-c", "for h in " + " ".join(names) + "; do ssh " + " ".join(mux) + " $h uptime >/dev/null & done; wait"]
    cold = {f: [] for f in sweep}
    warm, a_pssh, a_ans, a_raw = [], [], [], []
    try:
        for _ in range(runs):
            for f in sweep:
                cold[f].append(ours(f, 1)[0])
            a_pssh.append(run_measured(pssh)[0])
            warm.append(ours(n, 2)[1][1])
            a_raw.append(run_measured(raw)[0])
            a_ans.append(run_measured(ansible, env=aenv)[0])
    finally:
        for h in names:
            subprocess.run(["ssh", "-F", cfg, "-o", f"ControlPath={ctl}/%C", "-O", "exit", h], capture_output=True)
        for s in os.listdir(actl):
            subprocess.run(["ssh", "-S", os.path.join(actl, s), "-O", "exit", "x"], capture_output=True)
        shutil.rmtree(ctl, ignore_errors=True)
        shutil.rmtree(actl, ignore_errors=True)
    med = statistics.median
    for f in sweep:
        tag = " (default)" if f == dflt else ""
        if f == n:
            row(f"fleet: cold run, {n} hosts, --forks {f}{tag}", med(cold[f]), med(a_pssh), 1.1,
                f"a whole run of one call (the preflight's {n} connections, the call, the masters' end) "
                f"vs parallel-ssh -p {n}")
        else:
            row(f"fleet: cold run, {n} hosts, --forks {f}{tag}", med(cold[f]), med(a_pssh), None, "vs parallel-ssh", info=True)
    row(f"fleet: warm call, {n} hosts", med(warm), med(a_raw), 1.2,
        f"the second call of a run (--forks {n}) vs ssh in parallel over warm ControlMaster")
    row(f"fleet: warm call vs ansible -f {n}", med(warm), med(a_ans), 1 / 8,
        "ansible all -m command -a uptime, pipelining, warm ControlPersist masters")
    row(f"fleet: cold run vs ansible -f {n}", med(cold[n]), med(a_ans), None,
        "our whole cold run against ansible's warm call", info=True)
    RAW["fleet"] = {"cold": {str(f): v for f, v in cold.items()}, "warm": warm, "pssh": a_pssh, "raw": a_raw,
                    "ansible": a_ans, "default_forks": dflt}


def load_env(path):
    env = dict(os.environ)
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, v = line.split("=", 1)
                    env[k] = v
    return env


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return {"nproc": os.cpu_count(), "cpu": model, "loadavg_at_start": load}


def main():
    global ARGS, RUNBOOK, HTTP_ANCHOR, SQL_ANCHOR, RAW
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--services-env")
    ap.add_argument("--json")
    ap.add_argument("--quick", action="store_true", help="fewer runs (a smoke test of the harness)")
    ap.add_argument("--only", help="comma-separated: vm,check,fmt,lsp,startup,sh,http,sql,fleet")
    ap.add_argument("--fleet-env", help="fleet.env of scripts/sshd_fleet.sh (the fleet rows)")
    ARGS = ap.parse_args()
    RUNBOOK = os.path.join(ARGS.build, "runbook")
    HTTP_ANCHOR = os.path.join(ARGS.build, "bench", "rbk-http-anchor")
    SQL_ANCHOR = os.path.join(ARGS.build, "bench", "rbk-sql-anchor")
    RAW = {}
    for p in (RUNBOOK,):
        if not os.access(p, os.X_OK):
            die(f"{p} is missing: build first (bench/run.sh does)")
    env = load_env(ARGS.services_env)
    only = set(ARGS.only.split(",")) if ARGS.only else None
    want = lambda k: only is None or k in only
    runs = 1 if ARGS.quick else 5
    m = machine()
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, load average {m['loadavg_at_start'][0]:.2f}",
          file=sys.stderr)
    if want("vm"):
        bench_vm(runs)
    if want("check"):
        bench_check(runs)
    if want("fmt"):
        bench_fmt(runs)
    if want("lsp"):
        bench_lsp(runs)
    if want("startup"):
        bench_startup(30 if ARGS.quick else 300)
    if want("sh"):
        bench_sh(runs)
    if want("http"):
        bench_http(runs, env)
    if want("sql"):
        bench_sql(runs, env)
    if want("fleet"):
        bench_fleet(runs, ARGS.fleet_env)
        bench_fleet_peritem(runs, ARGS.fleet_env)
    m["loadavg_at_end"] = os.getloadavg()
    print_table()
    print(f"\nmachine: {m['nproc']} CPUs, {m['cpu']}; load average {m['loadavg_at_start'][0]:.2f} at start, "
          f"{m['loadavg_at_end'][0]:.2f} at end; medians of {runs} alternating runs; CPU rows are user+sys time, the others wall time (start-up: hyperfine)")
    if ARGS.json:
        with open(ARGS.json, "w") as f:
            json.dump({"machine": m, "rows": ROWS, "raw": RAW}, f, indent=2)


if __name__ == "__main__":
    main()
