"""Helpers for the staff tests: accounts, sign-in, CSRF tokens from forms, a fake geocoder."""
import re

from finder.directory import accounts
from finder.geocoding import GeocodeResult
from finder.geocoding.place import Place

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on `path` (CSRF stays on in tests)."""
    page = client.get(path)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in the form at {path} ({page.status_code})"
    return match.group(1)


def make_account(session, email: str, *, center_id=None, admin=False, password=PASSWORD):
    return accounts.create_account(session, email, password,
                                   role="admin" if admin else "center_editor",
                                   center_id=center_id, actor="test")


def login(client, email: str, password: str = PASSWORD):
    token = csrf_token(client, "/manage/login")
    return client.post("/manage/login", data={"email": email, "password": password,
                                              "csrf_token": token})


def edit_form(client, center_id: int) -> dict:
    """The edit form's fields as the browser would post them (lists as lists)."""
    return form_fields(client.get(f"/manage/centers/{center_id}/edit").get_data(as_text=True),
                       f"/manage/centers/{center_id}/edit")


def form_fields(html: str, action: str) -> dict:
    """The fields of the form posting to `action` in a page, as a browser would send them."""
    form = html[html.index(f'action="{action}"'):]
    form = form[:form.index("</form>")]
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        value = _unescape(value.group(1)) if value else ""
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value)
            continue
        data[name.group(1)] = value
    textareas = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S)
    for name, value in textareas:
        data[name] = _unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def _unescape(text: str) -> str:
    import html
    return html.unescape(text)


class FakeGeocoder:
    """Answers every address with one place; remembers what it was asked."""

    def __init__(self, place: Place | None):
        self.place = place
        self.asked: list[str] = []

    def geocode(self, text: str) -> GeocodeResult:
        self.asked.append(text)
        return GeocodeResult(text, self.place)


TOOWOOMBA = Place(label="Toowoomba QLD 4350", lat=-27.5598, lon=151.9507, country="AU",
                  region="QLD", postcode="4350")


class Inbox:
    """What a real SMTP server on loopback (aiosmtpd) received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        import email
        import email.policy
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


def smtp_server():
    """A context manager: (an smtp:// URL on a free loopback port, its Inbox)."""
    import contextlib
    import socket

    from aiosmtpd.controller import Controller

    @contextlib.contextmanager
    def running():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            yield f"smtp://127.0.0.1:{port}", inbox
        finally:
            controller.stop()
    return running()


def link_in(text: str) -> str:
    """The /manage/link/… path in a message or page."""
    match = re.search(r"https?://[^/\s]+(/manage/link/[A-Za-z0-9_-]+)", text)
    assert match, f"no link in {text!r}"
    return match.group(1)
