"""Statistics of the public calls for tender, computed in the database (no Flask).

**Scope.** Every figure covers the public calls for tender (never drafts or deleted ones)
matching the filters: published in the chosen year (Algiers time, UTC+1 all year), by the
chosen authority, to be executed in the chosen wilaya. Each query aggregates in SQL
(``GROUP BY``); Python only folds the few grouped rows.

**Formulas** (amounts are centimes of DZD, excluding VAT; shares are fractions 0–1):

- tenders per month: tenders counted in the month of their publication (Algiers time);
- bids per month: bids read out at an opening (nothing sealed is counted), in the month of
  their submission;
- average bids per tender = opened bids / tenders whose bids were opened (zero-bid
  openings included); average bids per lot = (bid, lot) pairs of those bids / lots of
  those tenders; single-bid share = tenders opened with exactly one bid / tenders opened
  with at least one bid;
- amounts awarded: the standing award of each lot (``provisional`` or ``final``; withdrawn
  and unsuccessful ones left out), shown per status. By wilaya means the winning firm's
  wilaya; by sector means the tender's sectors (a tender in two sectors counts in both);
- micro-enterprise share = amount awarded to firms with a support scheme (ANADE, ANGEM,
  CNAC) / all amount awarded;
- reserved share, per authority and year of publication = estimated amounts of reserved
  lots / estimated amounts of all lots (cancelled tenders left out), against the 20 % target;
- time to award, per tender = first standing award's ``published_at`` − tender
  ``published_at``, in days; averaged over the tenders that have one;
- unsuccessful share = unsuccessful tenders / tenders with an outcome (provisional award,
  awarded, unsuccessful);
- red flags: the number of tenders carrying each flag (:mod:`safkat.opendata.redflags`).

The modules: :mod:`.scope` (the filters and the tenders they cover), :mod:`.sql` (SQL that
PostgreSQL and SQLite both run), :mod:`.figures` (ratios and names), the datasets
(:mod:`.activity`, :mod:`.awards`, :mod:`.pipeline`, :mod:`.flag_counts`) and
:mod:`.dashboard`, which gathers them for the pages and says when they last changed.
"""
