"""Dates as articles write them (ISO 8601, RFC 2822, "26 January 2022", "January 26, 2022"),
read once here for the readers and the HTML extractor."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from digest.text import lexicon

_MONTHS = lexicon.months()
_DMY = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp]\.?[Mm]\.?)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _with_time(day: datetime, text: str) -> datetime:
    """Add the clock time written beside a date ("05:46 PM"), if any."""
    match = _TIME.search(text)
    if not match:
        return day
    hour, minute = int(match.group(1)), int(match.group(2))
    meridiem = (match.group(3) or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day
    return day.replace(hour=hour, minute=minute)


def parse_date(value: str | None) -> datetime | None:
    """Parse ISO 8601, RFC 2822 or "26 January 2022"/"January 26, 2022" into an aware datetime."""
    text = (value or "").strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return _aware(datetime.fromisoformat(iso))
    except ValueError:
        pass
    if not re.search(r"\d\s*[AaPp]\.?[Mm]\b", text):
        try:
            return _aware(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    for pattern, order in ((_DMY, (1, 2, 3)), (_MDY, (2, 1, 3))):
        match = pattern.search(text)
        month = _MONTHS.get(match.group(order[1]).lower()) if match else None
        if match and month:
            try:
                day = datetime(int(match.group(order[2])), month, int(match.group(order[0])))
            except ValueError:
                continue
            return _aware(_with_time(day, text[match.end():]))
    return None
