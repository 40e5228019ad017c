from datetime import date

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


def test_holidays_default_to_the_national_days_and_take_dated_feasts(monkeypatch):
    monkeypatch.delenv("SAFKAT_PUBLIC_HOLIDAYS", raising=False)
    monkeypatch.setenv("SAFKAT_PUBLIC_HOLIDAY_DATES", "2027-03-09, 2027-03-10")
    holidays = _execution_config()["PUBLIC_HOLIDAYS"]
    assert holidays.yearly == {(1, 1), (1, 12), (5, 1), (7, 5), (11, 1)}
    assert date(2030, 7, 5) in holidays and date(2027, 3, 10) in holidays and date(2028, 3, 10) not in holidays


def test_holidays_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("SAFKAT_PUBLIC_HOLIDAYS", "none")
    monkeypatch.delenv("SAFKAT_PUBLIC_HOLIDAY_DATES", raising=False)
    assert date(2030, 7, 5) not in _execution_config()["PUBLIC_HOLIDAYS"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("PUBLIC_HOLIDAYS", "07-32"), ("PUBLIC_HOLIDAYS", "5 juillet"), ("PUBLIC_HOLIDAY_DATES", "09/03/2027")],
)
def test_unreadable_holidays_stop_the_start(monkeypatch, name, value):
    monkeypatch.setenv(f"SAFKAT_{name}", value)
    with pytest.raises(ConfigError, match=name):
        _execution_config()
