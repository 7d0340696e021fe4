"""Administrators see every periodic job's last run and schedule; nobody edits them by hand."""

import pytest
from django.urls import reverse

from motcua.notifications.models import PeriodicJob

pytestmark = pytest.mark.django_db


def test_the_admin_lists_the_jobs_last_runs_read_only(admin_client):
    PeriodicJob.objects.update_or_create(
        name="notifications.orphan_attachments",
        defaults={"last_outcome": PeriodicJob.Outcome.OK, "last_summary": "3 deleted"},
    )
    PeriodicJob.objects.update_or_create(name="gone.job")
    page = admin_client.get(reverse("admin:notifications_periodicjob_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "notifications.orphan_attachments" in text and "3 deleted" in text
    assert "02:00" in text  # its schedule, from the registry
    job = PeriodicJob.objects.get(name="notifications.orphan_attachments")
    change = admin_client.get(reverse("admin:notifications_periodicjob_change", args=[job.pk]))
    assert change.status_code == 200
    assert b'name="last_summary"' not in change.content  # read-only: no input
    assert admin_client.get(reverse("admin:notifications_periodicjob_add")).status_code == 403
