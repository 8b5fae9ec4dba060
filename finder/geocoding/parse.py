"""What people type into a location box → the parts a gazetteer can look up.

Pure functions, no data files: postcodes, "Town STATE 1234", street addresses (only their
locality and postcode are used), "lat, lon", "City, MA", abbreviations (Mt, St, Pt, Nth, Sth).
"""
import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200

AU_STATE_CODES = {"nsw", "vic", "qld", "sa", "wa", "tas", "nt", "act"}
AU_STATE_NAMES = {
    "new south wales": "NSW", "victoria": "VIC", "queensland": "QLD",
    "south australia": "SA", "western australia": "WA", "tasmania": "TAS",
    "northern territory": "NT", "australian capital territory": "ACT",
}
# One reading per abbreviation, applied to stored names and queries alike so they meet.
ABBREVIATIONS = {
    "mt": "mount", "st": "saint", "ste": "sainte", "pt": "port", "nth": "north",
    "sth": "south", "ft": "fort", "mtn": "mountain", "is": "island", "hts": "heights",
}
# "Pt" is Port Augusta but Point Cook: try the other reading too.
SECOND_READINGS = {"port": "point"}
STREET_TYPES = {
    "st", "street", "rd", "road", "ave", "av", "avenue", "dr", "drive", "ct", "court", "pl",
    "place", "cres", "crescent", "hwy", "highway", "tce", "terrace", "pde", "parade", "way",
    "lane", "ln", "bvd", "blvd", "boulevard", "cl", "close", "cct", "circuit", "gr", "grove",
    "sq", "square", "esp", "esplanade", "pkwy", "parkway", "cir", "circle", "track", "trail",
    "row", "mews", "rise", "walk", "loop", "promenade", "boulevarde",
}
COUNTRY_WORDS = {"australia", "aus"}

_COORDINATES = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*([+-]?\d{1,3}(?:\.\d+)?)\s*$")
_STREET_NUMBER = re.compile(r"^(?:[a-z]?\d+[a-z]?)(?:[/-][a-z]?\d+[a-z]?)?$")
_POSTCODE = re.compile(r"^\d{4}$")


class GeocodeInputError(ValueError):
    """The text cannot be a location; `message` is fit to show the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Attempt:
    """One reading of the query: a normalised name, optionally narrowed to a region/qualifier."""
    name: str
    region: str | None = None      # "NSW", or a code typed after a comma ("MA")
    qualifier: str | None = None   # free text after a comma ("france"): the gazetteer resolves it


@dataclass(frozen=True)
class ParsedQuery:
    kind: str                      # postcode | coordinates | place | address
    attempts: tuple[Attempt, ...] = ()  # most likely reading first
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None


def check_query(text: str) -> str:
    """The text stripped, or GeocodeInputError for empty, overlong or control characters."""
    if not isinstance(text, str) or not text.strip():
        raise GeocodeInputError("Type a town, suburb, postcode or address.")
    if len(text) > MAX_QUERY_LENGTH:
        raise GeocodeInputError(f"That is too long: keep it under {MAX_QUERY_LENGTH} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise GeocodeInputError("That contains invisible control characters: please retype it.")
    return text.strip()


def query_key(text: str) -> str:
    """A cache key: the same for queries that differ only in case, accents or spacing."""
    return " ".join(_fold(check_query(text)).replace(",", " , ").split())[:MAX_QUERY_LENGTH]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    return ascii_text.casefold()


def _tokens(text: str) -> list[str]:
    """Lower-case ASCII words; commas kept as "," tokens; apostrophes and dots dropped."""
    folded = re.sub(r"['`\u2019.]", "", _fold(text.replace("\u2019", "'")))
    folded = re.sub(r"[^a-z0-9,/]+", " ", folded.replace(",", " , "))
    return folded.split()


def normalise_name(text: str) -> str:
    """The form names are stored and matched in: "Mt. Isa" and "MOUNT ISA" → "mount isa"."""
    return " ".join(ABBREVIATIONS.get(t, t) for t in _tokens(text) if t != ",")


def prefix_words(text: str) -> list[str]:
    """Words for autocomplete; the last one unexpanded while typed ("st" may be "Stanthorpe")."""
    words = [t for t in _tokens(text) if t != ","]
    if not words:
        return []
    still_typing = not text[-1:].isspace()
    expanded = [ABBREVIATIONS.get(w, w) for w in words]
    return expanded[:-1] + [words[-1]] if still_typing else expanded


def name_variants(norm: str) -> list[str]:
    """The name and, where an abbreviation had two readings, the other one."""
    words = norm.split()
    other = " ".join(SECOND_READINGS.get(w, w) for w in words)
    return [norm] if other == norm else [norm, other]


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) when the text is two numbers; GeocodeInputError when they are out of range."""
    found = _COORDINATES.match(text)
    if not found:
        return None
    lat, lon = float(found.group(1)), float(found.group(2))
    if not -90 <= lat <= 90:
        raise GeocodeInputError("Latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        raise GeocodeInputError("Longitude must be between -180 and 180.")
    return lat, lon


def parse_query(text: str) -> ParsedQuery:
    """Split what was typed into readings to try; raises GeocodeInputError for unusable text."""
    text = check_query(text)
    coordinates = parse_coordinates(text)
    if coordinates:
        return ParsedQuery("coordinates", lat=coordinates[0], lon=coordinates[1])
    tokens = _tokens(text)
    postcode, state, state_spelt_out = _take_tail(tokens)
    parts = _split_parts(tokens)
    if not parts:
        return ParsedQuery("postcode" if postcode else "place", postcode=postcode)
    street_at = _street_type_index(parts)
    if street_at is not None:
        part, index = street_at
        locality = parts[part][index + 1:] or (parts[part + 1] if part + 1 < len(parts) else [])
        attempts = _locality_attempts(locality or parts[-1], state)
        return ParsedQuery("address", attempts, postcode)
    attempts = _place_attempts(parts, state, state_spelt_out)
    return ParsedQuery("place", attempts, postcode)


def _take_tail(tokens: list[str]) -> tuple[str | None, str | None, str | None]:
    """Remove a trailing country word, postcode and state from tokens (in place)."""
    postcode = state = spelt_out = None
    for _ in range(4):
        _drop_trailing_commas(tokens)
        if postcode is None and tokens and _POSTCODE.match(tokens[-1]):
            postcode = tokens.pop()
        elif state is None and len(tokens) > 1 and tokens[-1] in AU_STATE_CODES:
            state = tokens.pop().upper()
        elif state is None and _take_state_name(tokens, found := []):
            state, spelt_out = found
        elif len(tokens) > 1 and tokens[-1] in COUNTRY_WORDS:
            tokens.pop()
    _drop_trailing_commas(tokens)
    leading = len(tokens) > 1 and _POSTCODE.match(tokens[0])
    if postcode is None and leading and not STREET_TYPES.intersection(tokens[2:]):
        postcode = tokens.pop(0)  # "4825 Mount Isa", but not "1234 Smith Rd"
    return postcode, state, spelt_out


def _take_state_name(tokens: list[str], found: list) -> bool:
    """Strip a spelt-out state; `found` gets [code, the words if no comma set them apart]."""
    for name, code in AU_STATE_NAMES.items():
        words = name.split()
        if len(tokens) > len(words) and tokens[-len(words):] == words:
            del tokens[-len(words):]
            found.extend([code, None if tokens[-1] == "," else name])
            return True
    return False


def _drop_trailing_commas(tokens: list[str]) -> None:
    while tokens and tokens[-1] == ",":
        tokens.pop()


def _split_parts(tokens: list[str]) -> list[list[str]]:
    parts, current = [], []
    for word in tokens + [","]:
        if word == ",":
            if current:
                parts.append(current)
            current = []
        else:
            current.append(word)
    return parts


def _street_type_index(parts: list[list[str]]) -> tuple[int, int] | None:
    """Where the street type is: after a street number and at least one name word."""
    for p, words in enumerate(parts):
        numbers = [i for i, w in enumerate(words)
                   if _STREET_NUMBER.match(w) and not _POSTCODE.match(w)]
        if not numbers:
            continue
        for i in range(numbers[0] + 2, len(words)):
            if words[i] in STREET_TYPES:
                return p, i
    return None


def _locality_attempts(words: list[str], state: str | None) -> tuple[Attempt, ...]:
    """The whole tail first, then shorter tails ("the esplanade cairns" → "cairns")."""
    names = [normalise_name(" ".join(words[i:])) for i in range(len(words))]
    return tuple(Attempt(n, state) for n in dict.fromkeys(names) if n)


def _place_attempts(parts, state, state_spelt_out) -> tuple[Attempt, ...]:
    first = normalise_name(" ".join(parts[0]))
    attempts = []
    if len(parts) == 1:
        attempts.append(Attempt(first, state))
        if state_spelt_out:  # "Mount Victoria" is a town, not Mount in VIC
            attempts.insert(0, Attempt(normalise_name(f"{first} {state_spelt_out}")))
        elif state:  # "Perth WA" failing as Perth in WA: a name ending in those letters
            attempts.append(Attempt(normalise_name(f"{first} {state}")))
        return tuple(attempts)
    last = " ".join(parts[-1])
    if state is None:
        attempts.append(Attempt(first, qualifier=last))
    else:
        attempts.append(Attempt(first, state))
    for part in reversed(parts[1:]):  # "Smith St, Dubbo": a later part may be the locality
        attempts.append(Attempt(normalise_name(" ".join(part)), state))
    attempts.append(Attempt(normalise_name(" ".join(w for p in parts for w in p)), state))
    unique = list(dict.fromkeys(attempts))
    return tuple(a for i, a in enumerate(unique) if a.name and (i == 0 or len(a.name) >= 3))
