"""A fake Azure Resource Manager endpoint on 127.0.0.1 for the Azure adapter tests.

The server speaks HTTPS with a certificate signed by a throwaway CA that the
test generates, because the SDK's bearer-token policy refuses plain HTTP.
It serves ARM-shaped JSON from a route table, pages lists with absolute
``nextLink`` URLs, returns ARM's 404 error body for unknown paths, rejects a
missing or wrong bearer token with 401, and records every request it sees.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Reply:
    """One canned HTTP response."""

    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)


def arm_error(status: int, code: str, message: str, **headers: str) -> Reply:
    """Return a reply with ARM's error body shape: {"error": {"code", "message"}}."""
    return Reply(status, {"error": {"code": code, "message": message}}, dict(headers))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    authorization: str | None


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """Write a CA certificate and a server certificate and key for 127.0.0.1; return (ca, cert, key) paths."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "streamaudit test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    ca_path, cert_path, key_path = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_path, cert_path, key_path


class FakeArm:
    """The server. `routes` maps a route key (see :func:`route_key`) to the replies served in turn.

    The last reply of a route repeats once the earlier ones are used up, so
    ``[429, 200]`` throttles once and then returns data.
    """

    def __init__(self, folder: Path, token: str) -> None:
        self.ca_path, cert_path, key_path = write_certificates(folder)
        self.token = token
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-arm", daemon=True)

    def __enter__(self) -> "FakeArm":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply(self, key: str) -> Reply:
        with self._lock:
            replies = self.routes.get(key)
            if not replies:
                return arm_error(404, "ResourceNotFound", f"The resource '{key}' was not found.")
            index = self._served.get(key, 0)
            self._served[key] = index + 1
            return replies[min(index, len(replies) - 1)]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - BaseHTTPRequestHandler's signature
                pass

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                request = Request(self.command, parts.path, query, self.headers.get("Authorization"))
                with fake._lock:
                    fake.requests.append(request)

                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)

                if self.command != "GET":
                    reply = arm_error(405, "MethodNotAllowed", f"The fake ARM server serves reads only, not {self.command}.")
                elif request.authorization != f"Bearer {fake.token}":
                    reply = arm_error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.")
                else:
                    reply = fake.reply(route_key(parts.path, query))
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                payload = json.dumps(reply.body if reply.body is not None else {}).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-ms-request-id", "00000000-0000-0000-0000-000000000000")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

        return Handler


def route_key(path: str, query: dict[str, list[str]] | None = None) -> str:
    """Return the route key of a request: the lower-cased path (ARM paths ignore case) plus its page token."""
    token = (query or {}).get("$skiptoken")
    return path.lower().rstrip("/") + (f"?$skiptoken={token[0]}" if token else "")
