"""Bulk SMS (批量短信) as rule data: how a text is cut into billed segments, the sending window, the opt-out note.

Sources:
- Segments: 3GPP TS 23.040 §9.2.3.24.1 (concatenated short messages) with UCS-2 text (any Chinese character):
  one SMS holds 70 characters; a longer text is sent in parts of 67 characters each (3 of the 70 go to the
  concatenation header). Operators bill per part (条).
- The opt-out note: 《通信短信息服务管理规定》（工业和信息化部令第31号）第十九条 asks a sender of bulk messages to tell
  the recipient, in the message, how to refuse further messages. Notices from the organization department are not
  commercial, but the gateway's operator applies the same check, so every non-urgent bulk text carries it.
- The sending window (no bulk messages at night except urgent ones) and the default unit price are this system's
  defaults: no regulation fixes them. A department enters its contract price (SmsTariff); the default is shown
  as such until it does.
"""

from __future__ import annotations

import datetime as dt
import math

from orgwork.core.rules import RuleSet, register, rule

BULK_2026 = register(
    RuleSet(
        name="notifications.bulk_sms",
        version="2026",
        effective=dt.date(2015, 6, 30),
        source="3GPP TS 23.040 §9.2.3.24.1（长短信分条）；《通信短信息服务管理规定》（工业和信息化部令第31号）第十九条（随短信告知拒收方式）；发送时段与默认单价为本系统默认值",
        values={
            "single_chars": 70,  # one SMS of UCS-2 text
            "part_chars": 67,  # each part of a longer (concatenated) SMS
            "max_parts": 8,  # longer texts are refused: write a notice and send its link instead
            "window_start": dt.time(8, 0),  # bulk messages go out between 08:00 …
            "window_end": dt.time(21, 0),  # … and 21:00 (local time); urgent ones at once
            "optout_note": "回复TD退订",
            "default_price_fen": 5,  # 0.05 元 per part until the department enters its contract price
            "reply_days": 7,  # an inbound SMS within 7 days of a bulk message to that number is a reply to it
            "max_variable_chars": 60,
        },
    )
)


def bulk_rules(on: dt.date | None = None):
    return rule("notifications.bulk_sms", on=on or dt.date.today())


def segments(text: str, rules) -> int:
    """Billed parts of one SMS text (0 for an empty text)."""
    n = len(text)
    if n == 0:
        return 0
    if n <= rules["single_chars"]:
        return 1
    return math.ceil(n / rules["part_chars"])


def in_window(local_time: dt.time, rules) -> bool:
    return rules["window_start"] <= local_time < rules["window_end"]
