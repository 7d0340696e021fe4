"""The transparency page counts once: `statistics_tables` (one count by receiving agency and
procedure, folded) gives exactly the tables `statistics_table` gives, for every grouping, scope,
roll-up, period and comparison mode; and the page's ratings, read once by (agency, procedure),
fold into the same agency and field numbers as counting them per agency and per field."""

from datetime import date, timedelta

import pytest
from django.db.models import Q
from freezegun import freeze_time

from motcua.accounts.constants import Role
from motcua.core.errors import ValidationFailed
from motcua.dossiers.constants import Act
from motcua.dossiers.models import Rating
from motcua.dossiers.ratings import dossier_rate
from motcua.dossiers.tests.conftest import vn
from motcua.reporting.statistics import (
    GROUP_BY,
    period_bounds,
    statistics_table,
    statistics_tables,
)
from motcua.reporting.transparency import SATISFIED, transparency_data

from .conftest import act, build_tree, counter
from .outcomes import build_march
from .test_statistics import build

pytestmark = pytest.mark.django_db
PERIODS = [
    (date(2026, 2, 1), date(2026, 3, 31)),
    (date(2026, 3, 1), date(2026, 3, 31)),
    (date(2026, 2, 10), date(2026, 2, 10)),
    (date(2026, 4, 1), date(2026, 4, 30)),
]


@pytest.mark.parametrize("mode", ["date", "time"])
def test_one_count_gives_every_table(tree, settings, mode):
    settings.MOTCUA_JUDGEMENT_LEVEL = mode
    build(tree)
    for agency in (None, tree.top, tree.district, tree.province.commune):
        for start, end in PERIODS:
            for roll_up in (True, False):
                tables = statistics_tables(agency=agency, start=start, end=end, roll_up=roll_up)
                assert set(tables) == set(GROUP_BY)
                for grouping in GROUP_BY:
                    one = statistics_table(
                        agency=agency, start=start, end=end, group_by=grouping, roll_up=roll_up
                    )
                    assert tables[grouping] == one, (agency, start, end, roll_up, grouping)


def test_only_the_groupings_asked_for(tree):
    build(tree)
    start, end = PERIODS[0]
    tables = statistics_tables(agency=None, start=start, end=end, group_by=("field",))
    assert list(tables) == ["field"]
    assert tables["field"].total.counts() == (
        statistics_table(agency=None, start=start, end=end).total.counts()
    )


@pytest.mark.parametrize(
    ("start", "end", "group_by"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), ("week",)),
        (date(2026, 3, 1), date(2026, 3, 31), ("agency", "week")),
        (date(2026, 3, 1), date(2026, 3, 31), ()),
        (date(2026, 3, 31), date(2026, 3, 1), ("agency",)),
        (date(2025, 1, 1), date(2026, 3, 31), ("agency",)),
    ],
)
def test_bad_groupings_and_periods_are_refused(tree, start, end, group_by):
    with pytest.raises(ValidationFailed):
        statistics_tables(agency=None, start=start, end=end, group_by=group_by)


def _rated_civil_dossier(tree):
    """A birth registration (field "Hộ tịch") at the commune, resolved, returned and rated very
    satisfied in March."""
    p = tree.province
    dossier = counter(tree, vn(2026, 3, 2, 8), procedure=tree.civil)
    dossier = act(tree, dossier, Act.FORWARD, Role.RECEPTION_OFFICER, vn(2026, 3, 2, 9))
    dossier = act(tree, dossier, Act.FINISH, Role.LEADER, vn(2026, 3, 3, 9), result_number="2/KS")
    dossier = act(
        tree,
        dossier,
        Act.RETURN_RESULT,
        Role.RECEPTION_OFFICER,
        vn(2026, 3, 3, 10),
        return_method="counter",
        recipient_name="Nguyễn Văn An",
    )
    with freeze_time(vn(2026, 3, 21, 10)):
        dossier_rate(dossier=dossier, actor=p.users["citizen"], overall="very_satisfied")
    return dossier


def test_ratings_fold_into_agencies_and_fields(settings):
    settings.MOTCUA_TRANSPARENCY_CACHE_SECONDS = 0
    tree = build_tree()
    build_march(tree.province)  # two ratings of land dossiers (Đất đai), one satisfied
    _rated_civil_dossier(tree)
    data = transparency_data(kind="month", today=date(2026, 3, 31))
    fields = {line.row.label: (line.rated, line.satisfied) for line in data.fields}
    assert fields == {"Đất đai": (2, 1), "Hộ tịch": (1, 1)}
    agencies = {line.row.key: (line.rated, line.satisfied) for line in data.agencies}
    assert agencies[tree.top.pk] == (3, 2)  # the commune's, through the district, to the top
    assert (data.total.rated, data.total.satisfied) == (3, 2)
    # The same as counting them per field, as the page did before.
    begin, stop = period_bounds(date(2026, 3, 1), date(2026, 3, 31))
    ratings = Rating.objects.filter(rated_at__gte=begin, rated_at__lt=stop)
    for line in data.fields:
        mine = ratings.filter(dossier__procedure__field_id=line.row.key)
        assert line.rated == mine.count()
        assert line.satisfied == mine.filter(Q(overall__in=SATISFIED)).count()
    # A later month has none of them.
    later = transparency_data(kind="month", today=date(2026, 3, 31) + timedelta(days=31))
    assert later.total.rated == 0
    assert all(line.rated == 0 for line in (*later.fields, *later.agencies))
