"""The summarization core on Documents built here, so it is tested apart from ingest."""

import pytest

from services.summarization.budget import summary_budget
from services.summarization.candidates import candidates
from services.summarization.core import RULE_GROUPS, summarize
from services.summarization.datelines import dateline_end, is_byline
from services.summarization.features import NAMES
from services.summarization.scoring import shipped_weights
from services.summarization.text import words
from shared.models import Document, Sentence, SummaryOptions
from shared.settings import Settings


def make_document(sentences: list[str], title: str | None = None) -> Document:
    """One paragraph per sentence, separated by blank lines, with exact offsets."""
    text, spans, at = "", [], 0
    for i, s in enumerate(sentences):
        if i:
            text += "\n\n"
            at += 2
        spans.append(Sentence(index=i, start=at, end=at + len(s), paragraph=i))
        text += s
        at += len(s)
    return Document(article_id="t", text=text, title=title, content_type="text", sentences=spans)


STORY = [
    "The city council approved a new budget for public libraries on Tuesday.",
    "The budget adds two million pounds for library opening hours and new books.",
    "Council leader Jane Smith said libraries were vital for the city.",
    "Opposition members said the money should have gone to road repairs instead.",
    "The weather on Tuesday was mild, with light rain in the afternoon.",
    "Library staff welcomed the budget and said opening hours would rise next month.",
    "A local football club also announced a new coach.",
]

SETTINGS = Settings()


def test_summary_is_in_document_order_with_offsets_and_scores() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    summary = summarize(doc, SummaryOptions(sentences=3), SETTINGS)
    assert summary.budget == 3
    assert summary.method and summary.method_version
    indices = [s.index for s in summary.sentences]
    assert len(indices) == 3 and indices == sorted(indices)
    for s in summary.sentences:
        assert doc.text[s.start : s.end] == s.text == STORY[s.index]
        assert isinstance(s.score, float)


def test_off_topic_sentences_are_not_picked() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert 0 in picked
    assert not picked & {4, 6}


@pytest.mark.parametrize(
    ("options", "n", "expected"),
    [
        (SummaryOptions(sentences=2), 10, 2),
        (SummaryOptions(sentences=20), 10, 10),
        (SummaryOptions(ratio=0.3), 10, 3),
        (SummaryOptions(ratio=0.01), 10, 1),
        (SummaryOptions(), 10, 3),
        (SummaryOptions(), 0, 0),
    ],
)
def test_budget(options: SummaryOptions, n: int, expected: int) -> None:
    assert summary_budget(options, n, SETTINGS) == expected


def test_budget_is_capped_by_settings() -> None:
    settings = Settings(summary_max_sentences=4)
    assert summary_budget(SummaryOptions(sentences=10), 30, settings) == 4
    assert summary_budget(SummaryOptions(ratio=1.0), 30, settings) == 4


def test_default_budget_comes_from_settings() -> None:
    settings = Settings(summary_sentences=2)
    assert len(summarize(make_document(STORY), SummaryOptions(), settings).sentences) == 2


def test_ratio_option() -> None:
    summary = summarize(make_document(STORY), SummaryOptions(ratio=0.5), SETTINGS)
    assert summary.budget == 4 and len(summary.sentences) == 4


def test_one_sentence_and_empty_articles() -> None:
    one = summarize(make_document(["Just one sentence here."]), SummaryOptions(), SETTINGS)
    assert [s.index for s in one.sentences] == [0] and one.budget == 1
    empty = Document(article_id="e", text="", content_type="text")
    summary = summarize(empty, SummaryOptions(sentences=3), SETTINGS)
    assert summary.budget == 0 and summary.sentences == []


def test_headline_repeated_in_body_is_dropped() -> None:
    title = "Council approves library budget"
    doc = make_document(["Council approves library budget.", *STORY], title=title)
    summary = summarize(doc, SummaryOptions(sentences=2), SETTINGS)
    assert 0 not in {s.index for s in summary.sentences}
    assert len(summary.sentences) == 2


def test_sentences_without_words_are_skipped() -> None:
    doc = make_document(["•", "—", *STORY])
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert not picked & {0, 1}


def test_pick_takes_the_best_scores_and_the_earlier_sentence_on_a_tie() -> None:
    import numpy as np

    from services.summarization.select import pick

    assert pick(np.array([0.1, 0.5, 0.5, 0.9]), 3) == [3, 1, 2]
    assert pick(np.array([0.2]), 3) == [0]


def test_non_english_text_still_gets_a_summary() -> None:
    sentences = [
        "Le conseil municipal a approuvé mardi un nouveau budget pour les bibliothèques.",
        "Le budget ajoute deux millions d'euros pour les horaires des bibliothèques.",
        "Il a fait beau mardi après-midi.",
        "Центральный банк повысил ставку.",
    ]
    summary = summarize(make_document(sentences), SummaryOptions(sentences=2), SETTINGS)
    assert [s.index for s in summary.sentences] == [0, 1]


def test_is_deterministic() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    first = summarize(doc, SummaryOptions(sentences=3), SETTINGS)
    assert summarize(doc, SummaryOptions(sentences=3), SETTINGS) == first


def test_fragments_before_the_lead_do_not_push_it_out() -> None:
    byline = ["By .", "Staff Reporter .", "PUBLISHED: .", "07:58 EST, 4 November 2013 ."]
    doc = make_document([*byline, *STORY])
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert 4 in picked
    assert not picked & {0, 1, 2, 3}


def test_unspaced_scripts_are_tokenised_per_character() -> None:
    assert words("中央银行提高了利率。") == list("中央银行提高了利率")
    assert words("The bank's rate, 5%") == ["the", "bank", "rate", "5"]


@pytest.mark.parametrize(
    ("sentence", "dateline"),
    [
        ("KATHMANDU, Nepal (CNN) -- The prime minister resigned.", "KATHMANDU, Nepal (CNN) -- "),
        ("Kathmandu, Nepal (CNN)The prime minister resigned.", "Kathmandu, Nepal (CNN)"),
        ("LONDON (Reuters) - Shares fell sharply on Monday.", "LONDON (Reuters) - "),
        ("WASHINGTON — The Senate passed the bill.", "WASHINGTON — "),
        ("(AP) — A bridge collapsed overnight.", "(AP) — "),
        ("ST. LOUIS, Missouri (CNN) -- A jury acquitted him.", "ST. LOUIS, Missouri (CNN) -- "),
        ("NEW YORK, N.Y. - Stocks rose.", "NEW YORK, N.Y. - "),
        ("The UK - and France - agreed.", ""),
        ("Senator Smith (D) said no.", ""),
        ("NASA - the space agency - said so.", ""),
        ("The council met (briefly) on Monday.", ""),
    ],
)
def test_dateline_is_the_leading_place_and_agency(sentence: str, dateline: str) -> None:
    assert sentence[: dateline_end(sentence)] == dateline


@pytest.mark.parametrize(
    ("sentence", "after_bare_by", "byline"),
    [
        ("By .", False, True),
        ("By Jane Doe and John Smith", False, True),
        ("Daily Mail Reporter .", True, True),
        ("Daily Mail Reporter .", False, False),
        ("PUBLISHED: 12:01 EST, 3 May 2014 . | UPDATED: 12:30 EST, 3 May 2014 .", False, True),
        ("UPDATED: .", False, True),
        ("14:11 EST, 25 October 2013 . | .", False, True),
        ("Last updated at 5:12 PM on 3rd May 2011", False, True),
        ("By Monday, the shops had sold out.", False, False),
        ("On May 3 at 5.30 the bank opened its doors.", False, False),
        ("Police arrested two men .", True, False),
    ],
)
def test_byline_only_sentences(sentence: str, after_bare_by: bool, byline: bool) -> None:
    assert is_byline(sentence, after_bare_by) is byline


def test_summary_sentence_starts_after_the_dateline() -> None:
    doc = make_document(["KATHMANDU, Nepal (CNN) -- " + STORY[0], *STORY[1:]])
    summary = summarize(doc, SummaryOptions(sentences=3), SETTINGS)
    first = summary.sentences[0]
    assert first.index == 0
    assert first.text == STORY[0] == doc.text[first.start : first.end]
    assert first.start == doc.sentences[0].start + len("KATHMANDU, Nepal (CNN) -- ")
    kept = summarize(doc, SummaryOptions(sentences=3), SETTINGS, frozenset({"datelines"}))
    assert kept.sentences[0].text.startswith("KATHMANDU")


def test_byline_sentences_are_never_candidates() -> None:
    byline = [
        "By .",
        "Daily Mail Reporter .",
        "PUBLISHED: 12:01 EST, 3 May 2014 . | UPDATED: 12:30 EST, 3 May 2014 .",
    ]
    doc = make_document([*byline, *STORY])
    assert [c.index for c in candidates(doc)] == list(range(3, 3 + len(STORY)))
    everything = summarize(doc, SummaryOptions(sentences=len(STORY) + 3), SETTINGS)
    assert [s.index for s in everything.sentences] == list(range(3, 3 + len(STORY)))


def test_prior_alone_is_lead_k() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    off = frozenset({"learned", "title"})
    summary = summarize(doc, SummaryOptions(sentences=3), SETTINGS, off)
    assert [s.index for s in summary.sentences] == [0, 1, 2]


def test_rule_groups_are_named_alike_in_the_eval_command() -> None:
    from services.cli.eval_summaries import RULE_GROUPS as EVAL_GROUPS

    assert EVAL_GROUPS == RULE_GROUPS


def test_shipped_weights_fit_the_features() -> None:
    weights = shipped_weights()
    assert weights.features == NAMES and len(weights.weights) == len(NAMES)
    assert weights.prior_weight >= 0


def test_logistic_fit_finds_the_informative_feature() -> None:
    import numpy as np

    from services.summarization.training import fit_logistic

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] + 0.1 * rng.normal(size=400) > 0).astype(np.float64)
    weights, _ = fit_logistic(x, y)
    assert weights[0] > 1.0 and abs(weights[1]) < weights[0] / 5


def test_training_labels_the_sentences_that_hold_the_headline() -> None:
    from services.summarization.training import example, labels

    doc = make_document(STORY, title="Library budget approved by council")
    ex = example(doc)
    assert ex is not None
    picked = {i for i, label in enumerate(labels(ex)) if label}
    assert {0, 1} <= picked  # "council ... budget ... libraries", "budget ... library"
    assert not picked & {4, 6}  # the weather and the football club
    assert example(make_document(STORY)) is None  # nothing to learn without a headline


def test_training_writes_weights_for_every_feature() -> None:
    from services.summarization.training import PRIOR_WEIGHTS, example, train

    docs = [
        make_document(STORY, title="Council approves library budget"),
        make_document(STORY[::-1], title="Football club names coach"),
    ]
    examples = [ex for ex in map(example, docs) if ex is not None]
    weights, tried = train(examples)
    assert weights.features == NAMES and len(weights.weights) == len(NAMES)
    assert weights.prior_weight in PRIOR_WEIGHTS and set(tried) == set(PRIOR_WEIGHTS)
