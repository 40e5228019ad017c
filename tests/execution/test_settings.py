import pytest

from safkat.config import ConfigError, _execution_config


def test_defaults_are_thirty_days_and_eight_percent(monkeypatch):
    for name in ("PAYMENT_DAYS", "MORATORY_INTEREST_RATE", "AMENDMENT_MAX_PERCENT"):
        monkeypatch.delenv(f"SAFKAT_{name}", raising=False)
    config = _execution_config()
    assert (config["PAYMENT_DAYS"], config["MORATORY_INTEREST_BP"], config["AMENDMENT_MAX_PERCENT"]) == (30, 800, 20)


def test_rate_in_percent_becomes_basis_points(monkeypatch):
    monkeypatch.setenv("SAFKAT_MORATORY_INTEREST_RATE", "7.25")
    assert _execution_config()["MORATORY_INTEREST_BP"] == 725


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MORATORY_INTEREST_RATE", "huit"),
        ("MORATORY_INTEREST_RATE", "-1"),
        ("PAYMENT_DAYS", "0"),
        ("PAYMENT_DAYS", "trente"),
    ],
)
def test_unreadable_settings_stop_the_start(monkeypatch, name, value):
    monkeypatch.setenv(f"SAFKAT_{name}", value)
    with pytest.raises(ConfigError):
        _execution_config()
