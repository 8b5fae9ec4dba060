"""The editor's friendlier inputs, read back into stored shapes: languages by name (stored as
BCP 47 tags), the time zone from the state (stored as an IANA zone), and opening hours per
weekday with an open/closed toggle (stored as spans)."""
from finder.directory.languages import language_tag
from finder.directory.listing import parse_span
from finder.directory.regions import zone_for_state
from finder.vocabulary import WEEKDAY_NAMES, WEEKDAYS

WEEK_MARKER = "hours_by_day"  # sent by the per-day form; its absence means the hours textarea


def read_languages(form) -> tuple[list[str], str | None]:
    """Ticked languages plus any typed in "another language" (names or tags, comma-separated)."""
    typed = [part for raw in [*form.getlist("languages"), form.get("languages_other", "")]
             for part in raw.split(",") if part.strip()]
    tags = []
    for text in typed:
        tag = language_tag(text)
        if tag is None:
            return [], (f"we do not know the language \u201c{text.strip()[:60]}\u201d: type its "
                        "name in English, e.g. Vietnamese")
        tags.append(tag)
    return list(dict.fromkeys(tags)), None


def read_timezone(form, country: str | None, region: str | None) -> str | None:
    """A zone typed under "advanced", else the one chosen, else the state's own."""
    chosen = (form.get("timezone_other") or "").strip() or (form.get("timezone") or "").strip()
    return chosen or zone_for_state(country, region)


def read_week(form) -> tuple[list[dict], str | None]:
    """Spans from each open day's times; a day left closed has none."""
    spans = []
    for day in WEEKDAYS:
        if form.get(f"open_{day}") != "on":
            continue
        pairs = list(zip(form.getlist(f"opens_{day}"), form.getlist(f"closes_{day}"), strict=False))
        pairs = [(o.strip(), c.strip()) for o, c in pairs if o.strip() or c.strip()]
        if not pairs:
            return [], f"{WEEKDAY_NAMES[day]}: give the opening and closing times, or mark it closed"
        for opens, closes in pairs:
            if not (opens and closes):
                return [], f"{WEEKDAY_NAMES[day]}: give both the opening and the closing time"
            span = parse_span(f"{day} {opens}-{closes}")
            if span is None:
                return [], f"{WEEKDAY_NAMES[day]}: type the times as HH:MM, e.g. 08:30"
            spans.append(span)
    return spans, None


def week_of(hours_text: str) -> list[dict]:
    """The per-day form's rows from the hours as text: day, name, open?, its spans."""
    spans = [s for s in (parse_span(line) for line in (hours_text or "").splitlines()) if s]
    rows = []
    for day in WEEKDAYS:
        mine = [s for s in spans if s["day"] == day]
        rows.append({"day": day, "name": WEEKDAY_NAMES[day], "open": bool(mine),
                     "spans": mine or [{"opens": "", "closes": ""}]})
    return rows
