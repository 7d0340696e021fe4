"""Attachments stored by an act that rolled back are removed by the daily job once old enough;
those of queued messages stay."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction

from motcua.notifications import periodic
from motcua.notifications.services import (
    Attachment,
    enqueue_email,
    orphan_attachments_delete,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a slip\n%%EOF\n"


class RolledBack(Exception):
    pass


def enqueue(key: str, *, commit: bool) -> None:
    try:
        with transaction.atomic():
            enqueue_email(
                key=key,
                to="binh@example.vn",
                subject="Phiếu",
                body="Kính gửi",
                attachments=[Attachment("phieu.pdf", PDF, "application/pdf")],
            )
            if not commit:
                raise RolledBack
    except RolledBack:
        pass


def stored(key: str) -> list[str]:
    try:
        return default_storage.listdir(f"notifications/{key}")[1]
    except FileNotFoundError:
        return []


def test_nothing_to_do_without_attachments(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert orphan_attachments_delete() == "no attachments"


def test_a_rolled_back_acts_attachment_is_removed_once_old_enough(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enqueue("orphan-1", commit=False)
    enqueue("kept-1", commit=True)
    assert stored("orphan-1") == ["phieu.pdf"]

    # Times by the storage's own clock (the file system's, which the tests' travelling clock
    # does not move): a minute after the file was written it is young and may belong to a
    # transaction still running, so it is left alone; two hours after, it goes.
    written = default_storage.get_modified_time("notifications/orphan-1/phieu.pdf")
    soon = written + timedelta(minutes=1)
    assert orphan_attachments_delete(now=soon) == "0 orphaned attachment(s) deleted"
    assert stored("orphan-1") == ["phieu.pdf"]

    later = written + timedelta(hours=2)
    assert orphan_attachments_delete(now=later) == "1 orphaned attachment(s) deleted"
    assert stored("orphan-1") == []
    assert stored("kept-1") == ["phieu.pdf"]
    # Idempotent.
    assert orphan_attachments_delete(now=later) == "0 orphaned attachment(s) deleted"


def test_the_cleanup_is_a_daily_periodic_job():
    job = periodic.get_job("notifications.orphan_attachments")
    assert job.daily_at is not None
    assert job.every is None
