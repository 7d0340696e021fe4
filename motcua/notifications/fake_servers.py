"""Small real HTTP servers on this machine, for tests, benchmarks and development: a fake SMS
gateway speaking the generic JSON protocol of `channels.sms.JsonHttpGateway`
(`manage.py fake_sms_gateway` runs one) and a webhook receiver that keeps what arrived.

Each records every request (headers, raw body, arrival time) and answers with the next status
of its `statuses` script, then 200 once the script is used up. Nothing here is used when serving
citizens; it only stands in for the receivers outside.
"""

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float  # time.time()
    status: int  # what the server answered

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class _State:
    statuses: list[int] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        port: int = 0,
        *,
        statuses: Iterable[int] = (),
        on_arrival: Callable[[Arrival], None] | None = None,
    ) -> None:
        self.state = _State(statuses=list(statuses))
        self.on_arrival = on_arrival
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with owner.state.lock:
                    status = owner.state.statuses.pop(0) if owner.state.statuses else 200
                    arrival = Arrival(self.path, headers, body, time.time(), status)
                    owner.state.arrivals.append(arrival)
                    number = len(owner.state.arrivals)
                answer = owner.answer(arrival, number)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                if owner.on_arrival is not None:
                    owner.on_arrival(arrival)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the arrivals are the log

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    def answer(self, arrival: Arrival, number: int) -> bytes:
        return b'{"ok": true}' if 200 <= arrival.status < 300 else b'{"error": "scripted"}'

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def arrivals(self) -> list[Arrival]:
        with self.state.lock:
            return list(self.state.arrivals)

    def script(self, *statuses: int) -> None:
        """Answer the next requests with these statuses (then 200 again)."""
        with self.state.lock:
            self.state.statuses = list(statuses)

    def start(self) -> "_Server":
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self.thread is not None:
            self.httpd.shutdown()
            self.thread.join()
            self.thread = None
        self.httpd.server_close()


class FakeSmsGateway(_Server):
    """Answers a 2xx with `{"id": "fake-<n>"}`, the gateway's message id."""

    def answer(self, arrival: Arrival, number: int) -> bytes:
        if 200 <= arrival.status < 300:
            return json.dumps({"id": f"fake-{number}", "status": "accepted"}).encode()
        return json.dumps({"error": f"scripted HTTP {arrival.status}"}).encode()


class WebhookReceiver(_Server):
    """Keeps every delivery: verify its signature with the secret the test knows."""
