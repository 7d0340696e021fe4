"""Dossier statuses, acts and their national codes (domain-vn §2.1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DossierStatus(models.TextChoices):
    """Our internal statuses; `NATIONAL_STATUS_CODE` maps each one to the national 1–10."""

    REGISTERED = "registered", _("Newly registered")
    INTAKE_SUPPLEMENT_REQUESTED = (
        "intake_supplement_requested",
        _("Supplement requested before acceptance"),
    )
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    IN_PROCESSING = "in_processing", _("In processing")
    IN_TRANSFER = "in_transfer", _("Transferred to another agency")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    FINANCIAL_OBLIGATION = "financial_obligation", _("Financial obligation requested")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    PROCESSED = "processed", _("Processed")
    RESULT_RETURNED = "result_returned", _("Result returned")


# The national status catalogue (domain-vn §2.1, fact 2), used at the boundary (DVCQG sync,
# reports). Two internal statuses have no national code of their own:
# - IN_TRANSFER (liên thông) is still "in processing" (4) nationally; OpenCPS leaves its
#   "interoperating" unmapped (0), which the national portal does not accept.
# - INTAKE_SUPPLEMENT_REQUESTED is a supplement request (5) before acceptance, as OpenCPS's
#   "waiting" maps to 5 whatever the stage; the legal clock has not started.
NATIONAL_STATUS_CODE: dict[DossierStatus, int] = {
    DossierStatus.REGISTERED: 1,
    DossierStatus.INTAKE_SUPPLEMENT_REQUESTED: 5,
    DossierStatus.ACCEPTED: 2,
    DossierStatus.NOT_ACCEPTED: 3,
    DossierStatus.IN_PROCESSING: 4,
    DossierStatus.IN_TRANSFER: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.FINANCIAL_OBLIGATION: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.PROCESSED: 9,
    DossierStatus.RESULT_RETURNED: 10,
}

# Every dossier starts here. A counter (or postal) intake registers and accepts in one
# transaction, so its history still shows both acts.
INITIAL_STATUS = DossierStatus.REGISTERED

TERMINAL_STATUSES = frozenset(
    {DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWN, DossierStatus.RESULT_RETURNED}
)

# Statuses in which the legal clock is paused (domain-vn §2.3, fact 8).
PAUSED_STATUSES = frozenset(
    {
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.FINANCIAL_OBLIGATION,
        DossierStatus.STOPPED,
    }
)


class PauseKind(models.TextChoices):
    """Why the legal clock stopped; each kind resumes by its own rule (dossiers.pauses)."""

    # Before acceptance (Mẫu 02 at reception): the clock has not started yet.
    INTAKE_SUPPLEMENT = "intake_supplement", _("Supplement before acceptance")
    SUPPLEMENT = "supplement", _("Supplement during processing")
    FINANCIAL_OBLIGATION = "financial_obligation", _("Financial obligation")
    STOP = "stop", _("Processing stopped")


# The pause each detour status stands for.
PAUSE_OF_STATUS: dict[DossierStatus, PauseKind] = {
    DossierStatus.INTAKE_SUPPLEMENT_REQUESTED: PauseKind.INTAKE_SUPPLEMENT,
    DossierStatus.SUPPLEMENT_REQUESTED: PauseKind.SUPPLEMENT,
    DossierStatus.FINANCIAL_OBLIGATION: PauseKind.FINANCIAL_OBLIGATION,
    DossierStatus.STOPPED: PauseKind.STOP,
}


class Act(models.TextChoices):
    """What an official or the applicant does to a dossier; one service per act."""

    ACCEPT = "accept", _("Accept")
    REFUSE = "refuse", _("Refuse to accept")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Receive the supplement")
    REQUEST_FINANCIAL_OBLIGATION = (
        "request_financial_obligation",
        _("Request the financial obligation"),
    )
    CONFIRM_PAYMENT = "confirm_payment", _("Confirm payment")
    FORWARD = "forward", _("Forward to the next step")
    SEND_BACK = "send_back", _("Send back to the previous step")
    TRANSFER = "transfer", _("Transfer to another agency")
    RECEIVE_BACK = "receive_back", _("Receive back from the other agency")
    STOP = "stop", _("Stop processing")
    RESUME = "resume", _("Resume processing")
    WITHDRAW = "withdraw", _("Withdraw")
    FINISH = "finish", _("Finish processing")
    RETURN_RESULT = "return_result", _("Return the result")
    APOLOGISE = "apologise", _("Apologise and set a new appointment")


class ApplicantKind(models.TextChoices):
    """Who applies; the national portal codes them 1-4 (domain-vn §2.2)."""

    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise")
    STATE_AGENCY = "state_agency", _("State agency")
    ORGANISATION = "organisation", _("Other organisation")


NATIONAL_APPLICANT_CODE: dict[ApplicantKind, int] = {
    ApplicantKind.CITIZEN: 1,
    ApplicantKind.ENTERPRISE: 2,
    ApplicantKind.STATE_AGENCY: 3,
    ApplicantKind.ORGANISATION: 4,
}


class FeeStatus(models.TextChoices):
    DUE = "due", _("Due")
    PAID = "paid", _("Paid")
    WAIVED = "waived", _("Waived")


class ReturnMethod(models.TextChoices):
    """How the result reaches the applicant."""

    # A context of their own: "At the counter" is also a submission channel (catalogue), whose
    # Vietnamese wording differs.
    COUNTER = "counter", pgettext_lazy("result returned", "At the counter")
    POST = "post", pgettext_lazy("result returned", "By post")
    ONLINE = "online", pgettext_lazy("result returned", "Online")


class FilePurpose(models.TextChoices):
    """What a dossier file is: a paper of the application, the result issued, or the e-receipt
    of a fee paid (dossiers.payment_receipts)."""

    COMPONENT = "component", _("Dossier component")
    RESULT = "result", _("Result")
    RECEIPT = "receipt", _("E-receipt of fees and charges")
