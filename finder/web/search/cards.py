"""Result cards rendered once per listing version, filled in per search.

A card is mostly the listing (its hospital, department, wait, cost, classes, ages, languages,
phone), which changes only with the listing; a search adds its number, its distance, links
carrying the search onward and what changes with the clock ("open now", freshness). Rendering
the whole card each time was a third of a results page's cost. So the card template is
rendered once per listing version (finder.web.core.frames) and each search fills in its own
values, escaped.
"""
from typing import NamedTuple

from markupsafe import Markup

from finder.vocabulary import DRUG_CLASSES
from finder.web.core.frames import FramedTemplate
from finder.web.core.memo import remembered
from finder.web.directory.present import listing_state

CARD = FramedTemplate("search/_card.html")
BEYOND = Markup(" (beyond your maximum distance)")
OPENING = Markup('<p class="card-opening">{}</p>')


class CardSlots(NamedTuple):
    number: int
    url: str
    distance: str
    beyond: bool
    referral: str
    opening: str | None
    freshness: str

    def values(self) -> dict:
        return {"number": self.number, "url": self.url, "distance": self.distance,
                "beyond": BEYOND if self.beyond else "", "referral": self.referral,
                "opening": OPENING.format(self.opening) if self.opening else "",
                "freshness": self.freshness}


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
    return CARD.render((center.id, center.version, center.updated_at, highlight), slots.values(),
                       center=center, highlight=highlight, drug_classes=DRUG_CLASSES)
