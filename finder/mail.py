"""Outgoing mail (invitations, password resets, listing reminders) through the SMTP server
named by FINDER_SMTP_URL: smtp://host:port (plain, for a local relay), smtp+starttls://…
or smtps://… (TLS), with optional user:password@. Without it nothing is sent and the caller
shows or prints the message instead."""
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailError(RuntimeError):
    """The server could not be reached or refused the message."""


def check_smtp_url(url: str) -> str | None:
    """Why the URL cannot be used, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in SCHEMES or not parsed.hostname:
        return "must look like smtp://host:port, smtp+starttls://host:587 or smtps://host:465"
    try:
        parsed.port  # noqa: B018 (raises for a port that is not a number)
    except ValueError:
        return "has a port that is not a number"
    return None


def send_mail(smtp_url: str, sender: str, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; MailError when it cannot be delivered to the server."""
    parsed = urlparse(smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    port = parsed.port or SCHEMES[parsed.scheme]
    try:
        if parsed.scheme == "smtps":
            client = smtplib.SMTP_SSL(parsed.hostname, port, timeout=10,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(parsed.hostname, port, timeout=10)
        with client:
            if parsed.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if parsed.username:
                client.login(unquote(parsed.username), unquote(parsed.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"mail to {to} was not sent: {error}") from error
