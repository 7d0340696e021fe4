"""Profile one benchmark read scenario in-process with pyinstrument (docs/performance.md).

Runs the scenario's request N times through Django's test client (the whole middleware stack,
no network, no gunicorn), signed in as the account the scenario uses in `make bench`, against
the database of DATABASE_URL with the benchmark's settings (bench/settings.py, DEBUG off, MFA for
officials off). Run bench/prepare.py (or `make bench`) on that database first: it creates the
benchmark officer. Prints:

- the mean time per request (a first pass without the profiler) and the time spent in SQL
  (a `connection.execute_wrapper` timing every statement), with the statements per request;
- pyinstrument's split of the sampled time (a second pass of N requests): SQL (under a
  database cursor), templates (under django.template, SQL excluded) and the rest (Python:
  views, ORM, forms, middleware, ...);
- the top frames by own time and the top MotCua frames by total time (middleware left out).

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m \\
      .venv/bin/python bench/profile_view.py worklist --requests 50 [--html out.html]

Scenarios: worklist, dossier_open, my_dossiers, lookup, procedure_search, api_dossiers.
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("MOTCUA_OFFICIAL_MFA_REQUIRED", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

WORDS = ["khai sinh", "kết hôn", "đất đai", "hộ tịch", "chứng thực", "giấy phép", "đăng ký"]
SCENARIOS = {
    # key: (account, url or None for a per-request url)
    "worklist": ("bench_officer", "/can-bo/ho-so/?list=agency"),
    "dossier_open": ("bench_officer", None),
    "my_dossiers": ("congdan", "/ho-so-cua-toi/"),
    "lookup": (None, None),
    "procedure_search": (None, None),
    "api_dossiers": (None, "/api/v1/dossiers"),
}


class SqlTimer:
    """Times every SQL statement run through Django's connection."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--html", default="", help="also write pyinstrument's HTML report here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier

    account, fixed = SCENARIOS[args.scenario]
    client = Client()
    headers: dict[str, str] = {}
    if account:
        user = User.objects.get(username=account)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    if args.scenario == "api_dossiers":
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("api_token", "bench_officer", stdout=out)
        headers["Authorization"] = f"Token {out.getvalue().strip()}"
    rng = random.Random(args.seed)
    codes: list[str] = []
    if fixed is None and args.scenario != "procedure_search":
        officer = User.objects.get(username="bench_officer")
        agency_ids = officer.memberships.values_list("agency_id", flat=True)
        top = Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        wanted = {rng.randint(1, top) for _ in range(400)}
        codes = list(
            Dossier.objects.filter(pk__in=wanted, receiving_agency_id__in=agency_ids)
            .exclude(code=None)
            .values_list("code", flat=True)
        )

    def url() -> str:
        if fixed:
            return fixed
        if args.scenario == "procedure_search":
            return f"/thu-tuc/?q={rng.choice(WORDS)}"
        if args.scenario == "lookup":
            return f"/tra-cuu/?ma={rng.choice(codes)}"
        return f"/can-bo/ho-so/{rng.choice(codes)}/"

    def get() -> None:
        response = client.get(url(), headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{args.scenario}: HTTP {response.status_code}")

    for _ in range(args.warmup):
        get()
    sql = SqlTimer()
    with connection.execute_wrapper(sql):
        start = time.perf_counter()
        for _ in range(args.requests):
            get()
        wall = time.perf_counter() - start
    profiler = Profiler(interval=0.0005)
    profiler.start()
    profiled = time.perf_counter()
    for _ in range(args.requests):
        get()
    profiled = time.perf_counter() - profiled
    profiler.stop()
    n = args.requests
    print(f"{args.scenario}: {n} requests, {Dossier.objects.count():,} dossiers")
    print(
        f"  per request: {1000 * wall / n:.1f} ms without the profiler, "
        f"{1000 * profiled / n:.1f} ms with it"
    )
    print(
        f"  SQL (timed around each statement): {1000 * sql.seconds / n:.1f} ms, "
        f"{sql.count / n:.1f} statements per request ({100 * sql.seconds / wall:.0f} %)"
    )
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is None:
        return 1
    print_split(root)
    print_top(root, args.top)
    if args.html:
        Path(args.html).write_text(profiler.output_html())
        print(f"\nHTML: {args.html}")
    return 0


def _own(frame) -> float:  # type: ignore[no-untyped-def]
    return frame.time - sum(child.time for child in frame.children if not child.is_synthetic)


def _walk(frame, stack=()):  # type: ignore[no-untyped-def]
    """Yield (frame, ancestors) over the non-synthetic frames."""
    yield frame, stack
    for child in frame.children:
        if not child.is_synthetic:
            yield from _walk(child, (*stack, frame))


def _is_sql(frame) -> bool:  # type: ignore[no-untyped-def]
    path = frame.file_path or ""
    return "/psycopg" in path or (
        "django/db/backends" in path and frame.function in ("execute", "executemany", "_execute")
    )


def _is_template(frame) -> bool:  # type: ignore[no-untyped-def]
    path = frame.file_path or ""
    return "django/template/" in path or "/templatetags/" in path


def print_split(root) -> None:  # type: ignore[no-untyped-def]
    split: dict[str, float] = defaultdict(float)
    for frame, stack in _walk(root):
        chain = (*stack, frame)
        if any(_is_sql(f) for f in chain):
            kind = "SQL (database cursor)"
        elif any(_is_template(f) for f in chain):
            kind = "templates (without their SQL)"
        else:
            kind = "Python (views, ORM, forms, middleware, ...)"
        split[kind] += _own(frame)
    total = root.time or 1
    print("  pyinstrument split of the sampled time:")
    for kind, seconds in sorted(split.items(), key=lambda item: -item[1]):
        print(f"    {100 * seconds / total:5.1f} %  {kind}")


def print_top(root, top: int) -> None:  # type: ignore[no-untyped-def]
    own: dict[str, float] = defaultdict(float)
    app: dict[str, float] = defaultdict(float)
    for frame, stack in _walk(root):
        name = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        own[name] += _own(frame)
        path = frame.file_path or ""
        if (
            "/motcua/" in path
            and not path.endswith("middleware.py")  # wraps every request: ~100 %
            and not any(f.identifier == frame.identifier for f in stack)
        ):
            app[name] += frame.time
    total = root.time or 1
    print(f"  top {top} frames by own time:")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1])[:top]:
        print(f"    {100 * seconds / total:5.1f} %  {name}")
    print(f"  top {top} MotCua frames by total time:")
    for name, seconds in sorted(app.items(), key=lambda item: -item[1])[:top]:
        print(f"    {100 * seconds / total:5.1f} %  {name}")


if __name__ == "__main__":
    sys.exit(main())
