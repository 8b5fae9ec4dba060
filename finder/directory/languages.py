"""Languages by name for people, stored as BCP 47 tags. Names come from `langcodes` (CLDR
data); the short list is the languages most spoken at home in Australia besides English
(Australian Bureau of Statistics, Census 2021), plus Auslan and English."""
import langcodes

from finder.vocabulary import is_language_tag

COMMON = ("en", "asf", "cmn", "ar", "vi", "yue", "pa", "el", "it", "fil", "hi", "es", "ne",
          "ur", "ko", "fa", "ta", "ja", "bn", "gu", "th", "id", "tr", "si", "ml", "te", "mk",
          "sr", "hr", "pt", "ru", "de", "fr", "sm", "km", "my", "pl", "haz", "sw", "so", "zh")


def language_name(tag: str) -> str:
    """'vi' → 'Vietnamese'; an unknown tag is shown as it is."""
    try:
        return langcodes.Language.get(tag).display_name()
    except (LookupError, ValueError):
        return tag


def language_tag(text: str) -> str | None:
    """A tag from a name ('Vietnamese', 'mandarin') or a tag ('vi', 'zh-Hant'); None if neither."""
    text = " ".join((text or "").split())
    if not text or len(text) > 60:
        return None
    if is_language_tag(text):
        return text
    try:
        tag = langcodes.find(text).to_tag()
    except (LookupError, ValueError):
        return None
    return tag if is_language_tag(tag) else None


def choices(chosen: list[str]) -> list[tuple[str, str]]:
    """(tag, name) for the common languages and any already chosen, sorted by name."""
    tags = dict.fromkeys([*COMMON, *chosen])
    return sorted(((tag, language_name(tag)) for tag in tags), key=lambda pair: pair[1])
