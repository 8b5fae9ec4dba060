"""The read-only FHIR R4 directory API."""
