"""The short reference of online submissions (dossiers.references) and the migration that
gives one to the online dossiers already waiting for acceptance."""

import importlib

import pytest
from django.apps import apps

from motcua.catalogue.constants import Channel
from motcua.dossiers import references
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_register

from .conftest import receive

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "motcua.dossiers.migrations.0011_dossier_reference_and_delivery"
)


@pytest.mark.parametrize(
    ("typed", "normalised", "well_formed"),
    [
        ("K7MW2QXD", "K7MW2QXD", True),
        (" k7mw-2qxd ", "K7MW2QXD", True),
        ("K7MW 2QXD", "K7MW2QXD", True),
        ("K7MW2QX0", "K7MW2QX0", False),  # 0 is not in the alphabet
        ("K7MW2QX", "K7MW2QX", False),
        ("000.00.01.H49-260302-0001", "", False),  # a dossier code
    ],
)
def test_references_as_typed(typed, normalised, well_formed):
    if well_formed:
        assert references.normalise_reference(typed) == normalised
    assert references.reference_is_well_formed(references.normalise_reference(typed)) is well_formed


def test_the_migration_gives_a_reference_to_online_dossiers_waiting(province):
    waiting = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )
    at_the_counter = receive(province)
    migration.fill_references(apps, None)
    waiting.refresh_from_db()
    at_the_counter.refresh_from_db()
    assert references.reference_is_well_formed(waiting.reference)
    assert at_the_counter.reference is None  # it has its code
    before = waiting.reference
    migration.fill_references(apps, None)  # again: nothing changes
    assert Dossier.objects.get(pk=waiting.pk).reference == before
