"""The referral form, its result and downloads, and the assessment API."""
