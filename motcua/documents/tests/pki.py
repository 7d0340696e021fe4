"""The test PKI (a pytest plugin): a fake NEAC-like root, an intermediate CA with OCSP and CRLs, a
time-stamping authority, the signers MotCua's tests use, and a second, untrusted CA.

Certificates come from certomancer; their keys are generated with `cryptography` into a temporary
directory for the session (no key is committed). certomancer's Animator serves OCSP, CRLs and
RFC 3161 time stamps over real HTTP from a thread, so pyHanko fetches revocation data and time
stamps as it would from a real CA.

Labels: root, interm, interm-ocsp, leader (personal, "Nguyễn Văn An"), leader2 ("Trần Thị Bình"),
org (organisation, "Sở Tư pháp tỉnh Thái Nguyên"), revoked (OCSP and CRL say so), expired (ended
2025-06-30), tsa, outsider-root (the untrusted CA) and outsider (issued by it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ARCH = "motcua-test"
SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PASSPHRASE = b"1234"
VALID_FROM = "2025-01-01T00:00:00+0000"
VALID_TO = "2035-12-31T23:59:59+0000"

KEYS = (
    "root",
    "interm",
    "interm-ocsp",
    "leader",
    "leader2",
    "org",
    "revoked",
    "expired",
    "tsa",
    "outsider-root",
    "outsider",
)

ENTITIES = {
    "root": {"common-name": "MotCua Test Root CA (NEAC-like)"},
    "interm": {"common-name": "MotCua Test Issuing CA"},
    "interm-ocsp": {"common-name": "MotCua Test OCSP Responder"},
    "tsa": {"common-name": "MotCua Test Time Stamping Authority"},
    "leader": {"common-name": "Nguyễn Văn An", "organization-name": "Sở Tư pháp tỉnh Thái Nguyên"},
    "leader2": {"common-name": "Trần Thị Bình", "organization-name": "Sở Tư pháp tỉnh Thái Nguyên"},
    "org": {
        "common-name": "Sở Tư pháp tỉnh Thái Nguyên",
        "organization-name": "Sở Tư pháp tỉnh Thái Nguyên",
    },
    "revoked": {"common-name": "Lê Văn Thu Hồi"},
    "expired": {"common-name": "Phạm Thị Hết Hạn"},
    "outsider-root": {"common-name": "Untrusted Root CA", "organization-name": "Outsider"},
    "outsider": {"common-name": "Hoàng Văn Ngoài", "organization-name": "Outsider"},
}

SIGNER = {"issuer": "interm", "profiles": ["digsig-commitment"]}


def _validity(start: str = VALID_FROM, end: str = VALID_TO) -> dict[str, str]:
    return {"valid-from": start, "valid-to": end}


def _certs() -> dict[str, dict[str, Any]]:
    return {
        "root": {
            "subject": "root",
            "issuer": "root",
            "validity": _validity(),
            "profiles": [{"id": "simple-ca", "params": {"crl-repo": "root"}}],
        },
        "interm": {
            "issuer": "root",
            "validity": _validity(),
            "profiles": [
                {
                    "id": "simple-ca",
                    "params": {"max-path-len": 0, "crl-repo": "interm", "ocsp-service": "interm"},
                }
            ],
        },
        "interm-ocsp": {
            "issuer": "interm",
            "validity": _validity(),
            "profiles": ["ocsp-responder"],
        },
        "tsa": {
            "issuer": "root",
            "validity": _validity(),
            "extensions": [
                {
                    "id": "key_usage",
                    "critical": True,
                    "smart-value": {"schema": "key-usage", "params": ["digital_signature"]},
                },
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            ],
        },
        "leader": {**SIGNER, "validity": _validity()},
        "leader2": {**SIGNER, "validity": _validity()},
        "org": {**SIGNER, "validity": _validity()},
        "revoked": {
            **SIGNER,
            "validity": _validity(),
            "revocation": {"revoked-since": "2025-06-01T00:00:00+0000", "reason": "key_compromise"},
        },
        "expired": {**SIGNER, "validity": _validity(VALID_FROM, "2025-06-30T23:59:59+0000")},
        "outsider-root": {
            "subject": "outsider-root",
            "issuer": "outsider-root",
            "validity": _validity(),
            "profiles": ["simple-ca"],
        },
        "outsider": {
            "issuer": "outsider-root",
            "validity": _validity(),
            "profiles": ["digsig-commitment"],
        },
    }


def _config(key_dir: Path, url_prefix: str) -> dict[str, Any]:
    return {
        "external-url-prefix": url_prefix,
        "keysets": {
            ARCH: {
                "path-prefix": str(key_dir),
                "keys": {label: {"path": f"{label}.key.pem"} for label in KEYS},
            }
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "VN"},
                "entities": ENTITIES,
                "certs": _certs(),
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "interm-ocsp",
                            "signing-key": "interm-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P90D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P30D",
                        },
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


def _write_keys(key_dir: Path) -> None:
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (key_dir / f"{label}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def _quiet_handler() -> Any:
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            """Requests are many and expected; errors still go to the log."""

    return QuietHandler


class _LateApp:
    """A WSGI app whose target is set once the server knows its port (the URLs in the
    certificates name that port)."""

    def __init__(self) -> None:
        self.target: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.target(environ, start_response)


@dataclass
class TestPki:
    """The test PKI as the tests see it."""

    __test__ = False  # not a test class, despite the name

    arch: Any
    key_dir: Path
    url_prefix: str
    _server: Any = field(repr=False, default=None)

    @property
    def tsa_url(self) -> str:
        return f"{self.url_prefix}/{ARCH}/tsa/tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.url_prefix}/{ARCH}/ocsp/interm"

    def crl_url(self, issuer: str = "interm") -> str:
        return f"{self.url_prefix}/{ARCH}/crls/{issuer}/latest.crl"

    @property
    def root_der(self) -> bytes:
        return self.cert_der("root")

    @property
    def outsider_root_der(self) -> bytes:
        return self.cert_der("outsider-root")

    def cert_der(self, label: str) -> bytes:
        from certomancer.registry import CertLabel

        return bytes(self.arch.get_cert(CertLabel(label)).dump())

    def chain_der(self, label: str) -> list[bytes]:
        """The issuers of `label`'s certificate, nearest first (root last)."""
        from certomancer.registry import CertLabel

        return [self.cert_der(str(issuer)) for issuer in self.arch.get_chain(CertLabel(label))]

    def key_pem(self, label: str) -> bytes:
        return (self.key_dir / f"{label}.key.pem").read_bytes()

    def private_key(self, label: str) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.key_pem(label), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def pkcs12(self, label: str, passphrase: bytes | None = PASSPHRASE) -> bytes:
        """The key, the certificate and its chain as a PKCS#12 file."""
        from certomancer.registry import CertLabel

        return bytes(self.arch.package_pkcs12(CertLabel(label), password=passphrase))

    def crl_der(self, issuer: str = "interm") -> bytes:
        """The current CRL of `issuer` ("interm" or "root")."""
        from certomancer.registry import ServiceLabel

        return bytes(self.arch.service_registry.get_crl(ServiceLabel(issuer)).dump())


def build_pki(folder: Path) -> Iterator[TestPki]:
    """Generate the keys, build the architecture and serve it; stops the server at the end."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import ArchLabel, CertomancerConfig
    from werkzeug.serving import make_server

    key_dir = folder / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)
    _write_keys(key_dir)
    late_app = _LateApp()
    server = make_server("127.0.0.1", 0, late_app, threaded=True, request_handler=_quiet_handler())
    url_prefix = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig(_config(key_dir, url_prefix), key_search_dir=str(folder))
    arch = config.get_pki_arch(ArchLabel(ARCH))
    late_app.target = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, name="test-pki", daemon=True)
    thread.start()
    try:
        yield TestPki(arch=arch, key_dir=key_dir, url_prefix=url_prefix, _server=server)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    """The test PKI, built once per session and served over HTTP on 127.0.0.1."""
    yield from build_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def trust_store(db: Any, test_pki: TestPki, settings: Any) -> TestPki:
    """The root and the intermediate CA in MotCua's trust store; time stamps from the test TSA."""
    from motcua.documents.models import TrustedCertificate

    TrustedCertificate.from_file(test_pki.cert_der("root"), name="Test root", kind="root").save()
    TrustedCertificate.from_file(
        test_pki.cert_der("interm"), name="Test issuing CA", kind="intermediate"
    ).save()
    settings.MOTCUA_TSA_URL = test_pki.tsa_url
    settings.MOTCUA_SIGNING_FETCH_REVOCATION = True
    return test_pki


@pytest.fixture
def signed_result_pdf(trust_store: TestPki) -> bytes:
    """A WeasyPrint PDF signed by "leader" (personal) then by "org" (organisation), PKCS#12."""
    from motcua.documents import engine
    from motcua.documents.signing.appearance import Appearance
    from motcua.documents.signing.backends import Pkcs12Backend
    from motcua.documents.signing.pades import sign_pdf

    pdf = engine.write_pdf(
        "<h1>QUYẾT ĐỊNH</h1><p>Về việc cấp giấy phép</p>", base_url="http://127.0.0.1:8000/"
    )
    pdf = sign_pdf(
        pdf,
        backend=Pkcs12Backend(trust_store.pkcs12("leader"), PASSPHRASE),
        appearance=Appearance(purpose="personal", signer_name="Nguyễn Văn An", title="Giám đốc"),
        field_name="Signature1",
    )
    return sign_pdf(
        pdf,
        backend=Pkcs12Backend(trust_store.pkcs12("org"), PASSPHRASE),
        appearance=Appearance(
            purpose="organisation",
            signer_name="Sở Tư pháp tỉnh Thái Nguyên",
            number_notation="125/QĐ-STP",
        ),
        field_name="Signature2",
    )


@dataclass(frozen=True)
class SoftHsmToken:
    """A SoftHSM2 token holding one signer's key and certificate (with its chain)."""

    module_path: str
    token_label: str
    pin: str
    key_label: str
    cert_label: str


@pytest.fixture(scope="session")
def softhsm_token(test_pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    """A real SoftHSM2 token (in a temporary directory) with the "leader" key, PIN 1234.

    SOFTHSM2_CONF points at the temporary configuration for the rest of the session."""
    if not (Path(SOFTHSM_MODULE).exists() and shutil.which("softhsm2-util")):
        pytest.skip("SoftHSM2 is not installed")
    from certomancer.integrations.alchemist import Alchemist, DefaultAlchemistBackend
    from certomancer.integrations.alchemist import open_pkcs11_session as alchemist_session
    from certomancer.registry import CertLabel

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            *("softhsm2-util", "--init-token", "--free", "--label", "motcua-test"),
            *("--so-pin", "5678", "--pin", "1234"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with alchemist_session(SOFTHSM_MODULE, token_label="motcua-test", pin="1234") as session:
        Alchemist(DefaultAlchemistBackend(session), test_pki.arch).store_key_bundles(
            {CertLabel("leader")}, include_chains=True
        )
    return SoftHsmToken(
        module_path=SOFTHSM_MODULE,
        token_label="motcua-test",
        pin="1234",
        key_label="leader",
        cert_label="leader",
    )
