"""Matching quotes against a PDF-extracted source text.

The extraction wraps lines, hyphenates words across line ends ("organisa-\\ntionsutveckling") and
separates paragraphs with blank lines. A quote is verbatim when it is a substring of the source
after undoing line-end hyphenation and collapsing whitespace, both applied to source and quote.
"""

import re

# word part, hyphen, line break (blank lines allowed), continuation starting with a lower-case letter
_LINE_END_HYPHEN = re.compile(r"(\w+)-[ \t]*\n\s*([a-zåäöéü]\w*)")
_INLINE_HYPHENATED = re.compile(r"\b(\w+)-(\w+)\b")
_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def normalise_source_text(raw: str) -> str:
    """Undo line-end hyphenation and collapse whitespace.

    A hyphen at a line end is kept when the same hyphenated compound is written within a line
    elsewhere in the text ("gemensam it-\\nservice" stays "it-service"), since then it is a real hyphen.
    """
    written_with_hyphen = {
        f"{first}-{second}".lower()
        for line in raw.splitlines()
        for first, second in _INLINE_HYPHENATED.findall(line)
    }

    def join(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        compound = f"{first}-{second}"
        return compound if compound.lower() in written_with_hyphen else first + second

    return collapse_whitespace(_LINE_END_HYPHEN.sub(join, raw))
