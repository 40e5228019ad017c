"""Open Contracting Data Standard 1.1: releases, packages, compiled records.

Every public change of a tender calls :func:`record_release` at the end of its service
function, inside the same transaction. The release is a complete snapshot of what the
public may know of the tender at that moment; it is stored once (``ocds_releases``) and
served unchanged ever after. Packages and records are assembled from the stored releases.

Where the ``ocid`` comes from: the configured prefix (``SAFKAT_OCID_PREFIX``, default
``ocds-safkat-``) followed by the tender's URL-safe reference, e.g.
``ocds-safkat-AT-ORN-2026-0042``.

The mapping from Safkat to OCDS, decided here (``docs/ocds.md`` says the same at more length):

- Release tags: publication ``tender``; amendment ``tenderAmendment``; cancellation
  ``tenderCancellation``; bid opening ``tenderUpdate``; provisional award ``award``; a
  complaint rejected ``awardUpdate``, upheld ``awardCancellation``; final award and its
  contract ``awardUpdate`` + ``contract``; contract signed ``contractUpdate``; service
  order ``implementation``; extension or amendment ``contractAmendment``; milestones,
  acceptance records, payment orders and payments ``implementationUpdate``.
- Execution (:mod:`.execution_section`): the contract's ``period``, ``amendments`` and
  ``implementation`` (``milestones``, ``transactions`` without invoice amounts).
- Extensions: the packages declare the bids extension, and the test suite validates them
  against the core schema patched with it (:mod:`.schema`), offline. An empty
  ``tender.tenderers`` is omitted (``numberOfTenderers`` says 0).
- Parties: the contracting authority is ``buyer`` and ``procuringEntity``, identified by
  its Safkat authority code under the scheme ``DZ-SAFKAT`` (authorities have no NIF in
  Safkat). Firms appear only from the opening on, as ``tenderer`` (plus ``supplier`` while
  they hold a pending or active award), identified by their NIF (scheme ``DZ-NIF``, party
  id ``DZ-NIF-<nif>``) with their NIS as an additional identifier (``DZ-NIS``). Only the
  wilaya of a firm is published as its address (many micro-entrepreneurs are people).
- ``procurementMethod``: open and open with minimum capacities → ``open``; restricted →
  ``selective``; consultation → ``limited``; the French name of the procedure is in
  ``procurementMethodDetails``.
- ``mainProcurementCategory``: works → ``works``, supplies → ``goods``, services →
  ``services``, studies → ``services`` with ``additionalProcurementCategories``
  ``["consultingServices"]``.
- ``awardCriteria``: lowest price → ``priceOnly``; weighted → ``ratedCriteria``, with the
  weights and technical criteria in ``awardCriteriaDetails``.
- Lots are core ``tender.items`` (id ``lot-<n>``, quantity 1; the lot's estimate as the
  unit value when the budget is public). Awards and contracts point at their lot through
  their ``items``. The lots extension is not used, so everything validates against the
  core schema alone.
- Documents: core 1.1 has no digest field, so each document's SHA-256 is written in its
  ``description`` (``... SHA-256: <hex>``). Replaced documents stay listed, saying by which.
- Amendments: ``tender.amendments`` (id ``amendment-<n>``, with ``releaseID`` and
  ``amendsReleaseID``). A cancellation's public reason is the ``rationale`` of an
  amendment with id ``cancellation``.
- Enquiries (an extension) are not published in OCDS: ``tender.hasEnquiries`` says whether
  questions were asked; the questions and answers are on the tender page and in ``/api/v1``.
- Values are in DZD and exclude VAT (what the bids are ranked on); amounts including VAT
  are in the award's and contract's ``description``.
- Bid statistics use the bid extension (listed in the packages' ``extensions``): after
  the opening, ``bids`` and ``bidders`` for the tender, and per lot ``bids`` and the
  lowest and highest amounts read out at the opening (``lowestBidValue``,
  ``highestBidValue``: our own codes in that open codelist); once a lot's award is
  published, ``validBids``, ``lowestValidBidValue`` and ``highestValidBidValue``. Per-lot
  statistics carry the lot's item id in ``relatedLot``.
- Nothing sealed before the opening: no firm, no bid count, no amount.

The modules, in the order the data flows:

- :mod:`.publisher`: who publishes (ocid prefix, base URL), the OCDS version and extensions;
- :mod:`.values`: dates, amounts and JSON text as OCDS writes them;
- :mod:`.facts`: what is public about a tender now, read once from the database;
- :mod:`.parties`, :mod:`.tender_section`, :mod:`.awards_section`, :mod:`.bids_section`:
  the parts of a release; :mod:`.release` assembles them;
- :mod:`.storage`: recording a release at each public change, reading the stored ones;
- :mod:`.packages`: release packages and the streamed bulk export;
- :mod:`.records`: the merge rules, compiled releases and record packages.

The domain services call :func:`record_release` (``ocds.record_release(...)``), the one
name this package exports.
"""

from safkat.opendata.ocds.storage import record_release

__all__ = ["record_release"]
