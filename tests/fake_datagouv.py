"""A small stand-in for the data.gouv.fr API v1, served on 127.0.0.1.

It implements the calls the publication client makes, keeps what it
receives in memory, and can be told to fail: refuse the key (401),
answer 404, 413 or 500 on uploads, or answer too late.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_KEY = "cle-de-test"


class FakeDataGouv:
    """The server's state and its failure switches."""

    def __init__(self):
        self.datasets: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.upload_status: int | None = None
        self.fail_after_uploads: int | None = None
        self.delay_s = 0.0
        self.uploads = 0
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True
        )

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeDataGouv

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: object = None) -> None:
        data = json.dumps(body if body is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length)

    def _handle(self, method: str) -> None:
        fake = self.fake
        body = self._body()
        with fake.lock:
            fake.requests.append((method, self.path))
        if fake.delay_s:
            time.sleep(fake.delay_s)
        if self.headers.get("X-API-KEY") != GOOD_KEY:
            return self._send(401, {"message": "Invalid API Key"})
        path = self.path.split("?")[0]

        if method == "GET" and re.fullmatch(
            r"/api/1/(me|organizations/[^/]+)/datasets/", path
        ):
            data = list(fake.datasets.values())
            if path.startswith("/api/1/me/"):
                return self._send(200, data)
            return self._send(200, {"data": data, "total": len(data)})
        if method == "POST" and path == "/api/1/datasets/":
            payload = json.loads(body)
            dataset_id = uuid.uuid4().hex[:24]
            fake.datasets[dataset_id] = {
                **payload, "id": dataset_id, "resources": [],
            }
            return self._send(201, fake.datasets[dataset_id])

        match = re.fullmatch(r"/api/1/datasets/([^/]+)/(.*)", path)
        if not match or match[1] not in fake.datasets:
            return self._send(404, {"message": "Not found"})
        dataset = fake.datasets[match[1]]
        rest = match[2]
        if method == "GET" and rest == "":
            return self._send(200, dataset)
        if method == "PUT" and rest == "":
            dataset.update(json.loads(body))
            return self._send(200, dataset)
        upload = re.fullmatch(r"(?:resources/([^/]+)/)?upload/", rest)
        if method == "POST" and upload:
            return self._upload(dataset, upload[1], body)
        return self._send(404, {"message": "Not found"})

    def _upload(self, dataset: dict, resource_id, body: bytes) -> None:
        fake = self.fake
        if fake.upload_status:
            return self._send(fake.upload_status, {"message": "refused"})
        if (fake.fail_after_uploads is not None
                and fake.uploads >= fake.fail_after_uploads):
            return self._send(503, {"message": "Service Unavailable"})
        name = re.search(rb'filename="([^"]+)"', body)
        if not name:
            return self._send(400, {"message": "no file"})
        title = name[1].decode()
        fake.uploads += 1
        for resource in dataset["resources"]:
            if resource["id"] == resource_id:
                resource["size"] = len(body)
                return self._send(200, resource)
        if resource_id:
            return self._send(404, {"message": "Resource not found"})
        resource = {"id": str(uuid.uuid4()), "title": title,
                    "size": len(body)}
        dataset["resources"].append(resource)
        return self._send(201, resource)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")
