"""Parts the slips share (docs/slips.md): moments in the forms' wordings, the place name of
the date line, and the legal time as the receipt states it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.constants import AgencyKind
from motcua.accounts.models import Agency
from motcua.deadlines.calendar import local

PLACE_BLANK = "……"
# "Ủy ban nhân dân tỉnh Quảng Ninh" -> "Quảng Ninh": the governing body's words, then the
# kind of unit (a province or a centrally-run city).
PLACE_PREFIXES = ("Ủy ban nhân dân ", "UBND ")
PLACE_UNITS = ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố ")


@dataclass(frozen=True)
class Moment:
    """A moment in Vietnam time, in the forms' wordings."""

    at: datetime

    @classmethod
    def of(cls, moment: datetime | None) -> "Moment | None":
        return cls(local(moment)) if moment is not None else None

    @property
    def parts(self) -> dict[str, str]:
        return {
            "hour": f"{self.at:%H}",
            "minute": f"{self.at:%M}",
            "day": f"{self.at:%d}",
            "month": f"{self.at:%m}",
            "year": f"{self.at:%Y}",
            "date": self.date,
        }

    @property
    def date(self) -> str:
        return f"{self.at:%d/%m/%Y}"

    @property
    def dated(self) -> str:
        """The date line under the national motto: "ngày 02 tháng 03 năm 2026"."""
        return _("Date: %(day)s/%(month)s/%(year)s") % self.parts

    def dated_in(self, place: str) -> str:
        """The date line with the place name (địa danh): "Quảng Ninh, ngày 02 tháng 03 năm
        2026"; a dotted space for the clerk when the place is not known."""
        return f"{place or PLACE_BLANK}, {self.dated}"

    @property
    def long(self) -> str:
        """ "08 giờ 00 phút, ngày 02 tháng 03 năm 2026" (the receipt's wording)."""
        return _("%(hour)s:%(minute)s on %(day)s/%(month)s/%(year)s") % self.parts

    @property
    def medium(self) -> str:
        """ "08 giờ 00 phút, ngày 02/03/2026"."""
        return _("%(hour)s:%(minute)s on %(date)s") % self.parts

    @property
    def short(self) -> str:
        """ "08:00 02/03/2026", for table cells."""
        return f"{self.at:%H:%M} {self.date}"


def place_name(agency: Agency) -> str:
    """The place name (địa danh) of the date line: the province the agency belongs to, read
    from the name of the provincial People's Committee at the top of its tree ("Quảng Ninh");
    empty when the tree has none (the slip then leaves a dotted space)."""
    top, seen = agency, {agency.pk}
    while top.parent_id is not None and top.parent_id not in seen:
        seen.add(top.parent_id)
        top = top.parent  # type: ignore[assignment]
    if top.kind != AgencyKind.PROVINCE_PC:
        return ""
    name = top.name.strip()
    for prefix in PLACE_PREFIXES:
        name = name.removeprefix(prefix)
    for unit in PLACE_UNITS:
        name = name.removeprefix(unit)
    return name.strip()


def legal_time_text(legal_time: dict[str, Any] | None, *, same_day: str | None = None) -> str:
    """The legal time stored at acceptance, as the receipt states it ("5 ngày làm việc");
    empty when the procedure states none. `same_day` words a time of zero days (default:
    "within the day")."""
    if not legal_time:
        return ""
    days, hours = legal_time.get("working_days"), legal_time.get("working_hours")
    calendar_days = legal_time.get("calendar_days")
    if days == 0 or calendar_days == 0:
        return same_day or _("within the day")
    if days is not None:
        return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}
    if hours is not None:
        return ngettext("%(n)d working hour", "%(n)d working hours", hours) % {"n": hours}
    if calendar_days is not None:
        return ngettext("%(n)d day", "%(n)d days", calendar_days) % {"n": calendar_days}
    return ""
