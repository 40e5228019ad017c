"""Packaging for Safkat, a public-procurement platform for micro-enterprises."""

from setuptools import find_namespace_packages, setup

# The folders of data files (translations, the OCDS schema) hold no __init__.py: found as
# namespace packages, they are named in ``packages`` and their files in ``package_data``, so
# that setuptools installs them without its "Package would be ignored" warnings.
# MANIFEST.in names the same files for a source distribution.

setup(
    name="safkat",
    version="0.1.0",
    description="Public procurement for micro-enterprises: tenders, sealed bids, awards.",
    python_requires=">=3.11",
    packages=find_namespace_packages(include=["safkat", "safkat.*"], exclude=["*.__pycache__"]),
    include_package_data=True,
    package_data={
        "safkat.translations": ["*.pot"],
        "safkat.translations.ar.LC_MESSAGES": ["*.po", "*.mo"],
        "safkat.translations.fr.LC_MESSAGES": ["*.po", "*.mo"],
        "safkat.demo_keys": ["*.json"],
        "safkat.opendata.ocds_schema": ["*.json", "*.md", "LICENSE"],
        "safkat.opendata.ocds_schema.codelists": ["*.csv", "*.json"],
        "safkat.opendata.ocds_schema.extensions.bids": ["*.json", "*.md", "LICENSE", "SOURCE"],
        "safkat.opendata.ocds_schema.extensions.bids.codelists": ["*.csv"],
    },
    install_requires=[
        "Flask>=3.1,<4",
        "Flask-Login>=0.6.3,<0.7",
        "Flask-WTF>=1.2,<2",
        "Flask-Babel>=4.0,<5",
        "Flask-Limiter>=3.8,<5",
        "SQLAlchemy>=2.0.30,<2.2",
        "alembic>=1.13,<2",
        "WTForms>=3.1,<3.4",  # 3.4 drops tuple choices
        "email-validator>=2.1,<3",
        "argon2-cffi>=23.1,<26",
        "PyNaCl>=1.5,<2",
        "Babel>=2.14,<3",
        "Markdown>=3.6,<4",
        "nh3>=0.2.17,<0.4",
        "segno>=1.6,<2",
        "weasyprint>=70,<71",  # the class-based URL fetcher; tested with 70
        "pyHanko>=0.29,<0.40",  # PAdES signatures of the documents the platform issues
        "cryptography>=42,<51",
        "psycopg[binary]>=3.1.18,<4",
        "gunicorn>=22,<24",
        "click>=8.1,<9",
        "pyotp>=2.9,<3",  # TOTP second factor for officers and administrators
        "num2words>=0.5.13,<0.6",  # amounts in words (French as is; Arabic wrapped, see amount_words.py)
    ],
    extras_require={
        "test": [
            "pytest>=8,<10",
            "pytest-playwright>=0.5,<0.11",
            "playwright>=1.44,<2",
            "openapi-schema-validator>=0.6,<0.10",
            "openapi-spec-validator>=0.7,<0.10",
            "aiosmtpd>=1.4,<2",
            "hypothesis>=6.100,<7",
            "schemathesis>=4.0,<5",
            "pdfplumber>=0.11,<0.12",  # word boxes of the documents (tests/documents/test_layout.py)
            "redis>=5,<8",  # the shared page cache and rate limits (tests/test_shared_*.py)
        ],
        # Several app servers: the page cache and the rate limits in Redis (docs/deploy.md).
        # Below 8: the limits package (Flask-Limiter's storage) accepts redis up to 7.x.
        "redis": [
            "redis>=5,<8",
        ],
        "bench": [
            "locust>=2.30,<3",
        ],
        "dev": [
            "ruff>=0.6",
        ],
    },
    entry_points={"console_scripts": ["safkat=safkat.cli:main"]},
)
