"""The export's lines: a JSON Lines record is the archived result as stored, whichever way it is
made; CSV cells of untrusted article text are never a formula a spreadsheet would run."""

import json
from datetime import UTC, datetime

import pytest

from services.gateway.corpus.export import _csv_line, _jsonl_line, _reserialised, _spliced
from services.gateway.corpus.rows import stored_json
from services.ingest.core import build_document
from shared.models import ArticleResult, ArticleSubmission
from shared.settings import Settings

TEXT = (
    'Jane "JD" Doe met officials in Zürich.\n\nThe back\\slash, a tab\tand a line\u2028separator '
    'stay; so does ,"story":1} and "owner": in the text.\n\nKhabarovsk — Хабаровск.'
)
NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _result(owner: str | None, with_document: bool = True) -> ArticleResult:
    submission = ArticleSubmission.model_validate({"text": TEXT, "title": 'A "quoted" title'})
    return ArticleResult(
        id="art-1",
        run_id="r",
        status="done",
        content_type="text",
        url='https://example.com/"owner":\\',
        owner=owner,
        submitted_at=NOW,
        updated_at=NOW,
        finished_at=NOW,
        document=build_document("art-1", submission, Settings()) if with_document else None,
    )


def _expected(result: ArticleResult, story: int | None) -> dict[str, object]:
    record = result.model_dump(mode="json", exclude={"owner"})
    record["story"] = story
    return record


@pytest.mark.parametrize("owner", [None, 'k_"a\\'])
@pytest.mark.parametrize("story", [None, 42])
@pytest.mark.parametrize("with_document", [True, False])
def test_a_jsonl_line_is_the_stored_result_with_its_text_and_story(
    owner: str | None, story: int | None, with_document: bool
) -> None:
    result = _result(owner, with_document)
    body = result.document.text if result.document else ""
    stored = stored_json(result)
    assert _spliced(stored, body, story) is not None  # the fast path, for what the archive writes
    line = _jsonl_line(stored, body, story)
    assert line.endswith("\n") and line.count("\n") == 1
    record = json.loads(line)
    expected = _expected(result, story)
    assert record == expected
    assert list(record) == list(expected)  # the same key order
    assert line == _reserialised(stored, body, story) + "\n"


def test_a_stored_result_shaped_otherwise_is_parsed_and_gives_the_same_record() -> None:
    result = _result("k_a")
    assert result.document is not None
    body = result.document.text
    reordered = json.loads(stored_json(result))
    reordered = {"story": None, **{k: v for k, v in reordered.items() if k != "story"}}
    with_text = json.loads(stored_json(result))
    with_text["document"]["text"] = "stale"
    for stored in (json.dumps(reordered), json.dumps(with_text, indent=1)):
        assert _spliced(stored, body, 7) is None
        record = json.loads(_jsonl_line(stored, body, 7))
        assert record == _expected(result, 7)


def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert() -> None:
    line = _csv_line(('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Plain", 3, -4))
    assert line == '"\'=HYPERLINK(""http://x"")",\'+1,\'-2,\'@SUM(A1),Plain,3,-4\r\n'
