"""Calls for tender: drafting, lots, documents, publication, amendments, questions."""
