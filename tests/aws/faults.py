"""A moto server behind a WSGI layer that returns an AWS error for chosen requests.

Real AWS gives errors that moto never returns (AccessDenied on a role,
throttling, a region that is not enabled). The injector recognises the
operation from the request (X-Amz-Target for JSON protocols, the CBOR path
for CloudWatch, ``Action=`` for query protocols) and the region from the
SigV4 credential scope, and returns the error in that protocol's format.
"""

from __future__ import annotations

import io
import json
import re
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass(frozen=True)
class Fault:
    """An error `code` returned for requests of `operation`, optionally only in `region` or when the body contains `match`."""

    operation: str
    code: str
    match: str | None = None
    region: str | None = None
    status: int = 400
    message: str = "injected by the test"

    def applies(self, operation: str, region: str | None, body: str) -> bool:
        if self.operation not in ("*", operation):
            return False
        if self.region is not None and self.region != region:
            return False
        return self.match is None or self.match in body


class FaultInjector:
    """WSGI middleware: checks each request against the faults, else passes it to moto."""

    def __init__(self, app) -> None:
        self.app = app
        self.faults: list[Fault] = []
        self.hits: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.hits.clear()

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        text = body.decode("utf-8", "replace")

        target = environ.get("HTTP_X_AMZ_TARGET", "")
        path = environ.get("PATH_INFO", "")
        if target:
            operation, protocol = target.rsplit(".", 1)[-1], "json"
        elif "/operation/" in path:
            operation, protocol = path.rsplit("/", 1)[-1], "cbor"
        else:
            operation, protocol = parse_qs(text).get("Action", [""])[0], "query"
        scope = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        region = scope.group(1) if scope else None

        with self._lock:
            fault = next((fault for fault in self.faults if fault.applies(operation, region, text)), None)
            if fault is not None:
                self.hits.append((operation, fault.code))
        if fault is None:
            return self.app(environ, start_response)
        return self._error(fault, protocol, start_response)

    def _error(self, fault: Fault, protocol: str, start_response):
        if protocol == "json":
            payload = json.dumps({"__type": fault.code, "message": fault.message}).encode()
            content_type = "application/x-amz-json-1.1"
        else:
            # Query-protocol services (STS, EC2, IAM) return an XML ErrorResponse.
            payload = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
                f"<Message>{fault.message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
            ).encode()
            content_type = "text/xml"
        start_response(f"{fault.status} Error", [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
        return [payload]


class FaultyMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose WSGI app sits behind a FaultInjector (see `injector`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.injector = FaultInjector(DomainDispatcherApplication(create_backend_app))

    def _server_entry(self) -> None:
        self._server = make_server(self._ip_address, self._port, self.injector, True)
        self._server_ready_event.set()
        self._server.serve_forever()
