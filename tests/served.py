"""Real processes for the tests of what several app servers share: a ``redis-server`` of
their own, and Safkat served by separate Python processes (as gunicorn workers or
machines behind a load balancer would be), spoken to over HTTP."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

NO_REDIS = "redis-server is not installed (apt-get install redis-server) and SAFKAT_TEST_REDIS_URL is not set"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throw-away ``redis-server`` on a free local port: nothing saved, stopped at the end."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: client(self.url).ping(), f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def redis_for_tests():
    """A Redis URL for a module's tests and a function that stops what was started:
    ``SAFKAT_TEST_REDIS_URL`` when set (``.ci/run`` sets it, so CI cannot skip: an
    unreachable one fails), else a ``redis-server`` of our own, else a skip saying why."""
    pytest.importorskip("redis", reason="the redis package is missing: pip install -e '.[test]'")
    url = os.environ.get("SAFKAT_TEST_REDIS_URL")
    if url:
        client(url).ping()
        return url, lambda: None
    if not shutil.which("redis-server"):
        pytest.skip(NO_REDIS)
    server = RedisServer().start()
    return server.url, server.stop


def wait_for(ready, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start in {timeout:.0f} s")
        time.sleep(0.05)


def _serve(environment: dict[str, str], port: int) -> None:
    """Run in a new process: Safkat configured from ``SAFKAT_*`` variables, as in production."""
    os.environ.update(environment)
    from werkzeug.serving import make_server

    from safkat import create_app
    from safkat.notifications.transports import MemoryTransport

    app = create_app({"ARGON2_PROFILE": "fast", "WTF_CSRF_ENABLED": False, "MAIL_TRANSPORT": MemoryTransport()})
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


class Served:
    """Safkat in a process of its own, on a free port."""

    def __init__(self, environment: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        context = multiprocessing.get_context("spawn")  # a fresh interpreter, nothing inherited
        self.process = context.Process(target=_serve, args=(environment, self.port), daemon=True)

    def start(self) -> Served:
        self.process.start()

        def answers() -> bool:
            if not self.process.is_alive():
                raise RuntimeError(f"the served app exited with code {self.process.exitcode}")
            return self.get("/healthz").status == 200

        wait_for(answers, f"Safkat on port {self.port}")
        return self

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=10)

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, form: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, method="POST"))

    @staticmethod
    def _open(request: urllib.request.Request) -> Answer:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())
