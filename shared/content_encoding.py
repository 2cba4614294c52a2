"""HTTP content decoding with bounded output, so a decompression bomb cannot fill memory.

A client library decodes a whole network chunk at once: 1.8 KB of ``gzip, gzip`` on the wire
expands to gigabytes before any size cap can look at it. Here every layer inflates at most
``step`` bytes per call and hands them on lazily, so the caller's byte cap sees decoded bytes as
they stream and memory stays near ``step`` per layer, whatever the ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

SUPPORTED = ("gzip", "x-gzip", "deflate", "identity")
ACCEPT_ENCODING = "gzip, deflate"  # what the fetcher asks for: nothing it cannot bound
_GZIP_WBITS = 16 + zlib.MAX_WBITS
DEFAULT_STEP = 64 * 1024


class UnsupportedEncoding(ValueError):
    """A Content-Encoding this module does not decode."""


def encodings(header: str | None) -> list[str]:
    """The encodings of a Content-Encoding header, in the order they were applied."""
    names = [name.strip().lower() for name in (header or "").split(",")]
    found = [name for name in names if name and name != "identity"]
    for name in found:
        if name not in SUPPORTED:
            raise UnsupportedEncoding(f"unsupported content encoding {name!r}")
    return found


class _Layer:
    """One encoding undone, at most ``step`` bytes out per call. HTTP's "deflate" is meant to
    be zlib-wrapped, but some servers send raw deflate: the first bytes decide."""

    def __init__(self, name: str, step: int) -> None:
        self.name = name
        self.step = step
        self.inflater: zlib._Decompress | None = (
            zlib.decompressobj(_GZIP_WBITS) if name != "deflate" else None
        )

    def _start(self, data: bytes) -> zlib._Decompress:
        if self.inflater is None:
            wrapped = len(data) >= 2 and (data[0] * 256 + data[1]) % 31 == 0 and data[0] & 15 == 8
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self.inflater

    def feed(self, data: bytes) -> Iterator[bytes]:
        inflater = self._start(data)
        while data:
            out = inflater.decompress(data, self.step)
            data = inflater.unconsumed_tail
            if out:
                yield out
            elif not data:
                break

    def finish(self) -> Iterator[bytes]:
        if self.inflater is None:
            return
        while True:  # whatever is still buffered, in bounded pieces
            out = self.inflater.decompress(b"", self.step)
            if not out:
                break
            yield out


def decoded(
    chunks: Iterable[bytes], applied: list[str], step: int = DEFAULT_STEP
) -> Iterator[bytes]:
    """The body with ``applied`` encodings undone (last applied, first undone), lazily."""
    layers = [_Layer(name, step) for name in reversed(applied)]

    def through(level: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        if level == len(layers):
            yield from pieces
            return
        layer = layers[level]
        for piece in pieces:
            yield from through(level + 1, layer.feed(piece))

    def finish(level: int) -> Iterator[bytes]:
        for index in range(level, len(layers)):
            yield from through(index + 1, layers[index].finish())

    try:
        yield from through(0, chunks)
        yield from finish(0)
    except zlib.error as exc:
        raise ValueError(f"corrupt {'/'.join(applied)} body: {exc}") from exc
