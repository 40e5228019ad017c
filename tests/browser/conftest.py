"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1.

The live server has its own SQLite database (real commits, no rollback), reset per test.
Its clock is the real one, which a test may move forward (``live_server.travel(days=11)``)
to pass a deadline or a standstill period: the only hook the tests have into the server.
"""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from safkat import create_app
from safkat.clock import SystemClock
from safkat.db import Database
from safkat.http_cache import rendered
from safkat.notifications.transports import MemoryTransport
from tests.conftest import reset_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser test: {CHROMIUM} is missing (.ci/run installs Debian's chromium)")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which the site's CSP rightly forbids.
    return {**browser_context_args, "bypass_csp": True}


class TravelClock(SystemClock):
    """The real clock, moved forward by what the test asked for."""

    def __init__(self):
        self.offset = timedelta()

    def now(self) -> datetime:
        return super().now() + self.offset


class LiveServer:
    def __init__(self, app, mailbox):
        self.app, self.mailbox = app, mailbox
        self.clock = app.extensions["safkat.clock"]
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def travel(self, **delta: float) -> None:
        """Move the server's time forward; pages cached for the old time are dropped."""
        self.clock.offset += timedelta(**delta)
        rendered.clear()

    def forget_rate_limits(self) -> None:
        """Start the rate limits' counts again (a test that is, in effect, several visitors)."""
        from safkat.extensions import limiter

        limiter.reset()

    def local_time(self, days: float, hour: int = 10) -> str:
        """The server's now plus ``days``, at ``hour`` Algiers time, as a datetime-local field wants it."""
        moment = (self.clock.now() + timedelta(days=days)).astimezone(ZoneInfo("Africa/Algiers"))
        return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")

    def mail_to(self, address: str) -> list:
        """The e-mails sent to ``address`` so far, oldest first, once the e-mail sender has
        run (as cron runs it every minute: it sends those whose PDF it has to issue)."""
        result = self.app.test_cli_runner().invoke(args=["notifications", "send"])
        assert result.exit_code == 0, result.output
        return [message for message in self.mailbox.sent if message["To"] == address]

    def seed_demo(self) -> None:
        from safkat.demo import seed

        with self.app.app_context():
            database = self.app.extensions["safkat.db"]
            with database.session() as session, session.begin():
                seed(
                    session,
                    self.app.extensions["safkat.hasher"],
                    self.app.extensions["safkat.clock"].now(),
                    self.app.extensions["safkat.files"],
                    self.app.extensions["safkat.keys"],
                )

    def sample_tender_pages(self) -> list[str]:
        """The public page of one tender in each public state of the demo data."""
        from sqlalchemy import select

        from safkat.tenders.models import Tender
        from safkat.tenders.services import public_status

        pages = {}
        with self.app.app_context():
            database = self.app.extensions["safkat.db"]
            now = self.app.extensions["safkat.clock"].now()
            with database.session() as session:
                for tender in session.scalars(select(Tender).where(Tender.reference.is_not(None))):
                    pages.setdefault(public_status(tender, now), f"/tenders/{tender.url_reference}")
        return sorted(pages.values())

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(tmp_path):
    engine = reset_database(f"sqlite:///{tmp_path / 'live.db'}")
    mailbox = MemoryTransport()
    app = create_app(
        {
            "DATABASE": Database(engine=engine),
            "CLOCK": TravelClock(),
            "MAIL_TRANSPORT": mailbox,
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    app.config["BASE_URL"] = "http://127.0.0.1"
    with LiveServer(app, mailbox) as server:
        app.config["BASE_URL"] = server.url
        yield server
    engine.dispose()
    shutil.rmtree(tmp_path / "uploads", ignore_errors=True)
