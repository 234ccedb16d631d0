"""Users' text in the Markdown aisim writes (class packs, teacher notes, ``aisim params --markdown``).

A lesson or a scenario travels between teachers; its titles, briefings and labels go into
STUDENTS.md, README.md and TEACHER.md, which LMSs and editors render. Written as they are, a title
could add headings and tables, raw HTML (an ``<iframe>``) or a remote image (``![](http://...)``)
that a viewer loads. Here such text is escaped so it shows as written and does nothing else:
Markdown's and HTML's characters get a backslash, line-start markers (``#``, ``>``, ``-``, ``1.``)
lose their meaning, and text for one line (a heading, a list item, a table cell) is one line.
"""

from __future__ import annotations

import re

from sim.errors import TERMINAL_UNSAFE

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")
_MARKER = re.compile(r"^(\s*)([-+=>])", re.MULTILINE)  # a list item, a heading's underline, a quote
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)  # a numbered item: its . or ) escaped


def _escaped(text: str) -> str:
    text = TERMINAL_UNSAFE.sub("", text)  # control, bidi and zero-width characters: nothing a reader should get
    return _SPECIAL.sub(r"\\\1", text)


def inline(text: str) -> str:
    """``text`` inside one line of Markdown (after a heading's ``#``, a list item's ``-``, in a table cell):
    escaped, its line breaks spaces."""
    return _escaped(" ".join(text.split()))


def block(text: str) -> str:
    """``text`` as Markdown paragraphs of their own: escaped, its line breaks kept, no line opening a list,
    a quote or a heading's underline."""
    text = _escaped(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MARKER.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)
