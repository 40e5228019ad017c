"""One operation in a process of its own, for tests/ops/test_sigkill.py to kill.

    python -m tests.ops.fault_worker '<json arguments>'

With ``SAFKAT_FAULT_POINT`` set (and ``SAFKAT_ENV=testing``), the process stops at that
checkpoint (safkat/faults.py) and waits for SIGKILL; without it, the operation runs to the
end and the last line printed is its result as JSON. Keys come from the instance folder
of ``SAFKAT_INSTANCE_PATH``, the same as the test process's.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from types import SimpleNamespace


class FileTransport:
    """Appends each message sent to a file, synced at once: what was sent survives a kill."""

    def __init__(self, path: str):
        self.path = path

    def send(self, message) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": message["To"], "subject": message["Subject"]}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def build_app(args: dict):
    from safkat import create_app
    from safkat.clock import FixedClock
    from safkat.db import Database, make_engine

    connect_args = {}
    if args.get("schema"):
        connect_args = {"options": f"-csearch_path={args['schema']}", "application_name": args.get("name", "")}
    engine = make_engine(args["url"], connect_args=connect_args)
    return create_app(
        {
            "TESTING": True,
            "DATABASE": Database(engine=engine),
            "CLOCK": FixedClock(datetime.fromisoformat(args["now"])),
            "MAIL_TRANSPORT": FileTransport(args.get("mail_log", os.devnull)),
            "ARGON2_PROFILE": "fast",
            "UPLOAD_FOLDER": args["uploads"],
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "BASE_URL": "http://safkat.test",
        }
    )


def _client(app, user_id: str | None):
    client = app.test_client()
    if user_id:
        with client.session_transaction() as session:
            session["_user_id"] = user_id
    return client


def submit(app, args):
    """The bid form, then its review page's confirmation (where the checkpoints are)."""
    from tests.bids.helpers import post_bid

    tender = SimpleNamespace(
        url_reference=args["reference"], lots=[SimpleNamespace(id=i, number=n) for i, n in args["lots"]]
    )
    client = _client(app, args["user"])
    response = post_bid(client, tender, technical=bytes.fromhex(args["technical"]), idempotency_key=args["key"])
    return {"status": response.status_code}


def chunk(app, args):
    with open(args["chunk_file"], "rb") as handle:
        data = handle.read()
    response = _client(app, args["user"]).put(
        f"{args['chunk_url']}?offset={args['offset']}", data=data, headers={"X-Chunk-SHA256": args["sha256"]}
    )
    return {"status": response.status_code, "body": response.get_json()}


def get(app, args):
    response = _client(app, args.get("user")).get(args["path"])
    return {"status": response.status_code}


def post(app, args):
    response = _client(app, args.get("user")).post(args["path"], data=args.get("data", {}))
    return {"status": response.status_code}


def command(app, args):
    result = app.test_cli_runner().invoke(args=args["command"])
    if result.exception:
        raise result.exception
    return {"exit_code": result.exit_code, "output": result.output}


SCENARIOS = {"submit": submit, "chunk": chunk, "get": get, "post": post, "command": command}


def main() -> None:
    args = json.loads(sys.argv[1])
    app = build_app(args)
    result = SCENARIOS[args["scenario"]](app, args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
