"""Open data: the JSON API, feeds, OCDS and statistics."""
