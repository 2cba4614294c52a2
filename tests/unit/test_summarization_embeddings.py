"""The sentence vectors: loaded from the pinned wheel without a network, and meaning-aware."""

import socket
from collections.abc import Iterator

import numpy as np
import pytest

from services.summarization import embeddings
from services.summarization.features import TITLE_COLUMNS, features
from services.summarization.scoring import TITLE_WEIGHT, score, shipped_weights
from services.summarization.text import words
from tests.unit.test_summarization import STORY, make_document


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a socket fails the test: the weights must come from the wheel."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the embeddings tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    embeddings._model.cache_clear()
    yield
    embeddings._model.cache_clear()


def _vectors(*sentences: str) -> np.ndarray:
    return embeddings.sentence_vectors([words(s) for s in sentences])


def test_loads_from_the_wheel_offline(no_network: None) -> None:
    vectors = _vectors("The council cut the library budget.")
    assert vectors.shape == (1, embeddings.DIMENSIONS)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-4)


def test_paraphrases_are_closer_than_unrelated_sentences() -> None:
    # No word in common with the first sentence but one ("the"), yet the same meaning.
    budget, savings, football = _vectors(
        "The government will cut public spending next year.",
        "Ministers plan deep reductions in state expenditure.",
        "The striker scored twice in the second half.",
    )
    assert budget @ savings > budget @ football + 0.1


def test_no_sentences_give_an_empty_matrix() -> None:
    assert embeddings.sentence_vectors([]).shape == (0, embeddings.DIMENSIONS)


def test_headline_similarity_has_a_words_and_a_meaning_column() -> None:
    found = make_document(STORY, title="Council approves library budget")
    from services.summarization.candidates import candidates

    cands = candidates(found)
    matrix, on_title = features(cands, words("Council approves library budget"))
    assert on_title.shape == (len(cands), len(TITLE_COLUMNS))
    # The weather sentence shares no word with the headline and means something else.
    assert on_title[4, 0] == 0 and on_title[4, 1] < on_title[0, 1]
    _, untitled = features(cands, None)
    assert not untitled.any()
    # With title.meaning off, only the words' cosine is added, at the full headline weight.
    weights = shipped_weights()
    both = score(matrix, on_title, weights)
    words_only = score(matrix, on_title, weights, frozenset({"title.meaning"}))
    half_difference = TITLE_WEIGHT * (on_title[:, 1] - on_title[:, 0]) / 2
    assert np.allclose(both - words_only, half_difference)


def test_loading_leaves_the_root_logger_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """WordLlama's import calls logging.basicConfig, which adds a plain-text handler to a root
    logger that has none: the workers' JSON logs must not gain one from it."""
    import logging
    import sys

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.delitem(sys.modules, "wordllama", raising=False)
    embeddings._model.cache_clear()
    embeddings.load()
    assert root.handlers == []


def test_vectors_are_wordllamas_own() -> None:
    """The unpadded sum is WordLlama's mean-pooled, normalised embedding, empty rows aside."""
    import wordllama
    from tokenizers import Tokenizer

    sentences = [
        words("The council cut the library budget."),
        [],
        words("Shares rose sharply after the announcement on Tuesday morning."),
        words("Yes."),
    ]
    ours = embeddings.sentence_vectors(sentences)
    model = embeddings._model()
    # A copy of the tokenizer: WordLlama's inference object turns padding on for the one it gets.
    tokenizer = Tokenizer.from_str(model.tokenizer.to_str())
    reference = wordllama.WordLlamaInference(model.table, tokenizer)
    theirs = reference.embed([" ".join(s) for s in sentences if s], norm=True)
    assert np.allclose(ours[[0, 2, 3]], theirs, atol=1e-6)
    assert not ours[1].any()
