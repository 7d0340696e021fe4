"""The benchmark's scenarios, one user class each (bench/run.py runs them one at a time).

Every request of a scenario is named after it, so locust's stats CSV has one row per scenario;
other requests (signing in, opening the application form) have other names and are left out of
the results. bench/run.py signs every account in once through the real login form before the
runs and puts the session cookies in the fixture; the users of a scenario that acts as one
account share its session (a password check costs about 0.3 s of CPU, so 16 sign-ins would eat
a short run). Users do not wait between requests: N users means N requests in flight. Keys come
from the JSON that bench/prepare.py wrote (BENCH_FIXTURE).

The write scenarios take their dossiers from pools (prepare.py made one slice per run, picked by
BENCH_USERS): each user pops the next dossier of the shared list, so no dossier is acted on
twice; a user whose pool is empty stops. The submission scenario gives each user its own
citizen account (one draft per account and procedure).
"""

import base64
import json
import os
import random
import re
import struct
import zlib
from collections import deque
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gevent.lock import Semaphore
from locust import HttpUser, constant, task
from locust.exception import StopUser

with open(os.environ.get("BENCH_FIXTURE", "bench/results/fixture.json")) as _file:
    FIXTURE = json.load(_file)
WORDS = ["khai sinh", "kết hôn", "đất đai", "hộ tịch", "chứng thực", "giấy phép", "đăng ký"]


SESSIONS: dict[str, dict[str, str]] = dict(FIXTURE.get("sessions", {}))
SIGN_IN = Semaphore()


class Base(HttpUser):
    abstract = True
    wait_time = constant(0)
    csrf = ""

    def login(self, username: str) -> None:
        with SIGN_IN:
            if username not in SESSIONS:
                SESSIONS[username] = self._sign_in(username)
        for name, value in SESSIONS[username].items():
            self.client.cookies.set(name, value)
        self.csrf = SESSIONS[username].get("csrftoken", "")

    def _sign_in(self, username: str) -> dict[str, str]:
        self.client.get("/tai-khoan/login/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        response = self.client.post(
            "/tai-khoan/login/",
            {"login": username, "password": FIXTURE["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/tai-khoan/login/"},
            name="login",
        )
        if "sessionid" not in self.client.cookies:
            raise RuntimeError(f"{username} could not sign in ({response.status_code})")
        return {
            "sessionid": str(self.client.cookies["sessionid"]),
            "csrftoken": str(self.client.cookies.get("csrftoken", "")),
        }


class Healthz(Base):
    """The physical reference: a trivial Django view (no database)."""

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")


class Lookup(Base):
    """Public lookup of a dossier by its code (/tra-cuu/?ma=)."""

    @task
    def lookup(self) -> None:
        self.client.get(f"/tra-cuu/?ma={random.choice(FIXTURE['codes'])}", name="lookup")


class ProcedureSearch(Base):
    """Public procedure search (/thu-tuc/?q=)."""

    @task
    def procedure_search(self) -> None:
        self.client.get(f"/thu-tuc/?q={random.choice(WORDS)}", name="procedure_search")


class Worklist(Base):
    """A reception officer's "whole agency" worklist, first page."""

    def on_start(self) -> None:
        self.login(FIXTURE["officer"])

    @task
    def worklist(self) -> None:
        self.client.get("/can-bo/ho-so/?list=agency", name="worklist")


class DossierOpen(Base):
    """An officer opens a dossier (/can-bo/ho-so/<code>/)."""

    def on_start(self) -> None:
        self.login(FIXTURE["officer"])

    @task
    def dossier_open(self) -> None:
        self.client.get(f"/can-bo/ho-so/{random.choice(FIXTURE['codes'])}/", name="dossier_open")


class MyDossiers(Base):
    """The citizen's "my dossiers" page."""

    def on_start(self) -> None:
        self.login(FIXTURE["citizen"])

    @task
    def my_dossiers(self) -> None:
        self.client.get("/ho-so-cua-toi/", name="my_dossiers")


class ApiDossiers(Base):
    """The API's dossier list with a token (first page)."""

    @task
    def api_dossiers(self) -> None:
        self.client.get(
            "/api/v1/dossiers",
            headers={"Authorization": f"Token {FIXTURE['token']}"},
            name="api_dossiers",
        )


class Statistics(Base):
    """The statistics table of the officer's agency (the province's receiving agency, so the
    whole province) over the last 365 days, one row per agency (/can-bo/thong-ke/)."""

    def on_start(self) -> None:
        self.login(FIXTURE["officer"])

    @task
    def statistics(self) -> None:
        today = datetime.now(tz=ZoneInfo("Asia/Ho_Chi_Minh")).date()
        period = f"date_from={today - timedelta(days=364):%Y-%m-%d}&date_to={today:%Y-%m-%d}"
        self.client.get(f"/can-bo/thong-ke/?{period}&group_by=agency", name="statistics")


class Transparency(Base):
    """The public transparency page (/minh-bach/?ky=thang|quy|nam), no login, as deployed:
    its numbers come from the cache (MOTCUA_TRANSPARENCY_CACHE_SECONDS, 5 minutes by default;
    local memory, so each gunicorn worker counts each period once)."""

    @task
    def transparency(self) -> None:
        period = random.choice(["thang", "quy", "nam"])
        self.client.get(f"/minh-bach/?ky={period}", name="transparency")


# --- writes -----------------------------------------------------------------------------------


def _pool(name: str) -> deque[list]:
    """This run's slice of a pool (all slices when BENCH_USERS is not set: a run by hand)."""
    slices = FIXTURE.get("pools", {}).get(name, {})
    wanted = os.environ.get("BENCH_USERS", "")
    keys = slices.get(wanted) if wanted else [key for part in slices.values() for key in part]
    return deque(keys or [])


POOLS = {"accept": _pool("accept"), "forward": _pool("forward")}
CITIZENS = deque(FIXTURE.get("citizens", []))


def _pdf(text: str) -> bytes:
    """A real one-page PDF (what libmagic and any reader accept), a few hundred bytes."""
    content = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png(width: int = 8, height: int = 8) -> bytes:
    """A real grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


ATTACHMENTS = [
    ("to-khai.pdf", _pdf("To khai dang ky khai sinh (benchmark)"), "application/pdf"),
    ("giay-chung-sinh.pdf", _pdf("Giay chung sinh (benchmark)"), "application/pdf"),
    ("can-cuoc.png", _png(), "image/png"),
]


def _answers() -> dict[str, str]:
    """The birth registration form (e-form of 1.001193) filled in by a mother."""
    born = datetime.now(tz=ZoneInfo("Asia/Ho_Chi_Minh")).date() - timedelta(days=10)
    answers = {
        "applicant_name": "Nguyễn Thị Thử",
        "applicant_address": "Xã Thử Tải (benchmark)",
        "applicant_id_number": "001199000123",
        "relationship": "me",
        "applicant_phone": "0912345678",
        "applicant_email": "",
        "child_name": "Nguyễn Văn Tải",
        "child_birth_date": born.isoformat(),
        "child_sex": "nam",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "child_birth_place": "Trạm y tế xã Thử Tải (benchmark)",
        "child_hometown": "Xã Thử Tải (benchmark)",
        "mother_name": "Nguyễn Thị Thử",
        "mother_birth_year": "1995",
        "mother_ethnicity": "Kinh",
        "mother_nationality": "Việt Nam",
        "mother_residence": "Xã Thử Tải (benchmark)",
    }
    return {f"f-{key}": value for key, value in answers.items()}


class Submit(Base):
    """Online submission of a birth registration (1.001193) with its three papers, as the
    citizen's browser sends it: one multipart POST of the application page with the e-form
    answers, the receiving agency, a file in each of the three required slots and the "submit"
    button. The draft is kept, the files checked by their content, the dossier registered and
    the draft deleted; the answer is the redirect to the confirmation page (not followed).
    Each user is its own benchmark citizen and opens the form once first (not measured)."""

    def on_start(self) -> None:
        if not CITIZENS:
            raise StopUser()
        self.login(CITIZENS.popleft())
        self.url = f"/nop-ho-so/{FIXTURE['procedure']}/"
        self.open_form()

    def open_form(self) -> None:
        page = self.client.get(self.url, name="submit_form").text
        version = re.search(r'name="draft_version" value="(\d+)"', page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        self.version = version.group(1) if version else "0"
        self.csrf = token.group(1) if token else self.csrf

    @task
    def submit(self) -> None:
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "draft_version": self.version,
            "agency": FIXTURE["agency"],
            "delivery": "counter",  # the result at the counter
            "declaration": "1",  # the applicant's declaration (cam đoan)
            "submit": "1",
            **_answers(),
        }
        files = [
            (slot, attachment)
            for slot, attachment in zip(FIXTURE["components"], ATTACHMENTS, strict=True)
        ]
        with self.client.post(
            self.url,
            data=data,
            files=files,
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/nop-ho-so/da-nop/" in response.headers.get(
                "Location", ""
            ):
                self.version = "0"  # the draft became the dossier
                return
            response.failure(f"not submitted: {response.status_code}")
        self.open_form()


class _Act(Base):
    """One act of the back office's act form (/can-bo/ho-so/<key>/thao-tac/) on the next dossier
    of the pool, by the benchmark commune's reception officer; success is the redirect to the
    dossier (not followed)."""

    abstract = True
    act = ""

    def on_start(self) -> None:
        self.login(FIXTURE["reception"])

    def perform(self) -> None:
        pool = POOLS[self.act]
        if not pool:
            raise StopUser()
        key, version = pool.popleft()
        with self.client.post(
            f"/can-bo/ho-so/{key}/thao-tac/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "act": self.act,
                f"{self.act}-version": str(version),
                f"{self.act}-comment": "",
            },
            name=self.act,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.act} refused: {response.status_code}")


class Accept(_Act):
    """Accepting an online application waiting at the one-stop desk (code, due date, first
    step of the process, the applicant's receipt with its PDF slip queued)."""

    act = "accept"

    @task
    def accept(self) -> None:
        self.perform()


class Forward(_Act):
    """Forwarding an accepted dossier from the reception step to the specialist's step."""

    act = "forward"

    @task
    def forward(self) -> None:
        self.perform()


# --- signing and verifying --------------------------------------------------------------------


def _sign_pool() -> deque[list]:
    slices = FIXTURE.get("sign_pool", {})
    wanted = os.environ.get("BENCH_USERS", "")
    keys = slices.get(wanted) if wanted else [key for part in slices.values() for key in part]
    return deque(keys or [])


SIGN_POOL = _sign_pool()
SEALED_PDF = base64.b64decode(FIXTURE.get("sealed_pdf", ""))


class VerifyResult(Base):
    """Public verification of an e-result (POST /api/v1/verify, multipart `file`, no login): a
    result of the demo department signed by its leader and sealed by its clerk, PAdES B-LT
    (two signatures, each with a time stamp and revocation data). The answer must say valid and
    name the dossier. The API's per-address limit is lifted (bench/settings.py)."""

    @task
    def verify_result(self) -> None:
        with self.client.post(
            "/api/v1/verify",
            files={"file": ("ket-qua.pdf", SEALED_PDF, "application/pdf")},
            name="verify_result",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"verify: {response.status_code}")
            elif not (response.json().get("valid") and response.json().get("dossier")):
                response.failure("verify: not valid or not recognised as issued")


class SignResult(Base):
    """The demo leader signs the next unsigned result of the pool with their personal
    certificate (PKCS#12 held by the server, unlocked by the PIN): PAdES B-LT with the QR code
    of the verification link, a time stamp of the local TSA and the demo CRLs embedded, through
    POST /api/v1/dossiers/<key>/results/<id>/sign with the leader's API token. Success is 200
    with the signed file's details."""

    @task
    def sign_result(self) -> None:
        if not SIGN_POOL:
            raise StopUser()
        key, file_id = SIGN_POOL.popleft()
        with self.client.post(
            f"/api/v1/dossiers/{key}/results/{file_id}/sign",
            json={"pin": FIXTURE["sign_pin"]},
            headers={"Authorization": f"Token {FIXTURE['sign_token']}"},
            name="sign_result",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"sign refused: {response.status_code} {response.text[:200]}")
