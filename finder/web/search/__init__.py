"""Patient search pages and the search API."""
