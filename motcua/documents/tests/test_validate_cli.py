"""An independent check of MotCua's signed e-results: pyHanko's own command line
(`pyhanko sign validate`, from pyhanko-cli), given only the test root, judges the genuine result
valid, intact and trusted, and a copy with one byte changed not.

The command runs in another process, on the real clock, and fetches revocation data from the
test PKI's live OCSP responder; so this module leaves the clock alone (signing and validating
on the same clock; the test certificates are valid 2025-2035)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import pem

from motcua.documents.tests.signed_samples import sample  # noqa: F401 - fixture

PYHANKO = Path(sys.executable).with_name("pyhanko")


@pytest.fixture(autouse=True)
def frozen_now():
    """Overrides the root conftest's frozen clock: the command-line validator in the other
    process reads the real one."""
    yield None


def validate(pdf: bytes, root_der: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    if not PYHANKO.exists() and not shutil.which("pyhanko"):
        pytest.skip("pyhanko-cli is not installed")
    document = folder / "ket-qua.pdf"
    document.write_bytes(pdf)
    root = folder / "root.pem"
    root.write_bytes(pem.armor("CERTIFICATE", root_der))
    command = [str(PYHANKO) if PYHANKO.exists() else "pyhanko", "sign", "validate"]
    command += ["--trust", str(root), "--trust-replace", "--pretty-print", str(document)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_cli_judges_a_genuine_result_valid(sample, test_pki, tmp_path):  # noqa: F811
    done = validate(sample("genuine"), test_pki.root_der, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("The signature is judged VALID.") == 2
    assert done.stdout.count("The signature is cryptographically sound.") == 2
    assert done.stdout.count("The signer's certificate is trusted.") == 2
    assert "Nguyễn Văn An" in done.stdout


def test_the_cli_rejects_a_tampered_copy(sample, test_pki, tmp_path):  # noqa: F811
    done = validate(sample("tampered"), test_pki.root_der, tmp_path)
    assert done.returncode != 0
    assert "The signature is judged INVALID." in done.stdout + done.stderr
