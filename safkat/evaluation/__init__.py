"""Evaluation of opened bids, lot by lot: compliance, scores, ranking, abnormally low offers."""
