"""A small OpenID Connect provider on loopback for the single sign-on tests (http.server + joserfc, Authlib's JOSE).

It serves what ``st.login`` (Authlib) needs: the discovery document, an authorize endpoint that approves at
once (signing in ``provider.user``), a token endpoint returning an RS256-signed ID token (checking the
client's secret, the one-time code, the redirect URI and the PKCE verifier), the JWKS and userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwk, jwt

CLIENT_ID, CLIENT_SECRET = "resettle-dashboard", "test-client-secret"


class Provider:
    """The provider: ``user`` holds the claims of whoever signs in next; ``url`` is its issuer."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.key = jwk.RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"}, private=True)
        self.user: dict[str, object] = {}
        self.codes: dict[str, dict] = {}  # one-time authorization codes -> what the authorize request carried
        self.tokens: dict[str, dict] = {}  # access token -> the claims it stands for
        self.requests: list[str] = []  # paths served, for the tests to check the flow really went here
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict:
        """The ``/.well-known/openid-configuration`` document."""
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """Approve the request for ``user``: the redirect back to the client with a one-time code."""
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            raise PermissionError("unknown client or response type")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {**query, "user": dict(self.user)}
        back = {"code": code, "state": query.get("state", "")}
        return f"{query['redirect_uri']}?{urllib.parse.urlencode(back)}"

    def token(self, form: dict[str, str], authorization: str) -> dict:
        """Exchange a code for tokens, checking the client, the code, the redirect URI and PKCE."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            client_id, secret = (urllib.parse.unquote(p) for p in pair.split(":", 1))
        grant = self.codes.pop(form.get("code", ""), None)  # a code is good once
        if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET) or grant is None:
            raise PermissionError("bad client or code")
        if grant["redirect_uri"] != form.get("redirect_uri"):
            raise PermissionError("redirect_uri differs")
        if "code_challenge" in grant:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["code_challenge"]:
                raise PermissionError("PKCE verifier does not match")
        return self._tokens(grant)

    def _tokens(self, grant: dict) -> dict:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 600, **grant["user"]}
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        access = secrets.token_urlsafe(16)
        self.tokens[access] = grant["user"]
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        return {"access_token": access, "token_type": "Bearer", "expires_in": 600, "id_token": id_token}

    def jwks(self) -> dict:
        """The public key set the client verifies ID tokens with."""
        return {"keys": [self.key.as_dict(private=False)]}


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _json(self, body: dict, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            provider.requests.append(path)
            try:
                if path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if path == "/jwks":
                    return self._json(provider.jwks())
                if path == "/authorize":
                    location = provider.authorize(dict(urllib.parse.parse_qsl(query)))
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.end_headers()
                    return None
                if path == "/userinfo":
                    user = provider.tokens.get(self.headers.get("Authorization", "")[7:])
                    return self._json(user) if user else self._json({"error": "invalid_token"}, 401)
                return self._json({"error": "not_found"}, 404)
            except PermissionError as exc:
                return self._json({"error": "access_denied", "error_description": str(exc)}, 400)

        def do_POST(self) -> None:
            provider.requests.append(self.path)
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            try:
                return self._json(provider.token(form, self.headers.get("Authorization", "")))
            except PermissionError as exc:
                return self._json({"error": "invalid_grant", "error_description": str(exc)}, 400)

    return Handler
