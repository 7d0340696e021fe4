"""Where the resources of a document come from: the public address and the static files."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation


def base_url() -> str:
    """Relative links resolve against the public address, so a link in a PDF still works
    when the PDF is read elsewhere; static files are read locally (engine.StaticFetcher)."""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/"


def static_path(url: str) -> Path | None:
    """The file behind a static-file URL (relative to `base_url()` or an absolute
    STATIC_URL), or None when `url` is not one."""
    url = urlsplit(url)._replace(query="", fragment="").geturl()
    static_url = settings.STATIC_URL or "/static/"
    prefixes = [base_url() + static_url.lstrip("/")]
    if "://" in static_url:
        prefixes.append(static_url)
    for prefix in prefixes:
        if url.startswith(prefix):
            return _find(unquote(url.removeprefix(prefix)))
    return None


def _find(relative: str) -> Path | None:
    try:
        found = finders.find(relative)
        if found:
            return Path(found if isinstance(found, str) else found[0])
        if staticfiles_storage.exists(relative):
            return Path(staticfiles_storage.path(relative))
    except (SuspiciousFileOperation, NotImplementedError):
        return None
    return None
