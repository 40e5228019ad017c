"""The package declares every data file it ships, so that installs are complete and quiet.

setuptools warns ("Package would be ignored") about a folder of data files that is not in
``packages``, and leaves out of a wheel any file that ``package_data`` does not name.
"""

import os
from distutils.core import run_setup  # setuptools' own copy (its distutils-precedence.pth)
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_files() -> list[Path]:
    """The files under safkat/ that are not Python sources nor build leftovers."""
    found = []
    for folder, dirs, files in os.walk(ROOT / "safkat"):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [Path(folder, name) for name in files if not name.endswith((".py", ".pyc"))]
    return found


def test_every_data_file_is_in_a_declared_package_and_named_by_package_data():
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        distribution = run_setup("setup.py", stop_after="init")
    finally:
        os.chdir(previous)
    packages, package_data = set(distribution.packages), distribution.package_data
    files = data_files()
    assert any(f.suffix == ".po" for f in files) and any(f.suffix == ".json" for f in files)
    for path in files:
        relative = path.relative_to(ROOT)
        package = ".".join(relative.parent.parts)
        assert package in packages, f"{relative.parent} is not declared: setuptools would warn and ignore it"
        patterns = package_data.get(package, [])
        assert any(fnmatch(path.name, pattern) for pattern in patterns), f"{relative} would be left out of a wheel"
