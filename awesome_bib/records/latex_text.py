r"""Plain Unicode text <-> LaTeX source, for BibTeX fields and the LaTeX survey writer.

* :func:`escape_latex` turns text into LaTeX that typesets as that text and can run no command:
  every character LaTeX reads as syntax is written as a command, and the braces always balance.
* :func:`protect_title` does the same and braces the words a bibliography style must not lowercase.
* :func:`unescape_latex` reads LaTeX back into Unicode (latexcodec, plus the commands written here).

Non-ASCII characters go through latexcodec, one at a time, and each translation is wrapped in
braces (``{\"u}``, ``{\ss}``, ``{$\alpha$}``) because BibTeX treats a braced group opening with a
command as one letter when it sorts, abbreviates and changes case.  A translation is kept only when
latexcodec reads it back as the same character and a standard LaTeX document can typeset it;
otherwise the character stays UTF-8.  That is the right fallback for both toolchains: biber reads
UTF-8 natively and pdflatex reads it through its default ``utf8`` input encoding, so a character
with no LaTeX spelling (CJK, emoji) works wherever the document's fonts provide it (xelatex,
lualatex, or pdflatex with the right packages) and fails loudly, never silently, elsewhere; the
BibTeX writer for pdflatex narrows text to what it can set first (:func:`pdflatex_subset`).  biber
decodes spelled letters back to UTF-8 before pdflatex sees them, so with biber and pdflatex a rare
letter pdflatex has no UTF-8 mapping for (``Ḍ``, ``Ǽ``) fails however the .bib spells it.

Text is Unicode-normalised to NFC first (so ``e`` + combining acute becomes ``{\'e}``), control
characters are dropped and whitespace runs collapse to one space: a bibliography field is one line.

>>> print(escape_latex("100% & $5 #1 ~z"))
100\% \& \$5 \#1 {\textasciitilde}z
>>> print(protect_title("Mixtral of Experts: MoE for LLMs"))
Mixtral of Experts: {MoE} for {LLMs}
>>> unescape_latex(protect_title("M³ViT: Müller’s {DeepSpeed-MoE}"))
'M³ViT: Müller’s {DeepSpeed-MoE}'
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import latexcodec  # noqa: F401  -- importing it registers the "ulatex" codec

# Characters written as a braced text command instead of latexcodec's choice.  ASCII syntax
# characters must never reach TeX bare; braces in particular are written as commands because
# BibTeX counts every brace, escaped or not, and ``\{`` alone would unbalance the entry.  ``<``,
# ``>`` and ``|`` print as other glyphs in LaTeX's default OT1 font encoding, and biber turns
# ``\textless`` back into ``<``, so they are written in math, which biber leaves alone.  latexcodec
# writes the curly quotes as ASCII quotes and reads its ``$\mu$`` back as the micro sign, so those
# get a spelling of their own to survive a round trip.
_SPELLED = {
    "\\": r"\textbackslash",
    "{": r"\textbraceleft",
    "}": r"\textbraceright",
    "~": r"\textasciitilde",
    "^": r"\textasciicircum",
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
    "‘": r"\textquoteleft",
    "’": r"\textquoteright",
    "µ": r"\textmu",
    "μ": r"$\mu$",
}
# Syntax characters LaTeX lets you escape with a backslash.
_BACKSLASHED = "&%$#_"

# Adjacent ASCII characters TeX fonts join into another glyph (en dash, curly quotes, inverted
# marks, low quotes); ``{}`` between them keeps what the text says.
_LIGATURE_PAIRS = frozenset({"--", "``", "''", "!`", "?`", ",,"})

# Commands latexcodec may write that a standard LaTeX document cannot typeset as written: Greek
# capitals that LaTeX spells with Latin letters, amssymb symbols, and math-only commands that
# latexcodec leaves outside math.  Found by compiling every translation latexcodec knows; the slow
# test ``test_every_character_escape_latex_spells_compiles`` keeps this list honest.
_UNTYPESETTABLE = frozenset({
    "Alpha", "Beta", "Epsilon", "Zeta", "Eta", "Iota", "Kappa", "Mu", "Nu", "Omicron", "Rho", "Tau",
    "Chi", "omicron", "mathbb", "complement", "nexists", "notni", "blacksquare", "nsubseteq",
    "nsupseteq", "subsetneq", "supsetneq", "neg", "yen", "not",
})
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
# An accent over nothing (``\u{}``): biber makes it a bare combining mark pdflatex cannot print.
_ACCENT_ALONE = re.compile(r"\\(?:[^A-Za-z]|[A-Za-z]+)\{\}$")
# latexcodec accents the dotless i/j (``\'\i``); biber decodes that to a dotless i plus a combining
# accent, which pdflatex cannot print, while ``\'i`` decodes to the precomposed letter.
_ACCENTED_DOTLESS = re.compile(r"(\\[^A-Za-z]|\\[A-Za-z]+ ?)\\([ij])(?![A-Za-z])")


def _undotted(match: re.Match[str]) -> str:
    accent = match.group(1).rstrip()
    separator = " " if accent[-1].isalpha() else ""
    return f"{accent}{separator}{match.group(2)}"


@lru_cache(maxsize=4096)
def _spell_non_ascii(char: str) -> str:
    """The braced LaTeX spelling of one non-ASCII character, or the character itself."""
    try:
        latex = codecs.encode(char, "ulatex")
    except ValueError:
        return char
    latex = _ACCENTED_DOTLESS.sub(_undotted, latex)
    lossless = codecs.decode(latex, "ulatex") == char
    typesettable = not _UNTYPESETTABLE.intersection(_CONTROL_WORD.findall(latex))
    if lossless and typesettable and not _ACCENT_ALONE.search(latex):
        return "{" + latex + "}"
    return char


def _spell(char: str) -> str:
    if char in _SPELLED:
        return "{" + _SPELLED[char] + "}"
    if char in _BACKSLASHED:
        return "\\" + char
    if char.isascii():
        return char
    return _spell_non_ascii(char)


# ASCII control characters that are not whitespace: dropped (whitespace is folded by split()).
_ASCII_CONTROLS = dict.fromkeys(c for c in range(32) if not chr(c).isspace()) | {127: None}


def normalize_text(text: str) -> str:
    """NFC; control characters and lone surrogates dropped; whitespace runs made one space."""
    if text.isascii():  # the common case, at C speed
        return " ".join(text.translate(_ASCII_CONTROLS).split())
    composed = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if char.isspace() else char
        for char in composed
        if char.isspace() or unicodedata.category(char) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())


class _AsciiSpellings(dict[int, str]):
    """``str.translate`` table spelling ASCII characters, filled on first use."""

    def __missing__(self, code: int) -> str:
        self[code] = _spell(chr(code))
        return self[code]


_ASCII_SPELLINGS = _AsciiSpellings()
_LIGATURE = re.compile("|".join(re.escape(pair) for pair in sorted(_LIGATURE_PAIRS)))


def _escape_normalized(text: str) -> str:
    if text.isascii() and not _LIGATURE.search(text):  # the common case, at C speed
        return text.translate(_ASCII_SPELLINGS)
    pieces: list[str] = []
    previous = ""
    for char in text:
        if previous + char in _LIGATURE_PAIRS:
            pieces.append("{}")
        pieces.append(_spell(char))
        previous = char
    return "".join(pieces)


def escape_latex(text: str) -> str:
    r"""LaTeX source that typesets as ``text`` and runs no command of its own.

    >>> print(escape_latex(r"\input{/etc/passwd}"))
    {\textbackslash}input{\textbraceleft}/etc/passwd{\textbraceright}
    >>> print(escape_latex("Schölkopf – ß"))
    Sch{\"o}lkopf {--} {\ss}
    """
    return _escape_normalized(normalize_text(text))


# What pdflatex cannot print and a reader does not miss: pictographs and invisible characters.
_DROPPABLE = frozenset({"So", "Sk", "Cf", "Mn", "Co", "Cn"})


def printable_latex(text: str) -> str:
    r""":func:`escape_latex` for text of a document pdflatex typesets: emoji and invisible characters
    that have no LaTeX spelling are left out, as a heading's decoration.

    >>> print(printable_latex("📚 Milestone Papers & more"))
    Milestone Papers \& more
    """
    return escape_latex(printable_text(text))


def printable_text(text: str) -> str:
    """Normalised text without the emoji and invisible characters a reader does not miss (those with
    a LaTeX spelling stay): what survey drafts print, in LaTeX and in Typst alike.

    >>> printable_text("🚀 Fast\u200b MoE ©")
    'Fast MoE ©'
    """
    kept = "".join(char for char in normalize_text(text)
                   if char.isascii() or _spell_non_ascii(char) != char
                   or unicodedata.category(char) not in _DROPPABLE)
    return " ".join(kept.split())


# Characters nobody reads: controls, format characters (zero-width space, bidi overrides), combining
# marks NFC could not attach to a letter, private-use and unassigned code points.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Zl", "Zp"})


# Spellings that need the T1 font encoding, which a document gets only when it asks (found by
# compiling every spelling in a plain article; the slow test of random titles keeps it honest).
_T1_ONLY = frozenset({"guillemotleft", "guillemotright", "DH", "TH", "dh", "th", "DJ", "dj", "k"})


def _settable(char: str) -> bool:
    """Whether pdflatex sets ``char`` in a plain document: ASCII, or spelled without T1."""
    if char.isascii():
        return True
    spelled = _spell(char)
    return spelled != char and not _T1_ONLY.intersection(_CONTROL_WORD.findall(spelled))


def pdflatex_subset(text: str) -> tuple[str, str]:
    """``text`` with only what pdflatex sets from a .bib in a plain document (default font encoding):
    ASCII and characters with a LaTeX spelling.

    Invisible characters are dropped, other letters folded to their base (``ﬁ`` -> ``fi``, fullwidth
    letters -> ASCII, ``ą`` -> ``a``); what is left (emoji, scripts the standard fonts lack) is left
    out.  Returns the text and the visible characters left out, each once, in order.

    >>> pdflatex_subset("🚀 Schölkopf\u200b ﬁne ﬁ")
    (' Schölkopf fine fi', '🚀')
    """
    if text.isascii():
        return text, ""
    kept: list[str] = []
    left_out: dict[str, None] = {}
    for char in unicodedata.normalize("NFC", text):
        if char.isspace() or _settable(char):
            kept.append(char)
        elif unicodedata.category(char) not in _INVISIBLE:
            folded = [part for part in unicodedata.normalize("NFKD", char) if _settable(part)]
            if folded:
                kept.extend(folded)
            else:
                left_out[char] = None
    return "".join(kept), "".join(left_out)


_ASCII_INNER_CAPITAL_OR_DIGIT = re.compile(r"[A-Za-z][^A-Z]*[A-Z]|[A-Za-z].*\d|\d.*[A-Za-z]")


def _has_inner_capital_or_digit(part: str) -> bool:
    if part.isascii():
        return _ASCII_INNER_CAPITAL_OR_DIGIT.search(part) is not None
    letters = [char for char in part if char.isalpha()]
    if letters and any(char.isdigit() for char in part):
        return True
    return any(char.isupper() for char in letters[1:])


def needs_protection(word: str) -> bool:
    """Whether lowercasing would corrupt ``word``: acronyms, inner capitals, digits with letters.

    Hyphenated compounds are judged part by part so ``Mixture-of-Experts`` stays unprotected while
    ``DeepSpeed-MoE`` and ``GPT-4`` are protected whole.
    """
    return any(_has_inner_capital_or_digit(part) for part in word.split("-"))


def _protect_word(word: str, escape: Callable[[str], str]) -> str:
    # Braces go round the word's letters and digits only: BibTeX capitalises after a colon only when
    # the colon is outside braces, and ``({MoE}),`` reads better than ``{(MoE),}``.
    if not needs_protection(word):
        return escape(word)
    alnum_at = [index for index, char in enumerate(word) if char.isalnum()]
    start, end = alnum_at[0], alnum_at[-1] + 1
    return escape(word[:start]) + "{" + escape(word[start:end]) + "}" + escape(word[end:])


def protect_words(text: str, escape: Callable[[str], str]) -> str:
    """``text`` normalised and escaped word by word, with braces around each word a style must not
    lowercase: the braces of BibTeX and of Hayagriva alike."""
    return " ".join(_protect_word(word, escape) for word in normalize_text(text).split(" "))


def protect_title(text: str) -> str:
    """:func:`escape_latex`, with braces around each word a style must not lowercase.

    >>> protect_title("DeepSpeed-MoE: Advancing Mixture-of-Experts to 8x7B")
    '{DeepSpeed-MoE}: Advancing Mixture-of-Experts to {8x7B}'
    """
    return protect_words(text, _escape_normalized)


def _spelled_pattern() -> re.Pattern[str]:
    spellings = sorted(_SPELLED.values(), key=len, reverse=True)
    alternatives = [
        re.escape(spelling) + (r"(?![A-Za-z])(?:\{\}| )?" if spelling[-1].isalpha() else "")
        for spelling in spellings
    ]
    alternatives.append(r"\\[" + re.escape(_BACKSLASHED + "{}") + "]")
    return re.compile("|".join(alternatives))


_SPELLED_PATTERN = _spelled_pattern()
_READ_SPELLED = {spelling: char for char, spelling in _SPELLED.items()}


def _read_spelled(spelling: str) -> str:
    if spelling.startswith("\\") and len(spelling) == 2:
        return spelling[1]
    return _READ_SPELLED[spelling.removesuffix("{}").rstrip(" ")]


def _decode_latexcodec(chunk: str) -> str:
    decoded = codecs.decode(chunk, "ulatex").replace("{", "").replace("}", "")
    # latexcodec drops leading space, which here only separates this chunk from a symbol before it.
    if chunk[:1].isspace() and not decoded[:1].isspace():
        decoded = " " + decoded
    return decoded


def unescape_latex(text: str) -> str:
    r"""Unicode for LaTeX text: commands and accents decoded, grouping braces dropped.

    >>> print(unescape_latex(r"{\textbackslash}input{\textbraceleft}x{\textbraceright} \& {\"u}"))
    \input{x} & ü
    """
    pieces: list[str] = []
    position = 0
    for match in _SPELLED_PATTERN.finditer(text):
        pieces.append(_decode_latexcodec(text[position : match.start()]))
        pieces.append(_read_spelled(match.group()))
        position = match.end()
    pieces.append(_decode_latexcodec(text[position:]))
    return "".join(pieces)
