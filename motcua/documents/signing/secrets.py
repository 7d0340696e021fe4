"""Secrets kept in the database (PKCS#12 files, passphrases, PINs, API secrets), Fernet-encrypted.

The key comes from settings.MOTCUA_SIGNING_SECRET; when that is empty it is derived from
SECRET_KEY. Either way the setting is stretched with HKDF-SHA256 into the 32-byte Fernet key, so
any long random string will do. Changing it makes the stored secrets unreadable (they must then
be uploaded again).
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

_INFO = b"motcua signing secrets v1"


class SecretUnreadable(DomainError):
    """A stored secret does not decrypt with the current key."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "A stored signing secret cannot be read with this server's key; "
                "upload the credential again."
            ),
            code="secret_unreadable",
        )


def _fernet() -> Fernet:
    secret = getattr(settings, "MOTCUA_SIGNING_SECRET", "") or settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes) -> bytes:
    """The Fernet token of `data` (authenticated encryption; bytes, ready for a BinaryField)."""
    return _fernet().encrypt(bytes(data))


def decrypt(token: bytes | memoryview) -> bytes:
    """The plain bytes of a token `encrypt` made; SecretUnreadable when the key changed."""
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as error:
        raise SecretUnreadable() from error
