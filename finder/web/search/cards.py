"""Result cards rendered once per listing version, filled in per search.

A card is mostly the listing (its hospital, department, wait, cost, classes, ages, languages,
phone), which changes only with the listing; a search adds its number, its distance, links
carrying the search onward and what changes with the clock ("open now", freshness). Rendering
the whole card each time was a third of a results page's cost. So the card template is
rendered once with a marker in each per-search place, split at the markers, and each search
joins the parts with its own values, escaped.
"""
import re
import secrets
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup, escape

from finder.vocabulary import DRUG_CLASSES
from finder.web.core.memo import remembered
from finder.web.directory.present import listing_state

SLOTS = ("number", "url", "distance", "beyond", "referral", "opening", "freshness")
# A NUL never reaches a listing (control characters are refused in every text field); the
# per-process nonce makes even a crafted one useless.
_NONCE = secrets.token_hex(6)
_MARKERS = {name: Markup("\x00{}{}\x00").format(_NONCE, name) for name in SLOTS}
_SPLIT = re.compile(f"\x00{_NONCE}(\\w+)\x00")
BEYOND = Markup(" (beyond your maximum distance)")
OPENING = Markup('<p class="card-opening">'), Markup("</p>")


@dataclass(frozen=True)
class CardSlots:
    number: int
    url: str
    distance: str
    beyond: bool
    referral: str
    opening: str | None
    freshness: str

    def values(self) -> dict[str, Markup]:
        return {"number": escape(self.number), "url": escape(self.url),
                "distance": escape(self.distance), "beyond": BEYOND if self.beyond else Markup(),
                "referral": escape(self.referral),
                "opening": OPENING[0] + self.opening + OPENING[1] if self.opening else Markup(),
                "freshness": escape(self.freshness)}


def clock_facts(center, settings, now) -> dict:
    """listing_state (freshness by the day, "open now" by the minute) worked out once per
    listing version and minute: within a minute it cannot change."""
    key = (center.id, center.version, center.updated_at, int(now.timestamp() // 60))
    return remembered("finder.card_facts", key, lambda: listing_state(center, settings, now=now))


def km(distance: float) -> str:
    """A distance as a patient reads it: "4.2 km" near, "1,240 km" far."""
    return f"{distance:.1f} km" if distance < 10 else f"{distance:,.0f} km"


def card_html(center, highlight: str | None, slots: CardSlots) -> Markup:
    """The card of `center` (the matched class `highlight` marked) with this search's values."""
    values = slots.values()
    # the literal parts are the autoescaped template's own output; the values are escaped
    return Markup("".join(values[part] if i % 2 else part  # noqa: S704
                          for i, part in enumerate(_parts(center, highlight))))


def _parts(center, highlight: str | None) -> tuple[str, ...]:
    """The card's literal text and slot names, alternating, remembered per app."""
    def render() -> tuple[str, ...]:
        html = render_template("search/_card.html", center=center, highlight=highlight,
                               drug_classes=DRUG_CLASSES, slot=_MARKERS)
        return tuple(_SPLIT.split(html))

    return remembered("finder.result_cards", (center.id, center.version, center.updated_at,
                                              highlight), render)
