"""The FSRS parameters in use: the defaults, or those `il6 optimize` fitted to the learner's log, kept in the store's
settings with the time they were fitted and how many reviews they were fitted to. No fsrs import: stats reads this."""

import json
import math
from datetime import datetime
from typing import NamedTuple

from .days import iso
from .store import Store

KEY = "fsrs_parameters"
COUNT = 21  # FSRS-6


class Fitted(NamedTuple):
    parameters: tuple[float, ...]
    fitted_at: str  # ISO-8601 UTC
    reviews: int  # the reviews they were fitted to


def fitted(store: Store) -> Fitted | None:
    """The parameters fitted to this learner, or None for the defaults (also when the setting is unreadable)."""
    text = store.setting(KEY)
    if text is None:
        return None
    try:
        data = json.loads(text)
        parameters = tuple(float(value) for value in data["parameters"])
        result = Fitted(parameters, str(data["fitted_at"]), int(data["reviews"]))
    except (ValueError, KeyError, TypeError):
        return None
    if len(parameters) != COUNT or not all(math.isfinite(value) for value in parameters):
        return None
    return result


def keep(store: Store, parameters: tuple[float, ...], reviews: int, now: datetime) -> Fitted:
    kept = Fitted(parameters, iso(now), reviews)
    store.set_setting(
        KEY, json.dumps({"parameters": list(parameters), "fitted_at": kept.fitted_at, "reviews": reviews})
    )
    return kept


def forget(store: Store) -> bool:
    """Back to the defaults; whether fitted parameters were in use."""
    was = store.setting(KEY) is not None
    store.delete_setting(KEY)
    return was
