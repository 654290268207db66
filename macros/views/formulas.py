"""TeX formulas to MathML at build time, with math-core: no JavaScript, no request elsewhere.

Pages (through pymdownx.arithmatex) and data fields (through markup.py) hand their formulas
here. A formula math-core cannot read raises `FormulaError`, which the caller locates (page and
line, or data file, entry and field). math-core escapes the text it copies, but its output is
checked against an allow-list all the same (elements, attributes, attribute values), so a
formula from data can never bring a script, an event handler or a link elsewhere into a page,
whatever a later math-core emits.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Sequence
from functools import lru_cache

from markupsafe import Markup
from math_core import LatexError, LatexToMathML

# Every element math-core writes (MathML Core, and the few HTML elements of \text styles).
# fmt: off
_ELEMENTS = frozenset((
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "munder", "mover", "munderover", "mfrac", "msqrt", "mroot",
    "mstyle", "mpadded", "mphantom", "mtable", "mtr", "mtd", "mmultiscripts", "mprescripts",
    "none", "merror", "menclose", "b", "i", "em", "code", "span", "s", "u", "a",
))
# Attributes, each with the values it may have: only lengths, numbers, words and colours.
_PLAIN = re.compile(r"[A-Za-z0-9 #%.,:;_+-]*")
_ATTRIBUTES: dict[str, re.Pattern[str]] = dict.fromkeys((
    "display", "mathvariant", "stretchy", "symmetric", "largeop", "movablelimits", "form",
    "lspace", "rspace", "minsize", "maxsize", "displaystyle", "scriptlevel", "accent",
    "accentunder", "linethickness", "width", "height", "depth", "voffset", "notation",
    "columnalign", "rowalign", "columnspan", "rowspan", "columnlines", "rowlines",
    "columnspacing", "rowspacing", "framespacing",
), _PLAIN)
# fmt: on
_ATTRIBUTES |= {
    "encoding": re.compile(r"application/x-tex"),
    "class": re.compile(r"[a-z0-9 -]*"),
    "id": re.compile(r"eq-[A-Za-z0-9_:.-]*"),
    "href": re.compile(r"#eq-[A-Za-z0-9_:.-]*"),  # \eqref: a formula on the same page only
    "style": re.compile(r"[a-z -]+:[A-Za-z0-9 #%.-]+;?(\s*[a-z -]+:[A-Za-z0-9 #%.-]+;?)*"),
}
_TAG = re.compile(r"<(/?)([a-z]+)([^<>]*)>")
_ATTRIBUTE_LIST = re.compile(r'(?:\s+[a-z-]+="[^"<>]*")*\s*/?')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_OFFSET = re.compile(r"^(\d+): ")
ID_PREFIX = "eq-"  # \label{x} becomes id="eq-x", apart from the headings' anchors


class FormulaError(ValueError):
    """A formula that cannot be shown: math-core's reason, and the TeX as it was written."""

    def __init__(self, tex: str, display: bool, reason: str) -> None:
        self.tex, self.display, self.reason = tex, display, reason
        super().__init__(f"cannot render the formula {written(tex, display)}: {reason}")


def written(tex: str, display: bool) -> str:
    """The formula as a person writes it: `$x$`, or `$$x$$` for display math."""
    mark = "$$" if display else "$"
    return f"{mark}{tex}{mark}"


_local = threading.local()


def _converter() -> LatexToMathML:
    """One converter per thread: math-core locks a converter while it works."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = LatexToMathML(
            annotation=True,  # the TeX in <annotation>: copied with the formula, read aloud
            fancy_error=False,  # one line, not a drawing of the source
            id_prefix=ID_PREFIX,
        )
    return converter


def _reason(error: LatexError) -> str:
    """math-core's message, its byte offset told as a place in the formula."""
    message = str(error).strip()
    offset = _OFFSET.match(message)
    if offset:
        message = f"{message[offset.end() :].rstrip('.')} (at character {int(offset[1]) + 1})"
    return message


def check_mathml(mathml: str, tex: str, display: bool) -> Markup:
    """`mathml` if it holds only the elements and attributes math-core is known to write,
    with values that cannot start a script or a request; else a FormulaError."""
    if not (mathml.startswith("<math") and mathml.endswith("</math>")):
        raise FormulaError(tex, display, "math-core gave no <math> element")
    tags = _TAG.findall(mathml)
    # Text is escaped: every < and > belongs to a tag the pattern read.
    if mathml.count("<") != len(tags) or mathml.count(">") != len(tags):
        raise FormulaError(tex, display, "math-core wrote markup the site does not allow")
    for _, name, attributes in tags:
        if name not in _ELEMENTS:
            raise FormulaError(tex, display, f"math-core wrote a <{name}> element")
        if attributes and attributes not in _SEEN_ATTRIBUTES:
            _check_attributes(attributes, name, tex, display)
    return Markup(mathml)


_SEEN_ATTRIBUTES: set[str] = set()  # a formula has few distinct attribute lists: check each once


def _check_attributes(attributes: str, name: str, tex: str, display: bool) -> None:
    if not _ATTRIBUTE_LIST.fullmatch(attributes):
        raise FormulaError(tex, display, f"math-core wrote <{name}{attributes}>")
    for attribute, value in _ATTRIBUTE.findall(attributes):
        allowed = _ATTRIBUTES.get(attribute)
        if allowed is None or not allowed.fullmatch(value):
            raise FormulaError(tex, display, f'math-core wrote {attribute}="{value}" on <{name}>')
    _SEEN_ATTRIBUTES.add(attributes)


@lru_cache(maxsize=8192)  # a summary shows on several pages; convert it once
def mathml(tex: str, display: bool) -> Markup:
    """The MathML of one formula, numbered on its own (a data field may show on any page)."""
    try:
        converted = _converter().convert_with_local_state(tex, displaystyle=display)
    except LatexError as error:
        raise FormulaError(tex, display, _reason(error)) from None
    return check_mathml(converted, tex, display)


def mathml_of_page(formulas: Sequence[tuple[str, bool]]) -> list[Markup]:
    """The MathML of a page's formulas, converted together so that numbered equations count
    up through the page and `\\eqref` finds a label written further down."""
    try:
        converted = _converter().convert_all(list(formulas))
    except LatexError as error:  # which one: convert each alone, the first that fails is named
        for tex, display in formulas:
            mathml(tex, display)
        first, display = formulas[0]  # each alone is fine: together they are not (a label twice)
        reason = f"with the page's other formulas: {_reason(error)}"
        raise FormulaError(first, display, reason) from None
    return [
        check_mathml(out, tex, display)
        for out, (tex, display) in zip(converted, formulas, strict=True)
    ]


# What pymdownx.arithmatex (`generic: true`) leaves of a page's formula: its TeX, escaped, in
# \(...\) in a span or \[...\] in a div.
_ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]</(?P=tag)>', re.S
)


def page_formulas_to_mathml(page_html: str) -> str:
    """A page's HTML with the formulas arithmatex found turned into MathML (a displayed one
    stays in its div, which Material scrolls when it is wide); FormulaError for the first
    that cannot be rendered."""
    if 'class="arithmatex">\\' not in page_html:
        return page_html
    found = list(_ARITHMATEX.finditer(page_html))
    converted = iter(
        mathml_of_page([(html.unescape(m["tex"]).strip(), m["open"] == "[") for m in found])
    )

    def replace(match: re.Match[str]) -> str:
        mathml = next(converted)
        return f'<div class="arithmatex">{mathml}</div>' if match["tag"] == "div" else mathml

    return _ARITHMATEX.sub(replace, page_html)
