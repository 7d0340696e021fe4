"""`make bench-webhooks`: the time from a dossier act's commit to its webhook's arrival.

1. A scratch database `<DATABASE_URL name>_webhook_bench` on the same PostgreSQL server, created
   and migrated here and dropped at the end; a small province, a published process and one
   webhook subscription to every event ("*") pointing at a local receiver
   (motcua.notifications.fake_servers.WebhookReceiver, 127.0.0.1, answers 200 at once);
2. `manage.py worker --interval <s>` in a separate process, as `make run` starts it;
3. N counter intakes through the dossier services (`dossier_receive`: register, then accept:
   two audit events, two webhooks each), one every --pause seconds, so the measure is the
   pipeline's latency, not a backlog;
4. for each event: the arrival time at the receiver minus the time its transaction committed;
   median, p95 and max on stdout and in bench/results/webhook-latency-<timestamp>.json.

The worker polls the task queue every --interval seconds (the django-tasks-db worker in batch
mode, then a sleep), so the latency is about half that interval plus the delivery itself.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP"] = "true"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=40, help="counter intakes (2 events each)")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between intakes")
    parser.add_argument("--interval", type=float, default=1.0, help="the worker's --interval")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/webhook_latency.py needs DATABASE_URL=postgres://...", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import setup_databases, teardown_databases

    from motcua.dossiers.tests.conftest import build_province, publish_process, receive
    from motcua.notifications.fake_servers import WebhookReceiver
    from motcua.notifications.models import WebhookSubscription

    database = settings.DATABASES["default"]
    scratch = f"{database['NAME']}_webhook_bench"
    database["TEST"] = {**database.get("TEST", {}), "NAME": scratch}
    print(f"creating and migrating {scratch} …", flush=True)
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    receiver = WebhookReceiver().start()
    worker = None
    try:
        province = build_province()
        publish_process(province)
        subscription = WebhookSubscription.objects.create(
            name="Latency benchmark", url=receiver.url, event_types=["*"]
        )
        parts = urlsplit(url)
        env = os.environ | {
            "DATABASE_URL": urlunsplit(parts._replace(path="/" + scratch)),
            "MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP": "true",
        }
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", str(args.interval)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(3)  # the worker's start-up (imports, first poll)
        connection.close()

        committed: dict[str, float] = {}  # delivery id -> commit time
        from motcua.core.models import AuditEvent

        for _ in range(args.acts):
            last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            with transaction.atomic():
                receive(province)
            done = time.time()
            for pk in AuditEvent.objects.filter(
                pk__gt=last, action__startswith="dossier."
            ).values_list("pk", flat=True):
                committed[f"webhook-{subscription.pk}-{pk}"] = done
            time.sleep(args.pause)

        deadline = time.time() + 60
        while time.time() < deadline:
            arrived = {a.header("X-MotCua-Delivery"): a.received_at for a in receiver.arrivals}
            if set(committed) <= set(arrived):
                break
            time.sleep(0.2)
        missing = set(committed) - set(arrived)
        latencies = [arrived[key] - at for key, at in committed.items() if key in arrived]
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        receiver.stop()
        connection.close()
        if not args.keep:
            teardown_databases(old, verbosity=0)

    result = {
        "at": datetime.now(UTC).isoformat(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "acts": args.acts,
        "events": len(committed),
        "worker_interval_s": args.interval,
        "pause_s": args.pause,
        "missing": len(missing),
        "median_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
        "max_ms": round(max(latencies) * 1000),
        "min_ms": round(min(latencies) * 1000),
    }
    out = ROOT / "bench" / "results" / f"webhook-latency-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{result['events']} webhooks (worker --interval {args.interval}s): "
        f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms"
        f"{f', {len(missing)} missing' if missing else ''} -> {out.relative_to(ROOT)}"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
