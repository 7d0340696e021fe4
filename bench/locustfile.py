"""The benchmark's scenarios, one user class each (bench/run.py runs them one at a time).

Every request of a scenario is named after it, so locust's stats CSV has one row per scenario;
signing in (on_start) is named "login" and left out of the results; it happens once per
account and the users of a scenario share that session (a password check costs about 0.3 s of
CPU, so 16 sign-ins would eat a short run). Users do not wait between
requests: N users means N requests in flight. Keys come from the JSON that bench/prepare.py
wrote (BENCH_FIXTURE).
"""

import json
import os
import random

from gevent.lock import Semaphore
from locust import HttpUser, constant, task

with open(os.environ.get("BENCH_FIXTURE", "bench/results/fixture.json")) as _file:
    FIXTURE = json.load(_file)
WORDS = ["khai sinh", "kết hôn", "đất đai", "hộ tịch", "chứng thực", "giấy phép", "đăng ký"]


SESSIONS: dict[str, str] = {}
SIGN_IN = Semaphore()


class Base(HttpUser):
    abstract = True
    wait_time = constant(0)

    def login(self, username: str) -> None:
        with SIGN_IN:
            if username not in SESSIONS:
                SESSIONS[username] = self._sign_in(username)
        self.client.cookies.set("sessionid", SESSIONS[username])

    def _sign_in(self, username: str) -> str:
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
        return str(self.client.cookies["sessionid"])


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
