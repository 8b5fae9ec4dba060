"""The directory of centers: models, listing facts, every write (audited), accounts, file exchange."""
