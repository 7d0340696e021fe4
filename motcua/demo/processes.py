"""The demo's internal processes (data/processes.json), created and published through the
workflow services for each procedure and agency that has no process yet."""

from typing import Any

from motcua.accounts.models import Agency
from motcua.catalogue.models import Procedure
from motcua.workflow import services as workflow_services
from motcua.workflow.models import Process


def load(document: dict[str, Any]) -> int:
    """Publish each process of `document` where its procedure and agency exist and have no
    process (of any version or status: an administrator's own draft or retired version wins).
    Returns how many were published."""
    published = 0
    for entry in document["processes"]:
        procedure = Procedure.objects.filter(national_code=entry["procedure"]).first()
        if procedure is None:
            continue
        for key in entry["agencies"]:
            agency = Agency.objects.filter(slug=key).first()
            if (
                agency is None
                or Process.objects.filter(procedure=procedure, agency=agency).exists()
            ):
                continue
            process = workflow_services.process_create(
                procedure=procedure,
                agency=agency,
                actor=None,
                name=entry["name"],
                steps=[_step(step) for step in entry["steps"]],
                moves=entry.get("moves", ()),
            )
            workflow_services.process_publish(process=process, actor=None)
            published += 1
    return published


def _step(data: dict[str, Any]) -> dict[str, Any]:
    """A step of the document with its agency key turned into the agency (None: home)."""
    agency = data.get("agency")
    return {**data, "agency": Agency.objects.get(slug=agency) if agency else None}
