"""The GP's referral: input schema, assessment, answers from listings, FHIR Bundle."""
