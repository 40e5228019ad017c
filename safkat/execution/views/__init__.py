"""Contract execution pages (blueprint ``execution``): the firm's and the officers' side of one contract.

Each POST loads the contract (404), checks the permission (403), validates its form and
calls one service; a refused operation is flashed and changes nothing.

- :mod:`.blueprint`: the blueprint, status labels and the helpers every view uses;
- :mod:`.pages`: what both sides read (contracts, a contract, invoice files, signed PDFs);
- :mod:`.officer`: the contracting authority's actions;
- :mod:`.firm`: the firm's invoices and deliveries.
"""

from safkat.execution.views import firm, officer, pages  # noqa: F401
from safkat.execution.views.blueprint import bp

__all__ = ["bp"]
