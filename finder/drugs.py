"""Drug names → drug class: what a patient or GP types, resolved against data/drugs.csv.

The CSV lists generic names, Australian/US/UK spellings, brands and combination products. A row
whose `generic` column is filled is another name for that generic (a brand or a spelling), so a
match reports the generic as `name` and the row that matched as `matched`. Loaded once, lazily.
"""
import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from finder.vocabulary import DRUG_CLASSES, DrugClass

DRUGS_CSV = Path(__file__).parent.parent / "data" / "drugs.csv"
MAX_QUERY_CHARS = 200
FUZZY_CUTOFF = 85  # fuzz.ratio: one or two wrong letters in a name of eight or more
SUGGEST_CUTOFF = 75
MIN_GUESS_CHARS = 4  # shorter text is matched exactly or as a suggestion prefix, never guessed

# Joining words of combinations ("with", "and", "+", "/" and "-" all become one space) and salt
# words that do not change the drug ("naproxen sodium" is naproxen).
_IGNORED_WORDS = frozenset(
    "and with plus sodium potassium hydrochloride hcl sulfate sulphate hyclate".split())
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|g|ml|%)(?!\w)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class DrugEntry:
    name: str
    generic: str
    drug_class: DrugClass
    atc: str
    kind: str  # generic | brand | combination


@dataclass(frozen=True)
class DrugMatch:
    name: str  # the generic name
    matched: str  # the vocabulary entry that matched: a brand, a spelling or the generic itself
    drug_class: DrugClass
    atc: str
    score: float  # 100 for an exact match, else fuzz.ratio of the normalised texts
    exact: bool

    def to_dict(self) -> dict:
        c = self.drug_class
        return {"name": self.name, "matched": self.matched, "atc": self.atc,
                "class": {"code": c.code, "name": c.name, "group": c.group}}


def normalise(text: str) -> str:
    """Lower-case ASCII words without accents, punctuation, doses or joining words."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = _NOT_ALNUM.sub(" ", _DOSE.sub(" ", text)).split()
    return " ".join(w for w in words if w not in _IGNORED_WORDS)


def _sound(key: str) -> str:
    """Spelling that does not change the sound: "ph" and "f" (sulphonamide, ibuprophen)."""
    return key.replace("ph", "f")


def _variants(key: str) -> tuple[str, str, str]:
    """The key, without spaces ("co trimoxazole" = "cotrimoxazole"), and in any word order."""
    return key, key.replace(" ", ""), " ".join(sorted(key.split()))


@dataclass(frozen=True)
class _Index:
    entries: tuple[DrugEntry, ...]
    keys: tuple[str, ...]  # normalised names, parallel to entries
    sounds: tuple[str, ...]  # the keys as they sound, for typos ("ibuprophen")
    exact: dict[str, int]  # every variant of every key → position in entries


@cache
def _index() -> _Index:
    with DRUGS_CSV.open(newline="", encoding="utf-8") as f:
        entries = tuple(
            DrugEntry(row["name"], row["generic"] or row["name"], DRUG_CLASSES[row["class"]],
                      row["atc"], row["kind"])
            for row in csv.DictReader(f))
    keys = tuple(normalise(e.name) for e in entries)
    exact: dict[str, int] = {}
    for variant in range(3):  # whole keys first, so a derived variant never hides a real name
        for i, key in enumerate(keys):
            exact.setdefault(_variants(key)[variant], i)
    return _Index(entries, keys, tuple(_sound(k) for k in keys), exact)


def vocabulary() -> tuple[DrugEntry, ...]:
    """Every row of data/drugs.csv, in file order."""
    return _index().entries


def _match(i: int, query: str, exact: bool) -> DrugMatch:
    index = _index()
    e = index.entries[i]
    score = 100.0 if exact else round(fuzz.ratio(query, index.keys[i]), 1)
    return DrugMatch(e.generic, e.name, e.drug_class, e.atc, score, exact)


def _query(text: object) -> str:
    if not isinstance(text, str) or len(text) > MAX_QUERY_CHARS:
        return ""
    return normalise(text)[:MAX_QUERY_CHARS]


def _exact_position(query: str) -> int | None:
    exact = _index().exact
    return next((exact[v] for v in _variants(query) if v in exact), None)


def _prefix_rank(i: int) -> tuple:
    e, key = _index().entries[i], _index().keys[i]
    return (e.name != e.generic, len(key), key)  # the generic's own row, then the shortest


def resolve_drug(text: str) -> DrugMatch | None:
    """The one drug this text names, or None when it names none (or is empty or too long).

    Exact names first (any case, accents, hyphens and combination notation), then the start of
    a name when every name it starts belongs to one class, then a small typo.
    """
    query = _query(text)
    if not query:
        return None
    if (i := _exact_position(query)) is not None:
        return _match(i, query, exact=True)
    if len(query) < MIN_GUESS_CHARS:
        return None
    keys = _index().keys
    starts = [i for i, key in enumerate(keys) if key.startswith(query)]
    if starts and len({_index().entries[i].drug_class for i in starts}) == 1:
        return _match(min(starts, key=_prefix_rank), query, exact=False)
    best = process.extractOne(_sound(query), _index().sounds, scorer=fuzz.ratio,
                              score_cutoff=FUZZY_CUTOFF)
    return _match(best[2], query, exact=False) if best else None


def suggest_drugs(text: str, limit: int = 8) -> list[DrugMatch]:
    """Up to `limit` drugs for autocomplete, one per generic, best first; [] when none fit.

    Order: an exact name, names starting with the text, names with a word starting with it,
    then close spellings.
    """
    query = _query(text)
    if not query or limit < 1:
        return []
    keys = _index().keys
    exact = _exact_position(query)
    whole = sorted((i for i, k in enumerate(keys) if k.startswith(query)), key=_prefix_rank)
    word = sorted((i for i, k in enumerate(keys)
                   if not k.startswith(query) and f" {query}" in f" {k}"), key=_prefix_rank)
    close = [hit[2] for hit in process.extract(
        _sound(query), _index().sounds, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF,
        limit=limit * 4)] if len(query) >= 3 else []
    matches: dict[str, DrugMatch] = {}
    for i in ([exact] if exact is not None else []) + whole + word + close:
        match = _match(i, query, exact=i == exact)
        matches.setdefault(match.name, match)
        if len(matches) == limit:
            break
    return list(matches.values())


def drug_class_of(code: str) -> DrugClass | None:
    """The drug class with this code ("penicillins"), or None for an unknown code."""
    return DRUG_CLASSES.get(code) if isinstance(code, str) else None


def is_penicillin(match: DrugMatch | None) -> bool:
    """Whether the match is a penicillin: the class PEN-FAST and penicillin testing are about."""
    return match is not None and match.drug_class.code == "penicillins"
