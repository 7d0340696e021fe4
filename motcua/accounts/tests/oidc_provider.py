"""A tiny but real OpenID Connect provider for tests, standing in for the national (VNeID-style)
identity provider: discovery document, JWKS, authorization code flow with PKCE (S256), an
RS256-signed ID token and userinfo, served by http.server in a thread on 127.0.0.1.

The user is taken as already signed in at the provider, so /authorize sends the browser
straight back with a code. Tests change `citizen` for another person and `audience` or
`issuer` to make the provider misbehave."""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "motcua-test"
CLIENT_SECRET = "test-secret-not-for-production"
KEY_ID = "test-key-1"

CITIZEN = {
    "sub": "vneid-001",
    "name": "Nguyễn Văn An",
    "email": "an.nguyen@example.vn",
    "email_verified": True,
    "citizen_id": "001090012345",
    "phone_number": "+84912000111",
}


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class OidcProvider:
    citizen: dict[str, Any] = field(default_factory=lambda: dict(CITIZEN))
    audience: str | None = None  # None: the client id, as it should be
    issuer: str | None = None  # None: the provider's own URL
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider._handle(self, "GET")

            def do_POST(self) -> None:
                provider._handle(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ endpoints

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        self.requests.append(f"{method} {parts.path}")
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/token"): self._token,
            ("GET", "/userinfo"): self._userinfo,
        }
        route = routes.get((method, parts.path))
        if route is None:
            _send(handler, 404, {"error": "not_found"})
            return
        route(handler, parse_qs(parts.query))

    def _discovery(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        _send(
            handler,
            200,
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_post",
                    "client_secret_basic",
                ],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "email"],
            },
        )

    def _jwks(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        _send(handler, 200, {"keys": [jwk | {"kid": KEY_ID, "use": "sig", "alg": "RS256"}]})

    def _authorize(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        params = {name: values[0] for name, values in query.items()}
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != CLIENT_ID or not redirect_uri:
            _send(handler, 400, {"error": "invalid_client"})
            return
        if (
            params.get("response_type") != "code"
            or "openid" not in params.get("scope", "").split()
            or params.get("code_challenge_method") != "S256"
            or not params.get("code_challenge")
        ):
            error = {"error": "invalid_request", "state": params.get("state", "")}
            _redirect(handler, redirect_uri, error)
            return
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=CLIENT_ID,
            redirect_uri=redirect_uri,
            code_challenge=params["code_challenge"],
            nonce=params.get("nonce"),
            claims=dict(self.citizen),
        )
        _redirect(handler, redirect_uri, {"code": code, "state": params.get("state", "")})

    def _token(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = handler.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(basic[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            _send(handler, 401, {"error": "invalid_client"})
            return
        grant = self.grants.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.redirect_uri != form.get("redirect_uri")
            or grant.code_challenge != challenge
        ):
            _send(handler, 400, {"error": "invalid_grant"})
            return
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant.claims
        now = int(time.time())
        id_claims = grant.claims | {
            "iss": self.issuer or self.url,
            "aud": self.audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
        }
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = jwt.encode(id_claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        _send(
            handler,
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )

    def _userinfo(self, handler: BaseHTTPRequestHandler, query: dict) -> None:
        auth = handler.headers.get("Authorization", "")
        claims = self.tokens.get(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or claims is None:
            _send(handler, 401, {"error": "invalid_token"})
            return
        _send(handler, 200, claims)


def _send(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _redirect(handler: BaseHTTPRequestHandler, uri: str, params: dict[str, str]) -> None:
    handler.send_response(302)
    handler.send_header("Location", f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}")
    handler.send_header("Content-Length", "0")
    handler.end_headers()
