"""The signing scenarios' data (bench/prepare.py calls `prepare`; docs/performance.md, "Signing
and verifying").

- The demo signing set-up (demo PKI in the trust store, the leaders' personal credentials, the
  organisations' credentials, the local time-stamping authority: motcua.demo.signing) is
  installed when missing. When this server cannot unlock it (it was installed under another
  SECRET_KEY), a new demo PKI is installed beside it for the leader, the department and the
  TSA, and the unreadable demo credentials are deactivated.
- `sign_result` pool: processed dossiers of the demo department (Sở Tư pháp, `qn-stp`), each
  with one unsigned result PDF, one slice per run, as [dossier key, file id] pairs. Leftovers of
  earlier runs are used first; the shortfall is made through the services as the department
  would: a counter intake accepted on the spot by its reception officer (`tiepnhan`, applicant
  without e-mail), forwarded to processing, finished by its leader (`lanhdao`), who then adds
  the result document (dossiers.files.dossier_file_add). The procedure is the one the
  department received most often that has no internal process there and does not require a
  signed result to finish (so the pool's dossiers need no steps and no signature to get there).
- `verify_result`: one result of the department signed by the leader and sealed by its clerk
  (`vanthu`) through the services, as a citizen would download it (kept across runs).
- an API token of the leader, who signs through the API with the demo PIN.
"""

import base64
import time
from typing import Any

AGENCY = "qn-stp"  # motcua.demo.seed.CENTRE_DEPARTMENT
LEADER = "lanhdao"
RECEPTION = "tiepnhan"
CLERK = "vanthu"
RESULT_NAME = "ket-qua-benchmark.pdf"
SEALED_NAME = "ket-qua-benchmark-da-ky.pdf"
NUMBER = "{}/QĐ-STP"
PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm 20mm 20mm 30mm }}
body {{ font-family: "Liberation Serif", serif; font-size: 13pt }}
h1 {{ font-size: 14pt; text-align: center }}
</style></head><body>
<p style="text-align:center"><b>SỞ TƯ PHÁP TỈNH QUẢNG NINH</b><br>
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc</p>
<h1>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (benchmark)</h1>
{paragraphs}
</body></html>"""


def prepare(*, runs: list[str], size: int, with_pool: bool, with_sealed: bool) -> dict[str, Any]:
    """What the locustfile needs for `sign_result` (a pool slice per run, the leader's API
    token and PIN) and `verify_result` (a signed and sealed result, base64)."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from motcua.accounts.models import Agency, User
    from motcua.demo import signing
    from motcua.dossiers.results import personal_credential

    signing.load(timezone.now())  # nothing when the demo trust store is there already
    agency = Agency.objects.get(slug=AGENCY)
    leader = User.objects.get(username=LEADER)
    if not _readable(personal_credential(leader)):
        _fresh_pki(agency, leader)
    out: dict[str, Any] = {"sign_pin": signing.DEMO_PIN}
    token = StringIO()
    call_command("api_token", leader.username, stdout=token)
    out["sign_token"] = token.getvalue().strip()
    started = time.monotonic()
    made = 0
    if with_pool:
        keys, made = _pool(agency, leader, size * len(runs))
        out["sign_pool"] = {run: keys[i * size : (i + 1) * size] for i, run in enumerate(runs)}
    if with_sealed:
        out["sealed_pdf"] = base64.b64encode(_sealed(agency, leader)).decode("ascii")
    out["sign_pool_created"] = made
    out["sign_pool_seconds"] = round(time.monotonic() - started, 1)
    return out


def _readable(credential: Any) -> bool:
    """Whether this server can unlock the demo set-up: its stored secrets are encrypted with
    MOTCUA_SIGNING_SECRET (by default derived from SECRET_KEY), and the demo province may have
    been loaded with another SECRET_KEY than the benchmark server's (make bench-smoke loads it
    through generate_dossiers in the caller's environment)."""
    from motcua.documents.models import SigningCredential
    from motcua.documents.signing import secrets

    stamper = SigningCredential.objects.filter(purpose="timestamp", active=True)
    try:
        for row in [credential, stamper.order_by("-created_at").first()]:
            if row is None:
                return False
            secrets.decrypt(row.pkcs12_encrypted)
    except secrets.SecretUnreadable:
        return False
    return True


def _fresh_pki(agency: Any, leader: Any) -> None:
    """A new demo PKI beside the unreadable one (motcua.demo.pki: root and issuing CA in the
    trust store, their CRLs), with the leader's personal credential (the demo PIN), the
    department's organisation credential and a local TSA, encrypted with this server's
    secret. The demo credentials this server cannot unlock are deactivated."""
    import secrets as random_secrets

    from django.utils import timezone

    from motcua.demo import pki
    from motcua.demo.signing import DEMO_PIN, PLACE
    from motcua.documents.models import RevocationList, SigningCredential, TrustedCertificate
    from motcua.documents.signing import secrets
    from motcua.documents.signing.sample_images import seal_png, signature_png

    for row in SigningCredential.objects.filter(is_demo=True, active=True):
        try:
            secrets.decrypt(row.pkcs12_encrypted)
        except secrets.SecretUnreadable:
            row.active = False
            row.save(update_fields=["active"])
    built = pki.build(
        timezone.now(),
        people={LEADER: (leader.full_name, agency.name)},
        organisations={AGENCY: agency.name},
    )
    for issued, kind in ((built.root, "root"), (built.issuing, "intermediate")):
        name = f"{issued.certificate.subject.rfc4514_string()} (benchmark)"
        TrustedCertificate.from_file(issued.der, name=name, kind=kind, is_demo=True).save()
    for issuer, der in built.crls:
        crl = RevocationList(name=f"CRL: {issuer} (benchmark)")
        crl.fill_from(der)
        crl.save()
    chain = [built.issuing.der, built.root.der]

    def credential(name: str, purpose: str, issued: Any, passphrase: bytes, **fields: Any) -> None:
        row = SigningCredential(
            name=name,
            purpose=purpose,
            way="pkcs12",
            certificate_der=issued.der,
            pkcs12_encrypted=secrets.encrypt(issued.pkcs12(passphrase, built.chain)),
            is_demo=True,
            **fields,
        )
        row.set_chain(chain)
        row.save()

    credential(
        f"{leader.full_name}: chữ ký số cá nhân (DEMO, benchmark)",
        "personal",
        built.people[LEADER],
        DEMO_PIN.encode(),
        user=leader,
        image_png=signature_png(leader.full_name),
    )
    for name, purpose, issued, fields in (
        (
            f"{agency.name}: chữ ký số cơ quan (DEMO, benchmark)",
            "organisation",
            built.organisations[AGENCY],
            {"agency": agency, "image_png": seal_png(agency.short_name or agency.name, PLACE)},
        ),
        ("Máy chủ cấp dấu thời gian cục bộ (DEMO, benchmark)", "timestamp", built.tsa, {}),
    ):
        passphrase = random_secrets.token_urlsafe(24).encode()
        credential(
            name,
            purpose,
            issued,
            passphrase,
            passphrase_encrypted=secrets.encrypt(passphrase),
            **fields,
        )


def _result_pdf() -> bytes:
    """A one-page result document from the renderer (WeasyPrint), about 20 KB, as MotCua's own
    documents are made."""
    from motcua.documents import engine

    text = (
        "Căn cứ hồ sơ đề nghị của công dân và kết quả thẩm định, Sở Tư pháp tỉnh Quảng Ninh "
        "trả kết quả giải quyết thủ tục hành chính như sau. Tài liệu này chỉ dùng để đo hiệu "
        "năng (benchmark), không có giá trị pháp lý."
    )
    html = PAGE.format(paragraphs="".join(f"<p>{text}</p>" for _ in range(6)))
    return bytes(engine.write_pdf(html, base_url="http://127.0.0.1/"))


def _procedure(agency: Any) -> Any:
    """The procedure the department received most often without an internal process there
    and without the "result must be signed" flag."""
    from django.db.models import Count

    from motcua.catalogue.models import Procedure
    from motcua.workflow.selectors import process_in_force

    candidates = (
        Procedure.objects.filter(dossiers__receiving_agency=agency, result_must_be_signed=False)
        .annotate(received=Count("dossiers"))
        .order_by("-received", "pk")
    )
    for procedure in candidates[:20]:
        if process_in_force(procedure=procedure, agency=agency) is None:
            return procedure
    raise SystemExit(f"No procedure of {agency} without a process to build the signing pool.")


def _pool(agency: Any, leader: Any, count: int) -> tuple[list[list[Any]], int]:
    """`count` [dossier key, file id] pairs of unsigned benchmark results; how many were made."""
    from django.core.files.storage import default_storage

    from motcua.dossiers.constants import DossierStatus, FilePurpose
    from motcua.dossiers.models import DossierFile

    rows = (
        DossierFile.objects.filter(
            purpose=FilePurpose.RESULT,
            original_name=RESULT_NAME,
            signatures__isnull=True,
            dossier__current_agency=agency,
            dossier__status=DossierStatus.PROCESSED,
        )
        .select_related("dossier")
        .order_by("pk")[:count]
    )
    # A row whose file is gone (the media folder of an earlier checkout) cannot be signed.
    keys = [[row.dossier.key, row.pk] for row in rows if default_storage.exists(row.file.name)]
    made = 0
    if len(keys) < count:
        from django.contrib.auth import get_user_model

        reception = get_user_model().objects.get(username=RECEPTION)
        procedure, pdf = _procedure(agency), _result_pdf()
        while len(keys) < count:
            dossier = _processed(agency, procedure, reception, leader, made)
            row = _add_result(dossier, leader, pdf, RESULT_NAME)
            keys.append([dossier.key, row.pk])
            made += 1
    return keys, made


def _processed(agency: Any, procedure: Any, reception: Any, leader: Any, number: int) -> Any:
    """A counter intake at the department, accepted, forwarded and finished."""
    from motcua.catalogue.constants import Channel
    from motcua.dossiers.constants import Act
    from motcua.dossiers.services import (
        Applicant,
        ComponentReceived,
        dossier_act,
        dossier_receive,
    )

    needed = [c for c in procedure.components.order_by("position", "id") if not c.case.strip()]
    dossier = dossier_receive(
        procedure=procedure,
        agency=agency,
        channel=Channel.DIRECT,
        applicant=Applicant(
            name=f"Công dân thử ký số {number % 1000:03d}",
            id_number=f"0010980{number % 100000:05d}",
            phone="0912345678",
            email="",  # no receipt e-mail (its PDF would slow the pool down)
            address="Phường Hồng Gai, Hạ Long (benchmark)",
        ),
        actor=reception,
        components=[ComponentReceived(component_id=c.pk, originals=1) for c in needed],
        outcome=Act.ACCEPT,
    )
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=reception)
    return dossier_act(dossier=dossier, act=Act.FINISH, actor=leader)


def _add_result(dossier: Any, leader: Any, pdf: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.dossiers.constants import FilePurpose
    from motcua.dossiers.files import dossier_file_add

    return dossier_file_add(
        dossier=dossier,
        actor=leader,
        upload=SimpleUploadedFile(name, pdf, content_type="application/pdf"),
        purpose=FilePurpose.RESULT,
    )


def _sealed(agency: Any, leader: Any) -> bytes:
    """A result of the department signed by the leader and sealed by the clerk (made once)."""
    from django.contrib.auth import get_user_model

    from motcua.dossiers.constants import FilePurpose
    from motcua.dossiers.models import DossierFile
    from motcua.dossiers.results import result_seal, result_sign
    from motcua.dossiers.results_check import read_file

    row = (
        DossierFile.objects.filter(
            purpose=FilePurpose.RESULT, original_name=SEALED_NAME, dossier__current_agency=agency
        )
        .order_by("-pk")
        .first()
    )
    if row is not None and read_file(row) is None:
        row = None  # its file is gone (the media folder of an earlier checkout): seal another
    if row is None or not row.signatures.filter(purpose="organisation").exists():
        from motcua.demo.signing import DEMO_PIN

        reception = get_user_model().objects.get(username=RECEPTION)
        clerk = get_user_model().objects.get(username=CLERK)
        dossier = _processed(agency, _procedure(agency), reception, leader, 999)
        row = _add_result(dossier, leader, _result_pdf(), SEALED_NAME)
        row = result_sign(dossier=dossier, actor=leader, file=row, pin=DEMO_PIN)
        row = result_seal(
            dossier=dossier, actor=clerk, file=row, number_notation=NUMBER.format(dossier.pk)
        )
    data = read_file(row)
    if data is None:
        raise SystemExit("The sealed benchmark result cannot be read from the storage.")
    return bytes(data)
