"""The Redis task backend (MOTCUA_TASKS_BACKEND=redis): an outbox message enqueued on it is
delivered by an RQ worker to the local SMTP server. Needs Redis on 127.0.0.1:6379 (CI has it):
skipped only when Redis is unreachable and not on CI."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django_rq.management.commands.rqworker import Command as RqWorker

from motcua.notifications.management.commands.worker import Command as Worker
from motcua.notifications.models import Message
from motcua.notifications.services import enqueue_email

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = "default"  # the tasks' queue; on a Redis database of its own (15)


def redis_reachable() -> bool:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except RedisError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("CI") and not redis_reachable(),
        reason="Redis is not reachable on 127.0.0.1:6379 (on CI this test must run)",
    ),
]


@pytest.fixture
def rq_tasks(settings):
    """Tasks go to Redis (database 15, so a developer's queue is left alone), emptied before
    and after."""
    import django_rq

    settings.RQ_QUEUES = {QUEUE: {"URL": REDIS_URL}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE]},
    }
    queue = django_rq.get_queue(QUEUE)
    queue.empty()
    yield queue
    queue.empty()


def test_an_outbox_message_is_delivered_by_an_rq_worker(smtp, rq_tasks):
    smtp.start()
    with transaction.atomic():
        enqueue_email(
            key="redis-1",
            to="an@example.vn",
            subject="Hồ sơ đã được tiếp nhận",
            body="Kính gửi ông Nguyễn Văn An.",
        )
    assert rq_tasks.count == 1  # on Redis once the transaction committed
    assert smtp.messages == []

    call_command(
        RqWorker(),
        QUEUE,
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",  # in this process, so it sees the test database
        verbosity=0,
    )

    [received] = smtp.messages
    assert received["Message-ID"] == "<redis-1@dichvucong.example.vn>"
    assert received["Subject"] == "Hồ sơ đã được tiếp nhận"
    assert Message.objects.get().status == Message.Status.SENT
    assert rq_tasks.count == 0


def test_the_documented_rqworker_command_delivers(smtp, rq_tasks, settings):
    """`MOTCUA_TASKS_BACKEND=redis manage.py rqworker default --job-class django_tasks_rq.Job`,
    as a separate process (RQ's forking worker) on the same PostgreSQL database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker subprocess needs a shared database (PostgreSQL)")
    smtp.start()
    with transaction.atomic():
        enqueue_email(key="redis-2", to="an@example.vn", subject="Thông báo", body="Nội dung.")
    assert rq_tasks.count == 1
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**database)
    if database.get("PASSWORD"):
        url = url.replace("@", f":{database['PASSWORD']}@", 1)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "MOTCUA_TASKS_BACKEND": "redis",
        "REDIS_URL": REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "MOTCUA_PUBLIC_URL": settings.MOTCUA_PUBLIC_URL,
    }
    command = ["manage.py", "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job"]
    worker = subprocess.run(
        [sys.executable, *command],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    assert [m["Message-ID"] for m in smtp.messages] == ["<redis-2@dichvucong.example.vn>"]
    assert Message.objects.get().status == Message.Status.SENT


def test_the_worker_command_leaves_tasks_to_rq(smtp, rq_tasks, capsys):
    """With the Redis backend `manage.py worker` runs only the sweep and the periodic jobs."""
    call_command(Worker(), "--once")
    assert "tasks run by RQ workers" in capsys.readouterr().out
