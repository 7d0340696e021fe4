"""`make bench`: start MotCua as production would and measure it from a separate process.

1. collectstatic, then bench/prepare.py (benchmark users, API token, sample codes; for the
   write scenarios a benchmark commune, its process, citizens and pools of dossiers, one slice
   per run) against the database of DATABASE_URL (PostgreSQL), which must already hold
   dossiers (make demo-large);
2. the physical reference: pgbench's simple-update TPS on a scratch database of the same server
   (skipped with a note when pgbench is missing);
3. gunicorn with 2 x cores sync workers (DEBUG off, MFA for officials off, the lookup's
   per-address limit lifted: bench/settings.py) on a free port;
4. every account the scenarios need signs in once through the login form (not measured), then
   locust headless (bench/.venv), one scenario at a time, at each user count for --seconds,
   each run once gunicorn is idle again; "healthz" is the trivial Django view reference;
5. one table on stdout and bench/results/<timestamp>.json.
"""

import argparse
import csv
import http.cookiejar
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LOCUST = str(BENCH / ".venv" / "bin" / "locust")

# (key, user class, kind, what it is); kind "read" or "write"; class None = not built yet.
SCENARIOS = [
    ("healthz", "Healthz", "reference", "trivial Django view, no database (/healthz)"),
    ("lookup", "Lookup", "read", "public lookup by code (/tra-cuu/?ma=)"),
    ("procedure_search", "ProcedureSearch", "read", "procedure search (/thu-tuc/?q=)"),
    ("worklist", "Worklist", "read", "officer worklist, whole agency (/can-bo/ho-so/)"),
    ("dossier_open", "DossierOpen", "read", "officer opens a dossier (/can-bo/ho-so/<code>/)"),
    ("my_dossiers", "MyDossiers", "read", "citizen's dossiers (/ho-so-cua-toi/)"),
    ("api_dossiers", "ApiDossiers", "read", "API dossier list, token (/api/v1/dossiers)"),
    ("submit", "Submit", "write", "online submission, 3 attachments (/nop-ho-so/<code>/)"),
    ("accept", "Accept", "write", "accept an online dossier (back-office act form)"),
    ("forward", "Forward", "write", "forward to the next step (back-office act form)"),
    ("statistics", "Statistics", "statistics", "statistics table, province, 365 days"),
    ("transparency", "Transparency", "statistics", "public transparency page, cached"),
    ("verify_result", "VerifyResult", "read", "verify a signed result PDF (POST /api/v1/verify)"),
    ("sign_result", "SignResult", "write", "leader signs a result, PAdES B-LT (API, PIN)"),
]
# Who signs in for a scenario: fixture keys of prepare.py ("citizens": one per user).
ACCOUNTS = {
    "worklist": "officer",
    "dossier_open": "officer",
    "statistics": "officer",
    "my_dossiers": "citizen",
    "submit": "citizens",
    "accept": "reception",
    "forward": "reception",
}
POOLED = ("accept", "forward")
SIGNING = ("sign_result", "verify_result")  # data made by bench/prepare_signing.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="per scenario and user count")
    parser.add_argument("--users", default="1,16", help="concurrent users, comma-separated")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--only", default="", help="comma-separated scenario keys")
    parser.add_argument("--label", default="", help="a label saved with the results")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a run had failed requests or completed none (the CI smoke)",
    )
    parser.add_argument(
        "--pool-rate",
        type=float,
        default=40,
        help="dossiers per second of run to prepare for each pooled write scenario",
    )
    parser.add_argument(
        "--sign-rate",
        type=float,
        default=20,
        help="results per second of run to prepare for sign_result (a signature is slower)",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "make bench needs DATABASE_URL=postgres://… (the database to measure)", file=sys.stderr
        )
        return 2
    users = [int(u) for u in args.users.split(",") if u]
    wanted = {k for k in args.only.split(",") if k}
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    env = server_env()

    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", "--ignore", "scss"], env)
    fixture = results_dir / f"fixture-{stamp}.json"
    keys = [key for key, *_ in SCENARIOS if not wanted or key in wanted]
    pool_size = max(math.ceil(args.seconds * args.pool_rate), 2 * max(users))
    sign_pool_size = max(math.ceil(args.seconds * args.sign_rate), 2 * max(users))
    prepared = subprocess.run(
        [
            PYTHON,
            str(BENCH / "prepare.py"),
            "--citizens",
            str(max(users)),
            "--pools",
            ",".join(key for key in POOLED if key in keys),
            "--runs",
            ",".join(map(str, users)),
            "--pool-size",
            str(pool_size),
            "--signing",
            ",".join(key for key in SIGNING if key in keys),
            "--sign-pool-size",
            str(sign_pool_size),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    fixture.write_text(prepared.stdout)
    info = json.loads(prepared.stdout)
    report: dict = {
        "started": stamp,
        "label": args.label,
        "machine": machine(info["database"]),
        "dossiers": info["dossiers"],
        "seconds_per_run": args.seconds,
        "gunicorn_workers": args.workers,
        "pgbench": pgbench(url, max(args.seconds, 5)),
        "pools": {
            "per_run": pool_size if any(key in keys for key in POOLED) else 0,
            "created": info.get("pool_created", {}),
            "seconds_to_create": info.get("pool_seconds", 0),
            "sign_result_per_run": sign_pool_size if "sign_result" in keys else 0,
            "sign_result_created": info.get("sign_pool_created", 0),
            "sign_result_seconds_to_create": info.get("sign_pool_seconds", 0),
        },
        "scenarios": [],
    }
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "config.wsgi",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{host}/healthz", server)
        info["sessions"] = sign_in_all(host, info, keys)
        fixture.write_text(json.dumps(info))
        for key, user_class, kind, what in SCENARIOS:
            if wanted and key not in wanted:
                continue
            row: dict = {"scenario": key, "kind": kind, "what": what, "runs": []}
            if user_class is not None:
                for n in users:
                    settle(server.pid)
                    row["runs"].append(locust(host, user_class, key, n, args.seconds, fixture))
            report["scenarios"].append(row)
    finally:
        server.terminate()
        server.wait(timeout=30)
        fixture.unlink(missing_ok=True)
    out = results_dir / f"{stamp}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(table(report))
    print(f"\nSaved {out.relative_to(ROOT)}")
    broken = failed_runs(report)
    if args.strict and broken:
        print(f"Runs with failures or no completed request: {', '.join(broken)}", file=sys.stderr)
        return 1
    return 0


def failed_runs(report: dict) -> list[str]:
    """The runs (scenario@users) that failed requests or completed none."""
    return [
        f"{row['scenario']}@{run_['users']}"
        for row in report["scenarios"]
        for run_ in row["runs"]
        if run_.get("error") or run_.get("failures")
    ]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": env.get("BENCH_SECRET_KEY", "bench-only-" + "x" * 50),
        "MOTCUA_OFFICIAL_MFA_REQUIRED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
    }
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"gunicorn exited: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def settle(master: int, timeout: float = 120) -> None:
    """Wait until gunicorn is idle: when locust stops, the requests it sent last (slow writes
    queue for seconds at 16 users) are still being served and would slow the next run down.
    Idle = the master and its workers used under 20 ms of CPU in the last half second."""
    deadline = time.monotonic() + timeout
    before = _cpu_ticks(master)
    while before is not None and time.monotonic() < deadline:
        time.sleep(0.5)
        now = _cpu_ticks(master)
        if now is None or now - before <= 2:
            return
        before = now


def _cpu_ticks(master: int) -> int | None:
    """User and system CPU ticks (1/100 s) of `master` and its children; None without /proc."""
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if stat.parent.name == str(master) or fields[1] == str(master):
            total += int(fields[11]) + int(fields[12])
            found = True
    return total if found else None


def sign_in_all(host: str, info: dict, keys: list[str]) -> dict[str, dict[str, str]]:
    """Sign every account the scenarios `keys` need in once, through the login form as a browser
    does; their session and CSRF cookies go into the fixture (locustfile.Base.login)."""
    names: list[str] = []
    for key in keys:
        account = ACCOUNTS.get(key)
        if account is not None:
            found = info.get(account) or []
            names += [found] if isinstance(found, str) else found
    return {name: sign_in(host, name, info["password"]) for name in dict.fromkeys(names)}


def sign_in(host: str, username: str, password: str) -> dict[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = f"{host}/tai-khoan/login/"
    opener.open(page, timeout=30).read()
    token = next((c.value for c in jar if c.name == "csrftoken"), "")
    form = {"login": username, "password": password, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        page, data=urlencode(form).encode(), headers={"Referer": page}, method="POST"
    )
    opener.open(request, timeout=30).read()
    cookies = {c.name: str(c.value) for c in jar if c.name in ("sessionid", "csrftoken")}
    if "sessionid" not in cookies:
        raise SystemExit(f"{username} could not sign in at {page}")
    return cookies


def machine(database: str) -> dict:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = names[0] if names else cpu
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": database,
    }


def pgbench(url: str, seconds: int) -> dict:
    """simple-update TPS, 16 clients, on a scratch database (scale 10) of the same server."""
    if shutil.which("pgbench") is None:
        return {"skipped": "pgbench is not installed"}
    parts = urlsplit(url)
    scratch = (parts.path.lstrip("/") or "motcua") + "_pgbench"
    conn = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    conn += ["-U", parts.username or "postgres"]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    subprocess.run(["dropdb", *conn, "--if-exists", scratch], env=env, check=True)
    subprocess.run(["createdb", *conn, scratch], env=env, check=True)
    try:
        subprocess.run(
            ["pgbench", *conn, "-i", "-q", "-s", "10", scratch],
            env=env,
            check=True,
            capture_output=True,
        )
        done = subprocess.run(
            [
                "pgbench",
                *conn,
                "-b",
                "simple-update",
                "-c",
                "16",
                "-j",
                "2",
                "-T",
                str(seconds),
                scratch,
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        subprocess.run(["dropdb", *conn, "--if-exists", scratch], env=env)
    tps = re.search(r"tps = ([\d.]+)", done.stdout)
    return {
        "builtin": "simple-update",
        "clients": 16,
        "scale": 10,
        "seconds": seconds,
        "tps": float(tps.group(1)) if tps else None,
    }


def locust(host: str, user_class: str, key: str, users: int, seconds: int, fixture: Path) -> dict:
    prefix = BENCH / "results" / f".locust-{key}-{users}"
    env = dict(os.environ, BENCH_FIXTURE=str(fixture), BENCH_USERS=str(users))
    subprocess.run(
        [
            LOCUST,
            "-f",
            str(BENCH / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            user_class,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stats = Path(f"{prefix}_stats.csv")
    row = next((r for r in csv.DictReader(stats.open()) if r["Name"] == key), None)
    problems = [
        f"{r.get('Occurrences') or r.get('Count', '')}× {r.get('Error') or r.get('Message', '')}"
        for suffix in ("_failures.csv", "_exceptions.csv")
        if Path(f"{prefix}{suffix}").exists()
        for r in csv.DictReader(Path(f"{prefix}{suffix}").read_text().splitlines())
    ]
    for suffix in ("_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"):
        Path(f"{prefix}{suffix}").unlink(missing_ok=True)
    if row is None:
        return {"users": users, "error": "no requests completed", "problems": problems[:5]}
    count, failures = int(row["Request Count"]), int(row["Failure Count"])
    return {
        "users": users,
        "requests": count,
        "failures": failures,
        "problems": problems[:5],
        "rps": round(float(row["Requests/s"]), 1),
        "median_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
    }


def table(report: dict) -> str:
    lines = [
        f"MotCua benchmark {report['started']}: {report['dossiers']:,} dossiers, "
        f"{report['gunicorn_workers']} gunicorn workers, {report['seconds_per_run']} s per run",
        f"Machine: {report['machine']['cores']} cores, {report['machine']['memory']}, "
        f"{report['machine']['database']}",
    ]
    pg = report["pgbench"]
    lines.append(
        f"pgbench simple-update, 16 clients: {pg['tps']:,.0f} TPS"
        if pg.get("tps")
        else f"pgbench: {pg.get('skipped', 'no result')}"
    )
    columns = ("req/s", "median", "p95", "p99")
    head = f"{'scenario':<18} {'users':>5} " + " ".join(f"{c:>8}" for c in columns)
    head += f" {'errors':>7}"
    lines += ["", head, "-" * len(head)]
    for row in report["scenarios"]:
        if not row["runs"]:
            lines.append(f"{row['scenario']:<18} {'':>5} not built yet")
            continue
        for run_ in row["runs"]:
            if "error" in run_:
                lines.append(f"{row['scenario']:<18} {run_['users']:>5} {run_['error']}")
                continue
            errors = run_["failures"] / run_["requests"] if run_["requests"] else 0
            lines.append(
                f"{row['scenario']:<18} {run_['users']:>5} {run_['rps']:>8.1f} "
                f"{run_['median_ms']:>6.0f}ms {run_['p95_ms']:>6.0f}ms {run_['p99_ms']:>6.0f}ms "
                f"{errors:>6.1%}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
