"""Packaging for Safkat, a public-procurement platform for micro-enterprises."""

from setuptools import find_packages, setup

setup(
    name="safkat",
    version="0.1.0",
    description="Public procurement for micro-enterprises: tenders, sealed bids, awards.",
    python_requires=">=3.11",
    packages=find_packages(include=["safkat", "safkat.*"]),
    include_package_data=True,
    package_data={"safkat": ["translations/*/LC_MESSAGES/*.po", "translations/*/LC_MESSAGES/*.mo"]},
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
