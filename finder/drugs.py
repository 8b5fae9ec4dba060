"""Drug names → drug class: what a patient or GP types, resolved against data/drugs.csv.

The CSV lists generic names, Australian/US/UK spellings, brands and combination products. A row
whose `generic` column is filled is another name for that generic (a brand or a spelling), so a
match reports the generic as `name` and the row that matched as `matched`. Loaded once, lazily.
"""
import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from finder.vocabulary import ALL_DRUG_CLASSES, DRUG_CLASSES, DrugClass

DRUGS_CSV = Path(__file__).parent.parent / "data" / "drugs.csv"
MAX_QUERY_CHARS = 200
SUGGEST_CUTOFF = 75
MIN_GUESS_CHARS = 4  # shorter text is matched exactly or as a suggestion prefix, never guessed
# A typo is one slip (a wrong, missing, extra or swapped letter) in a name of five letters or
# more, two in one of nine or more: the size of error that leaves one substance recognisable.
# Different substances are often closer than that to each other (cefalotin/cefalexin), so a
# correction is made only when every name in reach is the same substance.
_TYPO_EDITS = ((9, 2), (5, 1))
_COMPONENT_SPLIT = re.compile(r"\s+(?:with|and)\s+")

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

    @property
    def components(self) -> frozenset[str]:
        """The substances in it, lower case: {"amoxicillin", "clavulanic acid"} for co-amoxiclav."""
        return frozenset(_COMPONENT_SPLIT.split(self.generic.lower()))


@dataclass(frozen=True)
class DrugMatch:
    name: str  # the generic name
    matched: str  # the vocabulary entry that matched: a brand, a spelling or the generic itself
    drug_class: DrugClass
    atc: str
    score: float  # 100 for an exact match, else fuzz.ratio of the normalised texts
    exact: bool
    components: frozenset[str] = frozenset()  # substances, lower case (see DrugEntry)

    @property
    def listed_class(self) -> str | None:
        """The class code centers list, or None for a drug outside the desensitization classes
        (a search or referral for it is not narrowed to a class no center lists)."""
        return self.drug_class.code if self.drug_class.code in DRUG_CLASSES else None

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
            DrugEntry(row["name"], row["generic"] or row["name"], ALL_DRUG_CLASSES[row["class"]],
                      row["atc"], row["kind"])
            for row in csv.DictReader(f))
    keys = tuple(normalise(e.name) for e in entries)
    exact: dict[str, int] = {}
    for variant in range(3):  # whole keys first, so a derived variant never hides a real name
        for i, key in enumerate(keys):
            exact.setdefault(_variants(key)[variant], i)
    return _Index(entries, keys, tuple(_sound(k) for k in keys), exact)


def drug_entries() -> tuple[DrugEntry, ...]:
    """Every row of data/drugs.csv, in file order."""
    return _index().entries


def _match(i: int, query: str, exact: bool) -> DrugMatch:
    index = _index()
    e = index.entries[i]
    score = 100.0 if exact else round(fuzz.ratio(query, index.keys[i]), 1)
    return DrugMatch(e.generic, e.name, e.drug_class, e.atc, score, exact, e.components)


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


@lru_cache(maxsize=1024)  # the answer depends on the text alone; patients type the same few
def resolve_drug(text: str) -> DrugMatch | None:
    """The one substance this text names, or None when it names none (or is empty or too long).

    Exact names first (any case, accents, hyphens and combination notation), then the start of
    names that all contain one substance, then a typo of one substance. Text that is close to
    several substances names none of them: suggest_drugs offers them as choices.
    """
    query = _query(text)
    if not query:
        return None
    if (i := _exact_position(query)) is not None:
        return _match(i, query, exact=True)
    if len(query) < MIN_GUESS_CHARS:
        return None
    keys = _index().keys
    starts = _one_substance([i for i, key in enumerate(keys) if key.startswith(query)])
    if starts is not None:
        return _match(starts, query, exact=False)
    typo = _one_substance(_within_typo(query))
    return _match(typo, query, exact=False) if typo is not None else None


def _within_typo(query: str) -> list[int]:
    edits = next((n for length, n in _TYPO_EDITS if len(query) >= length), 0)
    if not edits:
        return []
    hits = process.extract(_sound(query), _index().sounds, scorer=OSA.distance,
                           score_cutoff=edits, limit=None)
    return sorted((hit[2] for hit in hits), key=lambda i: (OSA.distance(
        _sound(query), _index().sounds[i]), _prefix_rank(i)))


def _one_substance(positions: list[int]) -> int | None:
    """The best of these rows when one substance is in all of them (amoxicillin in amoxicillin
    and in co-amoxiclav), else None: the rows would name different substances."""
    if not positions:
        return None
    entries = _index().entries
    common = frozenset.intersection(*(entries[i].components for i in positions))
    fits = [i for i in positions if entries[i].components == common]
    return min(fits, key=_prefix_rank) if fits else None


def suggest_drugs(text: str, limit: int = 8) -> list[DrugMatch]:
    """Up to `limit` drugs for autocomplete, one per generic, best first; [] when none fit.

    Order: an exact name, names starting with the text, names with a word starting with it.
    Only when there are none of those, close spellings (other substances with a similar name
    never follow an exact or started name: "morphine" offers no "Motrin").
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
        limit=limit * 4)] if len(query) >= 3 and exact is None and not whole + word else []
    matches: dict[str, DrugMatch] = {}
    for i in ([exact] if exact is not None else []) + whole + word + close:
        match = _match(i, query, exact=i == exact)
        matches.setdefault(match.name, match)
        if len(matches) == limit:
            break
    return list(matches.values())


def is_penicillin(match: DrugMatch | None) -> bool:
    """Whether the match is a penicillin: the class PEN-FAST and penicillin testing are about."""
    return match is not None and match.drug_class.code == "penicillins"
