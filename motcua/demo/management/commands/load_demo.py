from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import Agency
from motcua.demo.seed import DEMO_PASSWORD, DEMO_USERS, SeedReport, seed


class Command(BaseCommand):
    help = (
        "Load what the demo province (Quảng Ninh) lacks: agencies, the procedure catalogue, "
        "demo users, internal processes and dossiers. Existing rows are never changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument(
            "--no-dossiers", action="store_true", help="do not generate the demo dossiers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is for development; use --force to load it anyway.")
        report = seed(dossiers=not options["no_dossiers"])
        with translation.override("vi"):
            self.stdout.write(self.style.SUCCESS(_summary(report)))
            self.stdout.write(_banner())


def _summary(report: SeedReport) -> str:
    counts = {
        "agencies": report.agencies,
        "procedures": report.procedures,
        "users": len(report.users),
        "processes": report.processes,
        "dossiers": report.dossiers,
    }
    if not any(counts.values()):
        return _("The demo data is already there; nothing was changed.")
    return (
        _(
            "Demo data loaded: %(agencies)s agencies, %(procedures)s procedures, "
            "%(users)s accounts, %(processes)s internal processes, %(dossiers)s dossiers."
        )
        % counts
    )


def _banner() -> str:
    """The demo users as an aligned table (NFC text: one code point a letter)."""
    names = dict(Agency.objects.values_list("slug", "short_name"))
    rows = [(_("User name"), _("Role"), _("Agency"), _("Full name"))]
    for demo in DEMO_USERS:
        role = str(Role(demo.role).label) if demo.role else _("Citizen")
        agency = names.get(demo.agency or "", "")
        if demo.note:  # where the official sits, when it is not the agency (the centre)
            agency = _("%(agency)s (at %(place)s)") % {"agency": agency, "place": names[demo.note]}
        rows.append((demo.username, role, agency, demo.full_name))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [_("Demo accounts (one password for all: %(password)s):") % {"password": DEMO_PASSWORD}]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        lines.append("  " + "  ".join([*cells, row[3]]).rstrip())
    return "\n".join(lines)
