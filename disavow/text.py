"""Decoding text that is UTF-8 except for a few Windows-1252 bytes.

A file saved by one program as UTF-8 and edited by another that writes
Windows-1252 (a spreadsheet, an old editor) holds both. Decoding all of it as
Windows-1252 turns every valid UTF-8 character into two or three wrong ones
(``münchen`` becomes ``mÃ¼nchen``, a different host). The error handler
registered here decodes only the bytes that are not valid UTF-8 as
Windows-1252, so the rest keeps its meaning::

    data.decode("utf-8", errors=CP1252_FALLBACK)

pandas takes the same name as ``encoding_errors``. Used by
:mod:`disavow.read` (exports) and :mod:`disavow.disavow_file` (the existing file).
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Iterable

CP1252_FALLBACK = "disavow-cp1252-fallback"

_counter = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    _counter.n = getattr(_counter, "n", 0) + len(bad)
    # The five bytes Windows-1252 leaves undefined (0x81, 0x8d...) are read as
    # Latin-1, as the whole-file fallback did: never a second error.
    return "".join(_one(b) for b in bad), exc.end


def _one(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(CP1252_FALLBACK, _cp1252_fallback)


def decode_utf8_or_cp1252(data: bytes) -> tuple[str, int]:
    """``data`` as UTF-8, its invalid bytes as Windows-1252; and how many those were."""
    _counter.n = 0
    text = data.decode("utf-8", errors=CP1252_FALLBACK)
    return text, _counter.n


def count_cp1252_bytes(chunks: Iterable[bytes]) -> tuple[int, int]:
    """(bytes that are not valid UTF-8, bytes outside ASCII) in a stream of chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors=CP1252_FALLBACK)
    _counter.n = 0
    non_ascii = 0
    for chunk in chunks:
        if chunk.isascii() and not decoder.getstate()[0]:
            continue
        non_ascii += len(chunk) - len(chunk.translate(None, _NON_ASCII))
        decoder.decode(chunk)
    decoder.decode(b"", final=True)
    return _counter.n, non_ascii


_NON_ASCII = bytes(range(128, 256))
