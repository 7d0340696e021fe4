"""pyHanko's and the certificate validator's exceptions as messages a signer can act on."""

from __future__ import annotations

from django.utils.translation import gettext as _


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def failure_message(error: BaseException) -> str:
    """One translated sentence for why signing failed (the first known cause in the chain)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko_certvalidator import errors as cv

    for cause in _chain(error):
        if isinstance(cause, cv.RevokedError):
            return _("The signer's certificate has been revoked.")
        if isinstance(cause, cv.ExpiredError):
            return _("The signer's certificate has expired.")
        if isinstance(cause, cv.NotYetValidError):
            return _("The signer's certificate is not valid yet.")
        if isinstance(cause, cv.PathBuildingError | cv.InvalidCertificateError):
            return _("The signer's certificate is not issued by a trusted certification authority.")
        if isinstance(cause, cv.InsufficientRevinfoError | cv.CRLFetchError | cv.OCSPFetchError):
            return _(
                "The revocation status of the signer's certificate cannot be checked "
                "(the certification authority cannot be reached)."
            )
        if isinstance(cause, TimestampRequestError):
            return _("The time-stamping service did not answer; try again later.")
        if isinstance(cause, PdfReadError):
            return _("The file is not a readable PDF.")
    for cause in _chain(error):
        if isinstance(cause, cv.PathValidationError | cv.ValidationError):
            return _("The signer's certificate is not valid for signing.")
        if isinstance(cause, OSError | TimeoutError):
            return _("A signing service cannot be reached; try again later.")
    return _("The document could not be signed (%(reason)s).") % {"reason": type(error).__name__}
