"""A small, explicit state machine: one table of allowed transitions per stateful object."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from safkat.errors import N_, InvalidTransition


class StateMachine:
    """Allowed transitions ``(state, action) -> new state`` of one kind of object.

    >>> sm = StateMachine("door", {("closed", "open"): "open", ("open", "close"): "closed"})
    >>> sm.next_state("closed", "open")
    'open'
    """

    def __init__(self, name: str, transitions: Mapping[tuple[str, str], str]):
        self.name = name
        self.transitions = dict(transitions)

    @property
    def states(self) -> set[str]:
        found = {state for state, _action in self.transitions}
        return found | set(self.transitions.values())

    def allowed_actions(self, state: str) -> list[str]:
        return [action for (source, action) in self.transitions if source == state]

    def can(self, state: str, action: str) -> bool:
        return (state, action) in self.transitions

    def next_state(self, state: str, action: str) -> str:
        """Return the state after ``action``, or raise :class:`InvalidTransition`."""
        try:
            return self.transitions[(state, action)]
        except KeyError:
            raise InvalidTransition(
                N_("This action is not possible at this stage. Reload the page to see the current state."),
                action=action,
                object=self.name,
                state=state,
            ) from None

    def check_table(self, known_states: Iterable[str]) -> None:
        """Raise if the table names a state that the model does not know."""
        unknown = self.states - set(known_states)
        if unknown:
            raise ValueError(f"{self.name}: unknown states {sorted(unknown)}")
