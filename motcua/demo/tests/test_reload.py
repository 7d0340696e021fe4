"""`make run` loads the demo each time: a second load adds only what is missing and never
undoes what an administrator changed."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from motcua.accounts.models import Agency, Membership, User
from motcua.catalogue.constants import Channel, OnlineType
from motcua.catalogue.models import Field, Procedure
from motcua.demo.seed import ADMIN_GROUP, DEMO_PASSWORD
from motcua.dossiers.models import Dossier
from motcua.workflow.models import Process

pytestmark = pytest.mark.django_db


@pytest.fixture
def load(settings):
    settings.DEBUG = True

    def run(*args):
        call_command("load_demo", *args, stdout=None)

    return run


def test_a_second_load_keeps_the_administrators_edits(load):
    load("--no-dossiers")
    birth = Procedure.objects.get(national_code="1.001193")
    birth.online_type = OnlineType.PARTIAL
    birth.save()
    birth.channels.filter(channel=Channel.POST).delete()
    commune = Agency.objects.get(slug="qn-phuonghalong")
    commune.identifier = "000.21.17.H49"
    commune.save()
    field = Field.objects.get(slug="civil-status")
    field.name = "Hộ tịch (đã sửa)"
    field.save()
    officer = User.objects.get(username="tiepnhanxa")
    officer.set_password("a-new-secret-2026")
    officer.save()
    Membership.objects.filter(user__username="chuyenvienxa").delete()
    group = Group.objects.get(name=ADMIN_GROUP)
    removed = group.permissions.get(codename="delete_procedure")
    group.permissions.remove(removed)
    Process.objects.filter(procedure=birth).delete()

    load()

    birth.refresh_from_db()
    assert birth.online_type == OnlineType.PARTIAL
    assert not birth.channels.filter(channel=Channel.POST).exists()
    assert Agency.objects.get(slug="qn-phuonghalong").identifier == "000.21.17.H49"
    assert Field.objects.get(slug="civil-status").name == "Hộ tịch (đã sửa)"
    officer.refresh_from_db()
    assert officer.check_password("a-new-secret-2026")
    assert not officer.check_password(DEMO_PASSWORD)
    assert not Membership.objects.filter(user__username="chuyenvienxa").exists()
    assert not group.permissions.filter(pk=removed.pk).exists()
    # Dossiers came in, numbered with the agency's code as the administrator set it.
    assert Dossier.objects.filter(code__startswith="000.21.17.H49-").exists()


def test_a_load_adds_only_what_is_missing(load):
    load("--no-dossiers")
    Agency.objects.get(slug="qn-dackhucoto").delete()
    Procedure.objects.get(national_code="2.000884").delete()
    leader = User.objects.get(username="lanhdaoxa")
    leader.signing_credentials.all().delete()  # kept from deletion with the user (PROTECT)
    leader.delete()
    agencies, procedures = Agency.objects.count(), Procedure.objects.count()

    load("--no-dossiers")

    assert Agency.objects.count() == agencies + 1
    assert Agency.objects.get(slug="qn-dackhucoto").parent.slug == "qn"
    assert Procedure.objects.count() == procedures + 1
    lanhdaoxa = User.objects.get(username="lanhdaoxa")
    assert lanhdaoxa.memberships.get().agency.slug == "qn-phuonghalong"


def test_dossiers_are_generated_only_into_a_database_without_dossiers(load):
    load()
    count = Dossier.objects.count()
    Dossier.objects.filter(status="registered").first().delete()
    load()
    assert Dossier.objects.count() == count - 1
