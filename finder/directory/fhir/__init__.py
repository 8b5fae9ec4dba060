"""The directory as FHIR R4: resources, search, searchset Bundles, import."""
