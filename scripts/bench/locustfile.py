"""A day on Safkat, for locust: the public browses and searches, firms download and bid.

Run through ``scripts/bench/day_load.py``, which prepares the firms, their sessions and a
tender in its last hour, and passes them in the file named by ``SAFKAT_LOAD_PLAN``.

- ``Visitor`` (most users): the listing with and without filters, full-text search in
  French and Arabic, tender pages, the API, the Atom feed, the statistics.
- ``Firm``: a logged-in micro-enterprise that reads tenders, downloads their documents,
  opens the bid form of the rush tender and submits a bid with a document (replacing its
  previous one, as firms do when they correct a price in the last hour).
- ``Probe``: the trivial endpoint ``/healthz``, to compare with in the same run.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["SAFKAT_LOAD_PLAN"], encoding="utf-8").read())
WILAYAS = ["16", "31", "25", "13", "06", "19", "05", "30"]
CATEGORIES = ["works", "supplies", "services", "studies"]
QUERIES = ["fibre", "الألياف", "maintenance", "réhabilitation", "matériel informatique", "صيانة"]
HIDDEN = re.compile(r'name="(csrf_token|idempotency_key|reviewed)"[^>]*value="([^"]*)"')
SESSION = re.compile(r"session=([^;]+)")
DOCUMENT = b"%PDF-1.4\n% load test\n" + os.urandom(256 * 1024)


class Visitor(HttpUser):
    weight = 8
    wait_time = between(1, 4)

    def on_start(self):
        # Each visitor has its own address (X-Forwarded-For, trusted from one proxy).
        self.client.headers["X-Forwarded-For"] = (
            f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        )

    @task(5)
    def listing(self):
        self.client.get("/tenders", name="/tenders")

    @task(3)
    def filtered(self):
        wilaya, category = random.choice(WILAYAS), random.choice(CATEGORIES)
        self.client.get(f"/tenders?wilaya={wilaya}&category={category}", name="/tenders?filters")

    @task(2)
    def search(self):
        self.client.get("/tenders", params={"q": random.choice(QUERIES)}, name="/tenders?q=")

    @task(4)
    def tender_page(self):
        self.client.get(f"/tenders/{random.choice(PLAN['references'])}", name="/tenders/<ref>")

    @task(1)
    def api(self):
        self.client.get(f"/api/v1/tenders?wilaya={random.choice(WILAYAS)}", name="/api/v1/tenders")

    @task(1)
    def feed(self):
        self.client.get(f"/feeds/tenders.atom?wilaya={random.choice(WILAYAS)}", name="/feeds/tenders.atom")

    @task(1)
    def statistics(self):
        self.client.get("/stats", name="/stats")


class Firm(HttpUser):
    weight = 3
    wait_time = between(2, 6)

    def on_start(self):
        self.cookie = PLAN["cookies"].pop() if PLAN["cookies"] else None
        if self.cookie is None:
            self.stop()

    def _get(self, path: str, name: str):
        # Production cookies are Secure: over plain HTTP the client would drop them, so the
        # session cookie travels by hand (and follows the server's updates).
        response = self.client.get(path, name=name, headers={"Cookie": f"session={self.cookie}"})
        updated = SESSION.search(response.headers.get("Set-Cookie", ""))
        if updated:
            self.cookie = updated.group(1)
        return response

    @task(3)
    def download(self):
        self._get(PLAN["document_url"], "/tenders/<ref>/documents/<id>")

    @task(2)
    def read_tender(self):
        self._get(f"/tenders/{PLAN['rush_reference']}", "/tenders/<ref> (firm)")

    @task(2)
    def submit(self):
        """The form (it saves the draft), its review page, then the confirmation that seals."""
        form = self._get(PLAN["bid_path"], "/tenders/<ref>/bid (form)")
        hidden = dict(HIDDEN.findall(form.text))
        lot = PLAN["lot_id"]
        data = {
            "csrf_token": hidden.get("csrf_token", ""),
            f"lot_{lot}": "y",
            f"excl_vat_{lot}": f"{random.randint(900_000, 1_100_000)},00",
            f"vat_{lot}": "190 000,00",
            "statement": "Offre envoyée pendant l'essai de charge.",
            "action": "review",
        }
        files = {"application_files": ("dossier.pdf", DOCUMENT, "application/pdf")}
        headers = {"Cookie": f"session={self.cookie}"}
        sent = self.client.post(
            PLAN["bid_path"],
            data=data,
            files=files,
            headers=headers,
            allow_redirects=False,
            name="/tenders/<ref>/bid (send)",
        )
        if sent.status_code != 303:
            return
        review = self._get(PLAN["bid_path"] + "/review", "/tenders/<ref>/bid/review")
        hidden = dict(HIDDEN.findall(review.text))
        with self.client.post(
            PLAN["bid_path"] + "/confirm",
            data={name: hidden.get(name, "") for name in ("csrf_token", "reviewed", "idempotency_key")},
            headers=headers,
            allow_redirects=False,
            name="/tenders/<ref>/bid/confirm",
            catch_response=True,
        ) as response:
            if response.status_code in (302, 303) and "/bids/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"bid not confirmed: {response.status_code}")


class Probe(HttpUser):
    weight = 1
    wait_time = between(0.5, 1)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz")
