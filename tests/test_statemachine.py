import pytest

from safkat.accounts.models import EnterpriseStatus
from safkat.accounts.services import ENTERPRISE_LIFECYCLE
from safkat.errors import InvalidTransition


def test_enterprise_lifecycle_knows_only_real_states():
    ENTERPRISE_LIFECYCLE.check_table(EnterpriseStatus)


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        ("registered", "submit", "pending"),
        ("pending", "approve", "verified"),
        ("pending", "reject", "rejected"),
        ("rejected", "submit", "pending"),
        ("verified", "suspend", "suspended"),
        ("suspended", "reinstate", "verified"),
    ],
)
def test_allowed_transitions(state, action, expected):
    assert ENTERPRISE_LIFECYCLE.next_state(state, action) == expected


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("registered", "approve"),
        ("verified", "approve"),
        ("rejected", "approve"),
        ("suspended", "suspend"),
        ("pending", "reinstate"),
        ("verified", "submit"),
    ],
)
def test_forbidden_transitions_raise(state, action):
    with pytest.raises(InvalidTransition):
        ENTERPRISE_LIFECYCLE.next_state(state, action)
