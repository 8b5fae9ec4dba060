"""The time zone of an Australian center from its state or territory (IANA tz database
zones; Broken Hill, NSW, keeps Australian Central time and is chosen by hand)."""

AU_STATE_ZONES = {
    "ACT": "Australia/Sydney", "NSW": "Australia/Sydney", "VIC": "Australia/Melbourne",
    "TAS": "Australia/Hobart", "QLD": "Australia/Brisbane", "SA": "Australia/Adelaide",
    "NT": "Australia/Darwin", "WA": "Australia/Perth",
}
AU_ZONE_NAMES = {
    "Australia/Sydney": "New South Wales and ACT (Sydney time)",
    "Australia/Melbourne": "Victoria (Melbourne time)",
    "Australia/Hobart": "Tasmania (Hobart time)",
    "Australia/Brisbane": "Queensland (Brisbane time, no daylight saving)",
    "Australia/Adelaide": "South Australia (Adelaide time)",
    "Australia/Broken_Hill": "Broken Hill, NSW (Adelaide time)",
    "Australia/Darwin": "Northern Territory (Darwin time)",
    "Australia/Perth": "Western Australia (Perth time)",
    "Australia/Eucla": "Eucla, WA (Central Western time)",
    "Australia/Lord_Howe": "Lord Howe Island",
}
STATE_NAMES = {"ACT": "Australian Capital Territory", "NSW": "New South Wales",
               "VIC": "Victoria", "TAS": "Tasmania", "QLD": "Queensland",
               "SA": "South Australia", "NT": "Northern Territory", "WA": "Western Australia"}


def zone_for_state(country: str | None, region: str | None) -> str | None:
    """The usual zone of an Australian state (by code or name), else None."""
    if (country or "").strip().upper() != "AU":
        return None
    key = (region or "").strip().upper()
    by_name = {name.upper(): code for code, name in STATE_NAMES.items()}
    return AU_STATE_ZONES.get(by_name.get(key, key))


def zone_name(zone: str | None) -> str:
    """A zone in words for the editor and the history."""
    if not zone:
        return "not set"
    return AU_ZONE_NAMES.get(zone, zone.replace("_", " "))
