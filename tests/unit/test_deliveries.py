from shared import faults
from shared.deliveries import delivery_key, over_limit, should_requeue


def test_work_runs_on_the_first_n_deliveries_only() -> None:
    assert [over_limit(d, 3) for d in (1, 2, 3, 4)] == [False, False, False, True]


def test_unreportable_messages_stop_being_requeued() -> None:
    assert should_requeue(1, 3) and should_requeue(5, 3) and not should_requeue(6, 3)


def test_a_retry_counts_its_deliveries_afresh() -> None:
    assert delivery_key("t", 0) != delivery_key("t", 1)


def test_fault_markers_are_inert_unless_enabled() -> None:
    payload = {"document": {"text": f"x {faults.KILL_WORKER} y"}}
    assert faults.marked(True, payload, faults.KILL_WORKER)
    assert not faults.marked(False, payload, faults.KILL_WORKER)
    faults.before_work(False, payload)  # would SIGKILL this process if it were not inert
