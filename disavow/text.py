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

Also: showing text from an input as it is written, whatever it holds
(:func:`show_bidi_controls`, :func:`one_line`).
"""

from __future__ import annotations

import codecs
import re
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


# Unicode's bidirectional-text controls. A title or anchor written with them is
# displayed in another order than its characters run: "casino \u202eesuoh nwo ruoy\u202c
# bonus" shows as "casino your own house bonus". A person checks a reason by reading it,
# so the controls are shown as what they are.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def show_bidi_controls(text: str) -> str:
    """``text`` with each bidirectional-text control written as ``[U+202E]`` and the like.

    >>> show_bidi_controls("a\u202eb")
    'a[U+202E]b'
    """
    if text.isascii():
        return text
    return _BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


_LINE_BREAKS_AND_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def from_os(text: str) -> str:
    """A name from the operating system (a path, an argument) as text that can be shown.

    Python keeps the bytes of a file name that are not UTF-8 as lone surrogates,
    which no UTF-8 output can hold: they are read as Windows-1252 instead, as the
    exports' own stray bytes are (``gsc-m\\udcfcnchen.csv`` is ``gsc-münchen.csv``).
    """
    if text.isascii() or not _SURROGATE_ESCAPES.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", CP1252_FALLBACK)


_SURROGATE_ESCAPES = re.compile("[\udc80-\udcff]")


def one_line(text: str) -> str:
    r"""``text`` as one line: control characters and line breaks written as escapes,
    bidirectional-text controls as ``[U+202E]``.

    For names an input chooses (a file, a zip member, a sheet, a column) that a
    message quotes: a line break in one must not start a line of its own.

    >>> one_line("evil\n\x1b[31mWarning\u202e.csv")
    'evil\\n\\x1b[31mWarning[U+202E].csv'
    """
    return show_bidi_controls(
        _LINE_BREAKS_AND_CONTROLS.sub(lambda m: repr(m.group())[1:-1], from_os(text)))
