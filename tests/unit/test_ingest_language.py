"""Language identification: ISO 639-1 codes with probabilities, silence when unsure."""

import pytest

from services.ingest.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The government announced new measures to support farmers hit by the drought.", "en"),
        ("El gobierno anunció ayer nuevas medidas para apoyar a los agricultores.", "es"),
        ("Der Bundestag hat am Donnerstag ein neues Gesetz zum Klimaschutz beschlossen.", "de"),
        ("Le gouvernement a annoncé mardi un plan d'aide pour les agriculteurs touchés.", "fr"),
        ("东京股市今天上涨，投资者对经济前景感到乐观。", "zh"),
    ],
)
def test_detects_language(text: str, code: str) -> None:
    detected = detect_language(text)
    assert detected is not None
    assert detected[0] == code
    assert 0.5 < detected[1] <= 1.0


@pytest.mark.parametrize("text", ["", "12345 678", "https://x.example/1", "Hi"])
def test_no_language_without_evidence(text: str) -> None:
    assert detect_language(text) is None
