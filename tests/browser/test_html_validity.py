"""The HTML of every page type validates with the Nu HTML Checker (npm ``vnu-jar``, on Java).

The pages are saved as the server sent them (not as the browser rebuilt them), in the three
languages, then checked in one run of the checker: errors fail the test, warnings are printed.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.inventory import every_visit
from tests.browser.walks import answer_forms, walk

VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def check_html(files: list[Path]) -> list[dict]:
    """The checker's messages about ``files``, from one run."""
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)["messages"]


def test_every_page_type_is_valid_html(page, live_server, tmp_path):
    if shutil.which("java") is None:
        pytest.skip("HTML validation: java is missing (.ci/run installs default-jre-headless)")
    if not VNU.exists():
        pytest.skip(f"HTML validation: {VNU} is missing (run `npm install`; .ci/run and scripts/test do)")
    live_server.seed_demo()
    saved: dict[str, str] = {}  # file name → which page

    def save(name: str, response) -> None:
        path = tmp_path / f"page-{len(saved):03d}.html"
        path.write_bytes(response.body())
        saved[path.name] = name

    for lang in ("fr", "ar", "en"):
        live_server.forget_rate_limits()  # three visitors, one per language
        walk(page, live_server, every_visit(live_server), lang, lambda v, r, lang=lang: save(f"{lang} {v}", r))
        answer_forms(page, live_server, lang, tmp_path, lambda name, r, lang=lang: save(f"{lang} {name}", r))

    messages = check_html(sorted(tmp_path.glob("page-*.html")))
    described = [
        f"{saved.get(m.get('url', '').rsplit('/', 1)[-1])}, line {m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
    ]
    warnings = [text for m, text in zip(messages, described, strict=True) if m["type"] == "info"]
    errors = [text for m, text in zip(messages, described, strict=True) if m["type"] != "info"]
    print(f"Nu HTML Checker: {len(saved)} pages, {len(errors)} errors, {len(warnings)} warnings")
    print("\n".join(f"warning: {text}" for text in warnings))
    print("\n".join(f"error: {text}" for text in errors))
    assert errors == []
