"""Result cards rendered once per listing version, filled in per search.

A card is mostly the listing (its hospital, department, wait, cost, classes, ages, languages,
phone), which changes only with the listing; a search adds its number, its distance, links
carrying the search onward and what changes with the clock ("open now", freshness). Rendering
the whole card each time was a third of a results page's cost. So the card template is
rendered once per listing version (finder.web.core.frames) and each search fills in its own
values, escaped.
"""
from datetime import datetime

from markupsafe import Markup, escape

from finder.search.nearest import Match
from finder.vocabulary import DRUG_CLASSES
from finder.web.core.frames import FramedTemplate
from finder.web.core.memo import memory
from finder.web.directory.present import listing_state

CARD = FramedTemplate("search/_card.html")
BEYOND = Markup(" (beyond your maximum distance)")


def km(distance: float) -> str:
    """A distance as a patient reads it: "4.2 km" near, "1,240 km" far."""
    return f"{distance:.1f} km" if distance < 10 else f"{distance:,.0f} km"


def result_cards(matches: list[Match], highlight: str | None, *, urls: dict[int, str],
                 referral: str, settings, now: datetime) -> list[Markup]:
    """The cards of `matches`, numbered from 1 (the matched class `highlight` marked), each
    with its link from `urls` (by listing id) and this search's referral link."""
    # what changes with the clock (freshness by the day, "open now" by the minute) is written
    # once per listing version and minute: within a minute it cannot change
    fill, clock_kept = CARD.filler(), memory("finder.card_clock")
    minute, referral = int(now.timestamp() // 60), escape(referral)
    cards = []
    for number, match in enumerate(matches, 1):
        center = match.center
        listing = (center.id, center.version, center.updated_at)
        clock = clock_kept.recall((*listing, minute), lambda: clock_parts(
            listing_state(center, settings, now=now)))  # noqa: B023 (called at once)
        cards.append(fill((*listing, highlight), {
            "number": number, "url": urls[listing[0]], "distance": km(match.distance_km),
            "beyond": BEYOND if match.outside_radius else "", "referral": referral, **clock},
            center=center, highlight=highlight, drug_classes=DRUG_CLASSES))
    return cards


def card_html(center, highlight: str | None, *, number: int, url: str, distance: str,
              beyond: bool, referral: str, facts: dict) -> Markup:
    """One card: the kept frame of `center` with these values (`facts`: listing_state's)."""
    return CARD.render((center.id, center.version, center.updated_at, highlight), {
        "number": number, "url": url, "distance": distance, "beyond": BEYOND if beyond else "",
        "referral": referral, **clock_parts(facts)},
        center=center, highlight=highlight, drug_classes=DRUG_CLASSES)


def clock_parts(facts: dict) -> dict[str, Markup]:
    """A card's freshness line and "open now" paragraph (none when hours are not known)."""
    opening = facts["opening"]
    return {"freshness": escape(facts["freshness"].message),
            "opening": Markup(f'<p class="card-opening">{escape(opening.message)}</p>')  # noqa: S704
            if opening else Markup()}
