"""The demo's signing set-up: the demo PKI (motcua.demo.pki) in the trust store, a personal
credential for each demo leader, an organisation credential (the seal) for each demo agency
that issues results, and the local time-stamping authority. Loaded once: a database whose trust
store already holds a demo certificate is left as it is.

The leaders' personal keys are PKCS#12 files held by the server and unlocked by the PIN the
leader types when signing (DEMO_PIN, printed in the README); the organisations' and the TSA's
keys are unlocked by the server itself (their passphrases are stored encrypted), as an
organisation signature applied by the clerk is in a real installation."""

import secrets as random_secrets
from collections.abc import Sequence
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from motcua.accounts.models import Agency, User
from motcua.catalogue.models import Procedure
from motcua.documents.models import RevocationList, SigningCredential, TrustedCertificate
from motcua.documents.pdf import render_pdf
from motcua.documents.signing import secrets
from motcua.documents.signing.sample_images import seal_png, signature_png
from motcua.dossiers.constants import FilePurpose
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.results import result_seal, result_sign

from . import pki

DEMO_PIN = "123456"
# Who signs in the demo: the leaders (personal signature) and the agencies whose results carry
# the organisation's signature (the clerk applies it; at the ward, which has no clerk, the leader).
LEADERS = ("lanhdao", "lanhdaoxa")
SEALING_AGENCIES = ("qn-stp", "qn-phuonghalong")
PLACE = "Tỉnh Quảng Ninh"
# The demo's procedures whose result must be digitally signed (BatBuocKySoKetQua): a province
# sets the flag per procedure in the admin; the demo sets it on the birth registration (the demo
# citizen's online procedure) and the judicial record certificate (the department's).
MUST_BE_SIGNED = ("1.001193", "2.000488")
Rows = Sequence[tuple[str, str]]


def load(now: datetime) -> bool:
    """Install the demo signing set-up; False when a demo certificate is there already."""
    if TrustedCertificate.objects.filter(is_demo=True).exists():
        return False
    leaders = {user.username: user for user in User.objects.filter(username__in=LEADERS)}
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=SEALING_AGENCIES)}
    people = {username: (user.full_name, _agency_of(user)) for username, user in leaders.items()}
    built = pki.build(
        now, people=people, organisations={slug: a.name for slug, a in agencies.items()}
    )
    _trust(built)
    flag_procedures()
    chain = [built.issuing.der, built.root.der]
    for username, user in leaders.items():
        issued = built.people[username]
        credential = _credential(
            f"{user.full_name}: chữ ký số cá nhân (DEMO)",
            SigningCredential.Purpose.PERSONAL,
            issued,
            chain,
            pkcs12=issued.pkcs12(DEMO_PIN.encode(), built.chain),
            image=signature_png(user.full_name),
        )
        credential.user = user
        credential.save()
    for slug, agency in agencies.items():
        issued = built.organisations[slug]
        _server_held(
            f"{agency.name}: chữ ký số cơ quan (DEMO)",
            SigningCredential.Purpose.ORGANISATION,
            issued,
            built,
            image=seal_png(agency.short_name or agency.name, PLACE),
            agency=agency,
        )
    _server_held(
        "Máy chủ cấp dấu thời gian cục bộ (DEMO)",
        SigningCredential.Purpose.TIMESTAMP,
        built.tsa,
        built,
    )
    return True


def flag_procedures() -> None:
    """The demo's procedures whose result must be signed (MUST_BE_SIGNED)."""
    Procedure.objects.filter(national_code__in=MUST_BE_SIGNED).update(result_must_be_signed=True)


def issue_signed_result(
    dossier: Dossier,
    *,
    title: str,
    sections: Sequence[tuple[str, Rows]],
    leader: User,
    sealer: User,
    number_notation: str,
) -> DossierFile:
    """The e-result of `dossier` as a real one is made: the document (rendered from the demo's
    template) uploaded by the sealer, signed by the leader with the demo PIN, then numbered and
    sealed by the sealer (the clerk, or the leader where the agency has no clerk)."""
    agency = dossier.current_agency
    pdf = render_pdf(
        "demo/e_result.html",
        {
            "title": title,
            "sections": sections,
            "agency": agency.name,
            "parent": agency.parent.name if agency.parent else "",
            "place": "Quảng Ninh",
            "issued": timezone.localdate(),
            "code": dossier.code,
        },
    )
    row = dossier_file_add(
        dossier=dossier,
        actor=sealer,
        upload=ContentFile(pdf, name=f"ket-qua-{dossier.code}.pdf"),
        purpose=FilePurpose.RESULT,
    )
    row = result_sign(dossier=dossier, actor=leader, file=row, pin=DEMO_PIN)
    return result_seal(dossier=dossier, actor=sealer, file=row, number_notation=number_notation)


def _agency_of(user: User) -> str:
    membership = user.memberships.select_related("agency").first()
    return membership.agency.name if membership else ""


def _trust(built: pki.DemoPki) -> None:
    note = "Chứng thư thử nghiệm của bản demo MotCua; không tin cậy trong hệ thống thật."
    for issued, kind in (
        (built.root, TrustedCertificate.Kind.ROOT),
        (built.issuing, TrustedCertificate.Kind.INTERMEDIATE),
    ):
        name = issued.certificate.subject.rfc4514_string()
        row = TrustedCertificate.from_file(issued.der, name=name, kind=kind, is_demo=True)
        row.note = note
        row.save()
    for issuer, der in built.crls:
        crl = RevocationList(name=f"CRL: {issuer}")
        crl.fill_from(der)
        crl.save()


def _credential(
    name: str,
    purpose: str,
    issued: pki.Issued,
    chain: list[bytes],
    *,
    pkcs12: bytes,
    image: bytes = b"",
) -> SigningCredential:
    credential = SigningCredential(
        name=name,
        purpose=purpose,
        way=SigningCredential.Way.PKCS12,
        certificate_der=issued.der,
        pkcs12_encrypted=secrets.encrypt(pkcs12),
        image_png=image,
        is_demo=True,
    )
    credential.set_chain(chain)
    return credential


def _server_held(
    name: str,
    purpose: str,
    issued: pki.Issued,
    built: pki.DemoPki,
    *,
    image: bytes = b"",
    agency: Agency | None = None,
) -> None:
    passphrase = random_secrets.token_urlsafe(24).encode()
    credential = _credential(
        name,
        purpose,
        issued,
        [built.issuing.der, built.root.der],
        pkcs12=issued.pkcs12(passphrase, built.chain),
        image=image,
    )
    credential.passphrase_encrypted = secrets.encrypt(passphrase)
    credential.agency = agency
    credential.save()
