"""The production topology run for real (bench/cluster.py): nginx with deploy/nginx.conf in
front of two gunicorn replicas with deploy/gunicorn.conf.py, PostgreSQL and Redis, all on
127.0.0.1. A shorter load than `make cluster`'s 60 s keeps `make test` within CI's time."""
import pytest

from bench.cluster import Cluster
from bench.cluster_checks import IDEMPOTENT, report, run_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def outcome(tmp_path_factory, system_programs):
    with Cluster(tmp_path_factory.mktemp("cluster")) as cluster:
        result = run_scenario(cluster, seconds=18, clients=6)
    print(report(result))
    return result


def test_no_idempotent_request_fails_while_a_replica_is_killed_and_restarted(outcome):
    assert sum(outcome.counts.values()) > 50
    assert outcome.failed(IDEMPOTENT) == 0, outcome.errors
    assert len(outcome.served_by) == 2  # both replicas answered through nginx


def test_every_acknowledged_save_is_stored_and_no_update_is_lost(outcome):
    assert outcome.acknowledged > 0
    assert outcome.missing == 0 and outcome.lost_updates == 0


def test_sign_in_throttling_counts_once_across_both_replicas(outcome):
    assert outcome.sign_in_replicas == 2
    assert outcome.per_address == [401] * 5 + [429]  # five failures a minute per address
    assert outcome.other_address == 401  # the address nginx forwards, not nginx's own
    assert outcome.per_account == [401] * 5 + [429]


def test_the_public_forms_rate_limit_counts_once_across_both_replicas(outcome):
    assert outcome.submissions[:10] == [400] * 10  # incomplete, so stored nowhere
    assert outcome.submissions[10] == 429


def test_a_change_through_one_replica_shows_in_searches_through_the_other_within_2_s(outcome):
    assert outcome.visible_after is not None and outcome.visible_after <= 2.0


def test_nothing_a_patient_typed_reaches_any_log(outcome):
    assert outcome.leaks == []
