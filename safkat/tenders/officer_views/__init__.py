"""The officer's workspace (blueprint ``officer``, under ``/officer``).

- :mod:`.blueprint`: the blueprint, its guard (officers only) and the helpers every view uses;
- :mod:`.dashboard`: the officer's dashboard;
- :mod:`.tender_page`: the page of one tender, where every form below is shown and comes back;
- :mod:`.drafting`: the draft, its lots and documents;
- :mod:`.publication`: publication, amendments, cancellation and the opening session;
- :mod:`.questions`: answers to the bidders' questions.
"""

from safkat.tenders.officer_views import dashboard, drafting, publication, questions, tender_page  # noqa: F401
from safkat.tenders.officer_views.blueprint import bp

__all__ = ["bp"]
