import pytest
from pydantic import ValidationError

from shared.models import ArticleSubmission, IngestRequest, SummaryOptions


@pytest.mark.parametrize(
    "fields",
    [{}, {"text": "a", "html": "<p>a</p>"}, {"text": "a", "url": "https://example.org"}],
)
def test_submission_needs_exactly_one_content(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        ArticleSubmission.model_validate(fields)


def test_submission_refuses_unknown_fields_and_bad_urls() -> None:
    with pytest.raises(ValidationError):
        ArticleSubmission.model_validate({"text": "a", "colour": "red"})
    with pytest.raises(ValidationError):
        ArticleSubmission.model_validate({"url": "file:///etc/passwd"})


def test_summary_options_take_sentences_or_ratio_not_both() -> None:
    assert SummaryOptions(sentences=2).sentences == 2
    with pytest.raises(ValidationError, match="not both"):
        SummaryOptions(sentences=2, ratio=0.2)


def test_messages_round_trip_through_json() -> None:
    request = IngestRequest(
        article_id="a_1",
        run_id="r",
        submission=ArticleSubmission(text="x", published_at="2022-08-17"),
    )
    again = IngestRequest.model_validate_json(request.model_dump_json())
    assert again == request
    assert str(again.submission.published_at) == "2022-08-17"
