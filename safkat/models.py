"""Imports every model so that the metadata knows all tables (Alembic, tests)."""

from safkat.accounts.models import (  # noqa: F401
    ContractingAuthority,
    Enterprise,
    EnterpriseDocument,
    Sector,
    User,
)
from safkat.audit import AuditEvent, AuditHead  # noqa: F401
from safkat.awards.models import Complaint, Contract, LotAward  # noqa: F401
from safkat.bids.models import (  # noqa: F401
    Bid,
    Envelope,
    OpenedBid,
    OpenedDocument,
    Opening,
    Receipt,
    TenderKey,
)
from safkat.commission.key_models import MemberKey, TenderKeyShare  # noqa: F401
from safkat.commission.models import (  # noqa: F401
    Commission,
    CommissionMember,
    DocumentRequest,
    OpeningPresence,
    SuppliedDocument,
)
from safkat.commission.reshare_models import ReshareParticipant, ReshareRound  # noqa: F401
from safkat.documents.models import IssuedDocument  # noqa: F401
from safkat.evaluation.models import Assessment, LotEvaluation, TechnicalScore  # noqa: F401
from safkat.execution.models import (  # noqa: F401
    ContractChange,
    ContractExecution,
    Invoice,
    Milestone,
)
from safkat.keys import KeyCheck  # noqa: F401
from safkat.notifications.models import (  # noqa: F401
    Notification,
    OutboxMessage,  # noqa: F401
    SentReminder,
    Subscription,
)
from safkat.opendata.models import OcdsRelease  # noqa: F401
from safkat.tenders.models import (  # noqa: F401
    Amendment,
    DocumentDownload,
    Lot,
    Question,
    TechnicalCriterion,
    Tender,
    TenderDocument,
    TenderSearch,
    TenderSequence,
)
