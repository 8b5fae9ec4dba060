"""The cluster's own checks can fail: they see what they are meant to see."""
from collections import Counter

from bench.cluster_checks import IDEMPOTENT, Result, patient_input_in_logs


def test_typed_input_in_a_log_line_is_found_and_byte_counts_are_not():
    assert patient_input_in_logs('"GET /search?location=Broken+Hill&drug=carboplatin HTTP/1.0"')
    assert patient_input_in_logs("failed search for Mount Isa")
    assert patient_input_in_logs('127.0.0.1 "GET /search HTTP/1.0" 200 2880 31ms') == []


def test_a_5xx_or_a_dropped_connection_on_a_get_counts_as_failed_but_a_post_does_not():
    result = Result(errors=Counter({"search_page:502": 1, "fhir:599": 2, "referral:502": 4,
                                    "edit:409 (conflict, expected under contention)": 3}))
    assert result.failed(IDEMPOTENT) == 3
    assert result.failed(("referral", "edit")) == 4
