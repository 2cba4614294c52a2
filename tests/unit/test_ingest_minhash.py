"""MinHash signatures: stable values, and similarity that tracks shared wording."""

import subprocess
import sys
from pathlib import Path

from services.ingest.minhash import NUM_HASHES, shingles, signature, similarity

SEED = Path(__file__).resolve().parents[2] / "seeds" / "vostok-2022-china-russia.txt"


def test_signature_shape_and_determinism_across_processes() -> None:
    text = SEED.read_text(encoding="utf-8")
    local = signature(text)
    assert len(local) == NUM_HASHES
    assert all(0 <= value < 2**32 for value in local)
    code = (
        "import sys; from services.ingest.minhash import signature;"
        "print(signature(sys.stdin.read()))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert other.stdout.strip() == str(local)


def test_near_duplicates_are_similar_and_other_texts_are_not() -> None:
    text = SEED.read_text(encoding="utf-8")
    edited = text.replace("maneuvers", "manoeuvres", 1).replace("In July,", "Back in July,")
    other = (SEED.parent / "toronto-overnight-subway.txt").read_text(encoding="utf-8")
    assert similarity(signature(text), signature(text)) == 1.0
    assert similarity(signature(text), signature(edited)) > 0.8
    assert similarity(signature(text), signature(other)) < 0.1


def test_case_and_punctuation_do_not_matter_and_short_texts_work() -> None:
    assert signature("The Cat, sat on the mat!") == signature("the cat sat on the mat")
    assert shingles("two words") == {"two words"}
    assert len(signature("two words")) == NUM_HASHES
    assert signature("") == [] and signature("…!") == []
    assert similarity([], signature("two words")) == 0.0
