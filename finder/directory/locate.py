"""Where a listing's address is: the geocoder's place for it, tried with and without the
street (a hospital's street address is often missing from an offline gazetteer)."""
from finder.geocoding import GeocodeInputError
from finder.geocoding.place import Place


def address_text(data: dict) -> str:
    """"street, locality region postcode" as far as the listing gives it."""
    parts = [data.get("locality"), data.get("region"), data.get("postcode")]
    place = " ".join(p for p in parts if p)
    return ", ".join(p for p in (data.get("street"), place) if p)


def locate_listing(data: dict, geocoder) -> Place | None:
    """The Place for a listing's address, or None when the geocoder finds none."""
    for text in dict.fromkeys((address_text(data), address_text(data | {"street": None}))):
        try:
            result = geocoder.geocode(text)
        except GeocodeInputError:
            continue
        if result is not None and result.match is not None:
            return result.match
    return None
