"""What an applicant is asked when rating the service for a dossier (domain-vn §1.2, §5.1).

- **Overall satisfaction**: five levels, as the ratings deployed provincial systems store
  (RHL / HL / BT / KHL / RKHL: rất hài lòng … rất không hài lòng) [S2 `PhieuKhaoSat`].
- **Criteria**: the indicators of the Circular 01/2018/TT-VPCP evaluation that the applicant
  can answer from their own experience, worded as the Thanh Hóa system asks them after the
  result is returned [S2 `TieuChiDanhGiaHaiLong.json`]: indicators 3 and 4 (how many times and
  how many agencies the applicant had to contact to complete the dossier), 7 (the officials'
  conduct) and 10 (convenience of the service). Indicators 1 and 2 (time against the legal
  time) are computed from the dossier itself, 5, 6, 8 and 9 describe the agency, not one
  dossier; indicator 11 (overall service, three levels) is the five-level overall answer.

The criteria are data: `CRITERIA` lists each with its code (the key of `Rating.answers`), its
question, its answers and, where the circular scores the answer directly, the points (0–2).
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    """The overall rating, best first."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neither satisfied nor dissatisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


# The abbreviations deployed systems store and report (S2 `PhieuKhaoSat`).
NATIONAL_SATISFACTION_CODE: dict[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "RHL",
    Satisfaction.SATISFIED: "HL",
    Satisfaction.NEUTRAL: "BT",
    Satisfaction.DISSATISFIED: "KHL",
    Satisfaction.VERY_DISSATISFIED: "RKHL",
}

# Decision 766's satisfaction ratio (c) counts the dossiers rated dissatisfied (domain-vn §1.6).
DISSATISFIED = frozenset({Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED})


@dataclass(frozen=True)
class Answer:
    code: str
    label: Any  # lazy
    points: int | None = None  # the circular's score for this answer, when it scores it directly


@dataclass(frozen=True)
class Criterion:
    code: str
    indicator: int  # the indicator's number in the Circular 01/2018 evaluation
    question: Any  # lazy
    answers: tuple[Answer, ...]
    source: str

    def answer(self, code: str) -> Answer | None:
        return next((answer for answer in self.answers if answer.code == code), None)


_SOURCE = (
    "Circular 01/2018/TT-VPCP, evaluation indicator {n}; wording as asked by the Thanh Hóa "
    "system (domain-vn S2, TieuChiDanhGiaHaiLong.json, chiso{n})"
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "contacts",
        3,
        _(
            "How many times did you have to contact the reception desk to complete the dossier "
            "(online contacts included)?"
        ),
        (
            Answer("none", _("Not once"), 2),
            Answer("once", _("Once"), 1),
            Answer("more", _("More than once"), 0),
        ),
        _SOURCE.format(n=3),
    ),
    Criterion(
        "agencies",
        4,
        _(
            "How many agencies, units or organisations did you have to contact to complete the "
            "dossier (online contacts included)?"
        ),
        (
            Answer("none", _("No agency at all"), 2),
            Answer("one_stop", _("Only the one-stop desk"), 1),
            Answer("more", _("More than one"), 0),
        ),
        _SOURCE.format(n=4),
    ),
    Criterion(
        "conduct",
        7,
        _("How did the officials behave when guiding you, receiving and processing your dossier?"),
        (
            # The circular gives 2 or 1 by timeliness when nobody complained, 0 on a complaint.
            Answer("proper", _("Properly: no harassment, no trouble")),
            Answer("improper", _("Harassment, trouble or not following the rules"), 0),
        ),
        _SOURCE.format(n=7),
    ),
    Criterion(
        "convenience",
        10,
        _(
            "How convenient was the service (easy to use, quick to respond and to handle "
            "your data)?"
        ),
        (
            Answer("very_satisfied", _("Very satisfied")),
            Answer("satisfied", _("Satisfied")),
            Answer("dissatisfied", _("Dissatisfied")),
        ),
        _SOURCE.format(n=10),
    ),
)
CRITERIA_BY_CODE: dict[str, Criterion] = {criterion.code: criterion for criterion in CRITERIA}
