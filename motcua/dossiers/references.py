"""The short reference of an online submission (mã tra cứu), given when it is submitted.

The dossier code comes only at acceptance (Circular 01/2018 form, domain-vn §2); until then the
applicant needs something short to quote on the phone, type at /tra-cuu/ and read on the
receipt: eight characters from an alphabet without the look-alikes 0/O, 1/I/L and U/V, e.g.
`K7MW-2QXD` without the hyphen. 30⁸ (about 6.6·10¹¹) references leave a collision between two
random ones so unlikely that a retry or two is all it ever takes; the unique index on
Dossier.reference settles any race. A reference never changes and stays valid after acceptance,
beside the code.
"""

import secrets
from urllib.parse import quote

from django.conf import settings

from .models import Dossier
from .slips import LOOKUP_PATH

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_TRIES = 10


def reference_is_well_formed(value: str) -> bool:
    """Whether `value` (normalised) can be a reference at all."""
    return len(value) == LENGTH and all(char in ALPHABET for char in value)


def normalise_reference(value: str) -> str:
    """A reference as typed: without spaces or hyphens, in capitals."""
    return "".join(value.split()).replace("-", "").upper()


def random_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def reference_new() -> str:
    """A reference no dossier has yet."""
    for _ in range(_TRIES):
        candidate = random_reference()
        if not Dossier.objects.filter(reference=candidate).exists():
            return candidate
    raise RuntimeError("no free dossier reference after several tries")


def lookup_url(dossier: Dossier) -> str:
    """The public lookup page for `dossier` (the QR codes open it): by its code, else by its
    reference; empty when it has neither."""
    key = dossier.code or dossier.reference
    if not key:
        return ""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{LOOKUP_PATH}?ma={quote(key, safe='')}"
