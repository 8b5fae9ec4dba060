"""Patient search: the nearest suitable centers, their map and travel help."""
