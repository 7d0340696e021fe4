"""The sets of official forms a one-stop desk prints, each with the date it took effect and its
legal basis (docs/slips.md, "Forms by effective date").

A dossier's slips use the set in force on the dossier's date: the day it was received
(accepted), else the day it was submitted, in Vietnam time. `FORM_SETS` is the one place to add
a set: a new circular is one more `FormSet` with its forms.

Each form is known by the slip kind it prints (`receipt`, `supplement`, `refusal`, `apology`,
`stop`, `control`, `register`); a set may lack a kind (the 2018 set has no stop notice), and
MotCua renders only the kinds `dossiers.slips` builds.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy

from motcua.deadlines.calendar import local


@dataclass(frozen=True)
class FormRef:
    """One form of a set: its number in the circular's appendix and its title."""

    number: str  # "01"
    title: Any  # lazy: an English msgid whose Vietnamese is the form's title


@dataclass(frozen=True)
class FormSet:
    key: str
    name: str  # the instrument, as cited (Vietnamese)
    regime: str  # the decree the circular implements (Vietnamese)
    basis: str  # printed under each slip's title; "{number}" is the form's number
    effective_from: date
    forms: dict[str, FormRef]
    source: str  # where the numbers, titles and date were read (docs/slips.md)

    def form(self, kind: str) -> FormRef | None:
        return self.forms.get(kind)

    def reference(self, kind: str) -> str:
        """The form reference printed on a slip: "Mẫu số 01 ban hành kèm theo Thông tư số …"."""
        form = self.forms[kind]
        return self.basis.format(number=form.number)


RECEIPT_TITLE = gettext_lazy("RECEIPT OF THE DOSSIER AND APPOINTMENT FOR THE RESULT")
SUPPLEMENT_TITLE = gettext_lazy("REQUEST TO SUPPLEMENT AND COMPLETE THE DOSSIER")
REFUSAL_TITLE = gettext_lazy("REFUSAL TO RECEIVE AND PROCESS THE DOSSIER")
CONTROL_TITLE = gettext_lazy("CONTROL SLIP OF THE DOSSIER'S PROCESSING")
REGISTER_TITLE = gettext_lazy("DOSSIER TRACKING REGISTER")

CIRCULAR_01_2018 = FormSet(
    key="tt-01-2018-vpcp",
    name="Thông tư số 01/2018/TT-VPCP",
    regime="Nghị định số 61/2018/NĐ-CP",
    basis="Mẫu số {number} ban hành kèm theo Thông tư số 01/2018/TT-VPCP ngày 23/11/2018",
    effective_from=date(2019, 1, 6),
    forms={
        "receipt": FormRef("01", RECEIPT_TITLE),
        "supplement": FormRef("02", SUPPLEMENT_TITLE),
        "refusal": FormRef("03", REFUSAL_TITLE),
        "apology": FormRef("04", gettext_lazy("APOLOGY AND NEW APPOINTMENT FOR THE RESULT")),
        "control": FormRef("05", CONTROL_TITLE),
        "register": FormRef("06", REGISTER_TITLE),
    },
    source="domain-vn §1.1-1.2 (S1 seongay.com: in force 6 Jan 2019); provincial templates",
)

CIRCULAR_03_2025 = FormSet(
    key="tt-03-2025-vpcp",
    name="Thông tư số 03/2025/TT-VPCP",
    regime="Nghị định số 118/2025/NĐ-CP",
    basis=(
        "Mẫu số {number} Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP ngày 15/9/2025"
    ),
    effective_from=date(2025, 9, 15),
    forms={
        "receipt": FormRef("01", RECEIPT_TITLE),
        "supplement": FormRef("02", SUPPLEMENT_TITLE),
        "refusal": FormRef("03", REFUSAL_TITLE),
        "apology": FormRef(
            "04", gettext_lazy("LETTER OF APOLOGY AND REQUEST TO EXTEND THE PROCESSING TIME")
        ),
        "stop": FormRef("05", gettext_lazy("NOTICE OF STOPPING THE PROCESSING OF THE DOSSIER")),
        "control": FormRef("06", CONTROL_TITLE),
        "register": FormRef("07", REGISTER_TITLE),
    },
    source=(
        "thuviennhadat.vn, 'Tải file word biểu mẫu Thông tư 03/2025/TT-VPCP' (Phụ lục I, forms "
        "01-07, from 15/9/2025); hethongphapluat.com (the Circular's heading, 15/9/2025)"
    ),
)

# Oldest first. A day before the first set's date gets the first set: MotCua keeps no older
# forms (Decision 09/2015/QĐ-TTg's are not modelled).
FORM_SETS: tuple[FormSet, ...] = (CIRCULAR_01_2018, CIRCULAR_03_2025)


def form_set_on(day: date) -> FormSet:
    """The set in force on `day` (the latest whose effective date is on or before it)."""
    chosen = FORM_SETS[0]
    for form_set in FORM_SETS:
        if form_set.effective_from <= day:
            chosen = form_set
    return chosen


def dossier_day(dossier: Any) -> date:
    """The dossier's date for its forms: received (accepted), else submitted; Vietnam time."""
    moment: datetime = dossier.accepted_at or dossier.submitted_at
    return local(moment).date()


def form_set_for(dossier: Any) -> FormSet:
    """The set of forms a dossier's slips are printed on."""
    return form_set_on(dossier_day(dossier))
