"""The sweeper leaves alone a run whose stage message a worker holds right now: it reads the run
and stage of each unacknowledged message as kombu's Redis transport stores it."""

import base64
import json

from services.gateway.sweeper import held_message


def unacked(routing_key: str, args: list[object], encode: bool = True) -> bytes:
    body = json.dumps([args, {}, {}]).encode()
    message = {
        "body": base64.b64encode(body).decode() if encode else body.decode(),
        "headers": {"id": "t1", "task": "extraction.article"},
        "properties": {"body_encoding": "base64"} if encode else {},
    }
    return json.dumps([message, routing_key, routing_key]).encode()


def test_a_stage_message_gives_its_run_and_stage() -> None:
    raw = unacked("extraction", [{"article_id": "a1", "run_id": "r1", "document": {}}])
    assert held_message(raw) == ("r1", "extraction")
    plain = unacked("ingest", [{"article_id": "a1", "run_id": "r2"}], encode=False)
    assert held_message(plain) == ("r2", "ingest")


def test_other_queues_and_unreadable_entries_are_not_held_stages() -> None:
    assert held_message(unacked("results", [{"run_id": "r1"}])) is None
    assert held_message(unacked("summarization", [])) is None
    assert held_message(b"not json") is None
    assert held_message(None) is None
