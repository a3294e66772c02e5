"""Find the passage of a source text that rough words point to, as a quote that passes the quote check.

Rough words are compared folded (lower case, accents dropped, æ/ø/å as ae/oe/aa, punctuation ignored) and
fuzzily, so a word or two missing or misspelt still finds the passage. What comes back is always the
source's own text: white space collapsed and line-end hyphenation resolved, then checked with `SourceText`.
"""

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass

from .source_text import LINE_END_HYPHEN, SourceText, normalise

QUOTE_LENGTH = 300  # what the shapes ask a quote to keep to ("at most about 300 characters")
MIN_SCORE = 0.5  # below this, a window of the text is not offered at all
SURE_SCORE = 0.8  # a passage this close, with no rival near it, is taken to be the one meant

_JUNK = "\ufffd\ue000-\uf8ff"  # the replacement character and private-use glyphs (PDF bullets) extraction leaves
_WORD = re.compile(rf"[^\s{_JUNK}]+")
_JUNK_CHAR = re.compile(rf"[{_JUNK}]")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n\s*")
# A hyphen before these at a line end belongs to a suspended compound ("Udrednings- og behandlingsforløb").
_SUSPENDED_BEFORE = {"og", "eller", "samt", "til", "som"}
_SEEDS = 15


def fold(text: str) -> str:
    """Lower case without accents, æ/ø/å spelt ae/oe/aa: how rough words and labels are compared."""
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def word_key(word: str) -> str:
    """A word folded, with its punctuation and hyphens dropped: "Kræft-" and "kraeft" have the same key."""
    return "".join(c for c in fold(word) if c.isalnum())


def turtle_string(text: str) -> str:
    """The text as a double-quoted Turtle string (without a language tag)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Passage:
    """A stretch of the source text, as it may be pasted into kg:quote, with the lines it stands on."""

    quote: str
    first_line: int
    last_line: int
    score: float  # 1.0: every word as asked; lower: words missing, added or spelt otherwise
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> str:
        return str(self.first_line) if self.first_line == self.last_line else f"{self.first_line}-{self.last_line}"


@dataclass(frozen=True)
class QuoteSearch:
    """The passages that best fit the words, best first; `sure` when the first is clearly the one."""

    passages: list[Passage]
    sure: bool


@dataclass(frozen=True)
class _Token:
    key: str
    start: int
    end: int


class IndexedText:
    """A source text split into words, to find passages in it and cut verbatim quotes out of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._check = SourceText(text)
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._tokens = _tokens(text)
        self._keys = [t.key for t in self._tokens]

    def line_of(self, offset: int) -> int:
        """The 1-based line the character at `offset` stands on."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_start(self, line: int) -> int:
        """The offset of the first character of a 1-based line."""
        return self._line_starts[line - 1]

    def contains(self, quote: str) -> bool:
        """The project's quote check (`kraeftgraf verify-sources`) for this text."""
        return self._check.contains(quote)

    def find(self, words: str, *, limit: int = 3) -> QuoteSearch:
        """The passages the words point to, best first, at most `limit` of them."""
        query = [key for key in map(word_key, words.split()) if key]
        if not query or not self._tokens:
            return QuoteSearch(passages=[], sure=False)
        close = _close_keys(set(self._keys), query)
        found: list[tuple[float, int, int]] = []
        for seed in self._seeds(query, close):
            first, last = self._refine(query, close, seed)
            score = _likeness(" ".join(query), " ".join(self._keys[first:last]))
            if score >= MIN_SCORE and not any(first < b and a < last for _, a, b in found):
                found.append((score, first, last))
        found.sort(key=lambda f: (-f[0], f[1]))
        passages = [self._passage(first, last, score) for score, first, last in found[:limit]]
        return QuoteSearch(passages=passages, sure=_is_sure(passages))

    def passage(self, start: int, end: int, *, max_length: int | None = None) -> Passage | None:
        """The words between two offsets as a quote, cut at a word (a sentence end where it can) to fit."""
        first = bisect.bisect_left([t.end for t in self._tokens], start + 1)
        last = bisect.bisect_right([t.start for t in self._tokens], end - 1)
        if first >= last:
            return None
        if max_length is not None:
            last = _cut(self.text, self._tokens, first, last, max_length)
        return self._passage(first, last, 1.0)

    def _seeds(self, query: list[str], close: dict[str, str]) -> list[int]:
        """Where windows of the query's length hold the most words close to the query's words."""
        hits = [1 if key in close else 0 for key in self._keys]
        width = len(query)
        sums = [0]
        for hit in hits:
            sums.append(sums[-1] + hit)
        counts = [(sums[min(s + width, len(hits))] - sums[s], s) for s in range(max(1, len(hits) - width + 1))]
        needed = max(1, round(0.3 * width), max(count for count, _ in counts) // 2)
        seeds: list[int] = []
        for count, start in sorted(counts, key=lambda c: (-c[0], c[1])):
            if count < needed or len(seeds) == _SEEDS:
                break
            if all(abs(start - s) > width // 2 for s in seeds):
                seeds.append(start)
        return seeds

    def _refine(self, query: list[str], close: dict[str, str], seed: int) -> tuple[int, int]:
        """Grow and shrink the window while it fits the query better, several words at a time.

        Words are compared whole here (a word spelt close to a query word counts as that word), which is
        quick; the windows found are then scored letter by letter.
        """
        words = [close.get(key, key) for key in self._keys]
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(query)
        sizes = [0]  # sizes[i]: the letters (and a space each) of the query's first i words
        for word in query:
            sizes.append(sizes[-1] + len(word) + 1)
        wanted = sizes[-1]

        def fit(a: int, b: int) -> float:
            matcher.set_seq1(words[a:b])
            matched = sum(sizes[block.b + block.size] - sizes[block.b] for block in matcher.get_matching_blocks())
            given = sum(len(word) + 1 for word in words[a:b])
            return (2 * matched / (wanted + given) + matched / wanted) / 2

        first, last = seed, min(seed + len(query), len(self._tokens))
        best = fit(first, last)
        reach = max(4, len(query) // 2)  # a gap of words the query left out is crossed in one move
        improved = True
        while improved:
            improved = False
            moves = [(first - step, last) for step in range(1, reach + 1)] + [(first + 1, last), (first, last - 1)]
            moves += [(first, last + step) for step in range(1, reach + 1)]
            for a, b in moves:
                if 0 <= a < b <= len(self._tokens):
                    score = fit(a, b)
                    if score > best:
                        best, first, last, improved = score, a, b, True
        return first, last

    def _passage(self, first: int, last: int, score: float) -> Passage:
        start, end = self._tokens[first].start, self._tokens[last - 1].end
        quote = self._render(start, end)
        warnings = []
        if _JUNK_CHAR.search(quote):
            junk = ", ".join(sorted({f"U+{ord(c):04X}" for c in _JUNK_CHAR.findall(quote)}))
            warnings.append(f"it holds a character the PDF extraction left ({junk}); quote a part without it")
        if len(quote) > QUOTE_LENGTH:
            warnings.append(f"it is {len(quote)} characters long; keep a quote to about {QUOTE_LENGTH} "
                            "(the shapes refuse more than 400)")
        return Passage(quote=quote, first_line=self.line_of(start), last_line=self.line_of(end - 1),
                       score=round(score, 3), warnings=tuple(warnings))

    def _render(self, start: int, end: int) -> str:
        """The span with each line-end hyphen resolved as the words around it suggest, checked as quotes are."""
        span = self.text[start:end].rstrip(",;")  # a quote ends with its words, not with the comma after them
        preferred = normalise(LINE_END_HYPHEN.sub(_resolve_hyphen, span), join=None)
        # A quote may use one way of joining only; where the preferred mix is not in the text, take one that is.
        for candidate in (preferred, *(normalise(span, join=join) for join in ("", "-", None))):
            if self._check.contains(candidate):
                return candidate
        return normalise(span, join=None)


def _tokens(text: str) -> list[_Token]:
    """The words of the text, a word hyphenated across a line end counted once."""
    raw = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    tokens: list[_Token] = []
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        if (word.endswith("-") and len(word) > 1 and word[-2].isalpha() and i + 1 < len(raw)
                and _LINE_BREAK.fullmatch(text[end:raw[i + 1][1]])
                and word_key(raw[i + 1][0]) not in _SUSPENDED_BEFORE):
            tokens.append(_Token(word_key(word + raw[i + 1][0]), start, raw[i + 1][2]))
            i += 2
            continue
        key = word_key(word)
        if key:
            tokens.append(_Token(key, start, end))
        i += 1
    return tokens


def _resolve_hyphen(match: "re.Match[str]") -> str:
    """How to print one hyphen at a line end: joined ("diagnostik"), kept ("HPV-vaccination") or spaced ("og")."""
    text, at = match.string, match.start()
    before = text[:at].split()[-1] if text[:at].split() else ""
    after = text[match.end():].split()[0] if text[match.end():].split() else ""
    if not after or word_key(after) in _SUSPENDED_BEFORE or not after[0].isalpha():
        return "- "
    if after[0].isupper() or (before[-1:].isupper() or before[-1:].isdigit()):
        return "-"
    return ""


def _likeness(wanted: str, window: str) -> float:
    """How well a window fits the query, letter by letter: likeness of the two, and how much of the query it holds.

    Likeness alone would rather drop a query word than take in the words the query left out around it.
    """
    matcher = difflib.SequenceMatcher(None, wanted, window, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return (2 * matched / (len(wanted) + len(window)) + matched / len(wanted)) / 2


def _close_keys(keys: set[str], query: list[str]) -> dict[str, str]:
    """The text's words that are, or are spelt close to, one of the query's words, each with that word."""
    close = {key: key for key in query if key in keys}
    pool = sorted(keys)
    for key in dict.fromkeys(query):
        if len(key) >= 4:
            for match in difflib.get_close_matches(key, pool, n=10, cutoff=0.75):
                close.setdefault(match, key)
    return close


def _cut(text: str, tokens: list[_Token], first: int, last: int, max_length: int) -> int:
    """The end (exclusive token index) of the longest stretch from `first` that fits, at a sentence end if any."""
    def length(end: int) -> int:
        return len(normalise(text[tokens[first].start:tokens[end - 1].end], join=""))

    if length(last) <= max_length:
        return last
    fitting = [end for end in range(first + 1, last) if length(end) <= max_length] or [first + 1]
    sentence_ends = [end for end in fitting if text[tokens[end - 1].end - 1] in ".:;!?"]
    return (sentence_ends or fitting)[-1]


def _is_sure(passages: list[Passage]) -> bool:
    """Every word as asked, or close enough with the next other passage well behind."""
    if not passages:
        return False
    best = passages[0]
    rivals = [p for p in passages[1:] if p.quote != best.quote]
    return best.score == 1.0 or (best.score >= SURE_SCORE and (not rivals or rivals[0].score < best.score - 0.1))


def word_diff(quote: str, passage: str) -> str:
    """The quote's words against the passage's: `[-word-]` only in the quote, `{+word+}` only in the passage."""
    ours, theirs = quote.split(), passage.split()
    parts: list[str] = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.extend(ours[a1:a2])
            continue
        if a2 > a1:
            parts.append("[-" + " ".join(ours[a1:a2]) + "-]")
        if b2 > b1:
            parts.append("{+" + " ".join(theirs[b1:b2]) + "+}")
    return " ".join(parts)
