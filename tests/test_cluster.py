"""deploy/cluster.sh for real: PostgreSQL, two replicas, nginx (sticky on Chainlit's session
cookie), login on; driven as browsers do (evals/cluster.py, a small run of its load test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.postgres]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed "
                    "(scripts/system-deps.sh installs it as root)")
def test_two_replicas_behind_nginx(corpus_index: Path) -> None:
    from evals.cluster_run import run_cluster

    r = run_cluster(2, conversations=8, questions=40, kill_questions=48, index_dir=corpus_index,
                    baseline=False)
    c, x, k = r["cluster"], r["across_replicas"], r["kill"]
    assert c["errors"] == 0 and c["answered"] == 40, c["error_examples"]
    assert c["answers_missing"] == 0 and c["messages_missing"] == 0
    # one conversation, answered by replica 1 and then by replica 2
    assert x["same_thread"] is True
    assert x["follow_up_uses_history"] is True and x["fresh_thread_uses_history"] is False
    assert x["add_on_replica1"] == 200 and x["add_on_replica2"] == 200
    assert x["brief_rows"] == x["brief_expected"]
    assert "now holds 2 answers" in x["last_toast"]
    # Chainlit's session lives in one process: an action sent elsewhere fails, so nginx must
    # route by the session cookie, and does
    assert x["action_on_other_replica_status"] == 500
    assert x["replicas_seen_by_one_session_via_nginx"] == 1
    # replica 2 killed mid-run: its users continue on replica 1, nothing saved is lost
    assert k["reconnected"] >= 1 and k["errors"] == 0, k["error_examples"]
    assert k["answered"] == 48
    assert k["answers_missing"] == 0 and k["messages_missing"] == 0
    assert k["feedback_acknowledged"] > 0 and k["feedback_missing"] == 0
