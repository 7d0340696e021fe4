"""Prepare the benchmark's users and sample keys in the database named by DATABASE_URL and print
them as JSON: a reception officer at the receiving agency, the demo citizen (with a verified
e-mail address, so allauth lets them sign in), an API token and sample dossier codes.

For the write scenarios (docs/performance.md, "Write scenarios"):

- a benchmark commune (`bench-xa-thu-tai`, fictitious, made-up identifier code), so that the
  write scenarios act on dossiers of their own and not on the demo's communes, with its own
  reception officer (`bench_reception`);
- a minimal published internal process for 1.001193 at that commune (reception, then the
  specialist), created and published through the workflow services, so that forwarding moves a
  dossier from one step to the next;
- benchmark citizens `bench_citizen_01`… (verified e-mail addresses), one per concurrent user of
  the submission scenario (one draft per user and procedure); their leftover drafts are deleted;
- pools of dossiers, one slice per run (user count), so that no dossier is acted on twice:
  `accept` = online applications waiting for acceptance (dossier_register, as the online
  submission does, by the citizens' own accounts), `forward` = dossiers accepted at the counter
  (dossier_receive) standing at the process's first step. Dossiers left over by earlier runs
  (or submitted by the submission scenario) are used first; only the shortfall is created.

The signing scenarios' data (`--signing sign_result,verify_result`) is made by
bench/prepare_signing.py: a pool of processed dossiers of the demo department with an unsigned
result PDF each, a signed and sealed result to verify, the demo leader's API token.
"""

import argparse
import json
import os
import random
import sys
import time
from typing import Any

import django

PASSWORD = "motcua-demo-2026"  # the demo password (motcua.demo.seed.DEMO_PASSWORD)
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh: the demo's only procedure offered online
AGENCY = {
    "slug": "bench-xa-thu-tai",
    # Made up and clearly so (the letter group Z is not used by QCVN 102:2016's provinces or
    # ministries): a benchmark fixture, never a real agency.
    "identifier": "999.99.99.Z99",
    "name": "Ủy ban nhân dân xã Thử Tải (benchmark, không có thật)",
    "short_name": "UBND xã Thử Tải (benchmark)",
    "source": "Fictitious agency created by bench/prepare.py for the benchmark only.",
}
RECEPTION = "bench_reception"
CITIZEN = "bench_citizen_{:02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=16, help="benchmark citizen accounts")
    parser.add_argument("--pools", default="", help="pools to fill: accept,forward")
    parser.add_argument("--runs", default="1,16", help="user counts, one pool slice per run")
    parser.add_argument("--pool-size", type=int, default=100, help="dossiers per pool slice")
    parser.add_argument(
        "--signing",
        default="",
        help="signing scenarios to prepare: sign_result,verify_result (bench/prepare_signing.py)",
    )
    parser.add_argument(
        "--sign-pool-size", type=int, default=30, help="results per sign_result pool slice"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count

    from motcua.accounts.constants import Role
    from motcua.accounts.models import Agency, Membership, User
    from motcua.dossiers.models import Dossier

    # The officer sits at the agency that received the most dossiers: the worst case for lists.
    agency = (
        Agency.objects.exclude(identifier="")
        .exclude(slug=AGENCY["slug"])
        .annotate(received=Count("dossiers_received"))
        .order_by("-received", "pk")
        .first()
    )
    if agency is None or not Dossier.objects.exists():
        sys.exit("No dossiers: run `manage.py generate_dossiers` first (make demo-large).")
    officer, _ = User.objects.get_or_create(
        username="bench_officer", defaults={"full_name": "Cán bộ một cửa (benchmark)"}
    )
    officer.set_password(PASSWORD)
    officer.save()
    Membership.objects.get_or_create(user=officer, agency=agency, role=Role.RECEPTION_OFFICER)
    citizen = User.objects.get(username="congdan")
    _verified(citizen, "congdan@example.invalid")
    out = StringIO()
    call_command("api_token", officer.username, stdout=out)
    # Dossiers the officer may open: those their agency received.
    received = list(
        Dossier.objects.filter(receiving_agency=agency)
        .exclude(code=None)
        .values_list("pk", flat=True)
    )
    rng = random.Random(1)
    wanted = rng.sample(received, min(400, len(received)))
    codes = list(Dossier.objects.filter(pk__in=wanted).values_list("code", flat=True))
    writes = _writes(
        parent=agency,
        citizens=args.citizens,
        pools=[p for p in args.pools.split(",") if p],
        runs=[r for r in args.runs.split(",") if r],
        size=args.pool_size,
    )
    signing = [name for name in args.signing.split(",") if name]
    if signing:
        from bench.prepare_signing import prepare as prepare_signing

        writes |= prepare_signing(
            runs=[r for r in args.runs.split(",") if r],
            size=args.sign_pool_size,
            with_pool="sign_result" in signing,
            with_sealed="verify_result" in signing,
        )
    json.dump(
        {
            "officer": officer.username,
            "citizen": citizen.username,
            "password": PASSWORD,
            "token": out.getvalue().strip(),
            "codes": codes,
            **writes,
            "dossiers": Dossier.objects.count(),
            "database": _database_version(),
        },
        sys.stdout,
    )


def _verified(user: Any, address: str) -> None:
    """Give `user` a verified primary e-mail address, as allauth wants for signing in."""
    from allauth.account.models import EmailAddress

    if not user.email:
        user.email = address
        user.save(update_fields=["email"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _writes(
    *, parent: Any, citizens: int, pools: list[str], runs: list[str], size: int
) -> dict[str, Any]:
    """The write scenarios' agency, process, accounts and pools (see the module doc)."""
    from motcua.accounts import services as account_services
    from motcua.accounts.constants import Level, Role
    from motcua.accounts.models import Agency, User
    from motcua.catalogue.models import Procedure
    from motcua.eforms import services as eform_services
    from motcua.eforms.models import Draft

    procedure = Procedure.objects.get(national_code=PROCEDURE)
    agency = Agency.objects.filter(slug=AGENCY["slug"]).first()
    if agency is None:
        agency = Agency(**AGENCY, kind=procedure.agency_kind, level=Level.COMMUNE, parent=parent)
        agency.full_clean()
        agency.save()
    reception, created = User.objects.get_or_create(
        username=RECEPTION, defaults={"full_name": "Cán bộ một cửa xã Thử Tải (benchmark)"}
    )
    if created:
        reception.set_password(PASSWORD)
        reception.save()
    account_services.membership_grant(
        user=reception, agency=agency, role=Role.RECEPTION_OFFICER, actor=None
    )
    people = []
    for number in range(1, citizens + 1):
        user, created = User.objects.get_or_create(
            username=CITIZEN.format(number),
            defaults={
                "full_name": f"Công dân thử tải {number:02d} (benchmark)",
                "email": f"bench-citizen-{number:02d}@example.invalid",
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        _verified(user, f"bench-citizen-{number:02d}@example.invalid")
        people.append(user)
    for draft in Draft.objects.filter(owner__in=people).select_related("owner", "procedure"):
        eform_services.draft_delete(draft=draft, actor=draft.owner)
    process = _process(procedure, agency)
    filled: dict[str, dict[str, list[list[Any]]]] = {}
    created_counts: dict[str, int] = {}
    started = time.monotonic()
    for pool in pools:
        keys, made = _pool(pool, procedure, agency, reception, people, process, size * len(runs))
        filled[pool] = {run: keys[i * size : (i + 1) * size] for i, run in enumerate(runs)}
        created_counts[pool] = made
    required = [c for c in procedure.components.order_by("position", "id") if not c.case.strip()]
    return {
        "reception": reception.username,
        # The upload inputs of the application page (eforms.selectors.Slot.input_name) of the
        # components needed in every case, in the procedure's order.
        "components": [f"component-{component.pk}" for component in required],
        "citizens": [user.username for user in people],
        "procedure": procedure.national_code,
        "agency": agency.slug,
        "pools": filled,
        "pool_created": created_counts,
        "pool_seconds": round(time.monotonic() - started, 1),
    }


def _process(procedure: Any, agency: Any) -> Any:
    """The published internal process of the procedure at the benchmark commune: reception
    (a quarter of the legal time), then the specialist, who prepares and issues the result."""
    from motcua.accounts.constants import Role
    from motcua.catalogue.constants import Channel
    from motcua.workflow import services as workflow_services
    from motcua.workflow.selectors import procedure_legal_period, process_in_force

    process = process_in_force(procedure=procedure, agency=agency)
    if process is not None:
        return process
    period = procedure_legal_period(procedure=procedure, channel=Channel.DIRECT)
    hours = period.nominal_hours if period is not None else 8
    first = max(1, hours // 4)
    draft = workflow_services.process_create(
        procedure=procedure,
        agency=agency,
        actor=None,
        name="Quy trình thử tải (benchmark)",
        steps=[
            {"name": "Tiếp nhận hồ sơ", "role": Role.RECEPTION_OFFICER, "hours": first},
            {"name": "Thẩm định và trả kết quả", "role": Role.SPECIALIST, "hours": hours - first},
        ],
    )
    return workflow_services.process_publish(process=draft, actor=None)


def _pool(
    name: str,
    procedure: Any,
    agency: Any,
    reception: Any,
    people: list[Any],
    process: Any,
    count: int,
) -> tuple[list[list[Any]], int]:
    """`count` dossiers for pool `name` as [key, version] pairs: leftovers first, then new ones
    through the dossier services. Returns the pairs and how many were created."""
    from motcua.catalogue.constants import Channel
    from motcua.dossiers.constants import Act, DossierStatus
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.online import ELECTRONIC
    from motcua.dossiers.services import (
        Applicant,
        ComponentReceived,
        dossier_receive,
        dossier_register,
    )
    from motcua.workflow import engine

    mine = Dossier.objects.filter(procedure=procedure, receiving_agency=agency)
    if name == "accept":
        mine = mine.filter(status=DossierStatus.REGISTERED, channel=Channel.ONLINE)
    elif name == "forward":
        mine = mine.filter(status=DossierStatus.ACCEPTED, current_step=engine.first_step(process))
    else:
        raise SystemExit(f"unknown pool {name!r} (accept, forward)")
    keys = [
        [dossier.key, dossier.version]
        for dossier in mine.only("uid", "code", "version").order_by("pk")[:count]
    ]
    needed = [c for c in procedure.components.order_by("position", "id") if not c.case.strip()]
    made = 0
    while len(keys) < count:
        person = people[made % len(people)]
        applicant = Applicant(
            name=person.full_name.removesuffix(" (benchmark)"),
            id_number=f"0010990{made % 100000:05d}",
            phone="0912345678",
            # At the counter without an e-mail address: the receipt PDF (Mẫu 01) is rendered
            # only for e-mail, and the pool would take 0.4 s a dossier to build.
            email=person.email if name == "accept" else "",
            address="Xã Thử Tải (benchmark)",
            user=person if name == "accept" else None,
        )
        if name == "accept":
            dossier = dossier_register(
                procedure=procedure,
                agency=agency,
                channel=Channel.ONLINE,
                applicant=applicant,
                actor=person,
                components=[ComponentReceived(component_id=c.pk, note=ELECTRONIC) for c in needed],
            )
        else:
            dossier = dossier_receive(
                procedure=procedure,
                agency=agency,
                channel=Channel.DIRECT,
                applicant=applicant,
                actor=reception,
                components=[ComponentReceived(component_id=c.pk, originals=1) for c in needed],
                outcome=Act.ACCEPT,
            )
        keys.append([dossier.key, dossier.version])
        made += 1
    return keys, made


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            return str(cursor.fetchone()[0]).split(" on ")[0]
        return f"{connection.vendor} {connection.Database.sqlite_version}"  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
