"""The engine's settings as data: ``settings.toml`` beside this module, one table per settings
dataclass (body, framing, recognition, smoothing, coach, rate, review_rate, person_lock,
thomas, silhouette), each key a field with its unit in its name or its comment, and the reason
and the data that set it in the comment above it.

A settings dataclass takes its defaults from its table with ``@from_table("body")`` written
under ``@dataclass``: the table must give every field the class leaves without a default, of
the field's type, and nothing else. The file is checked when the core is imported, so a typo
fails every test at once with the file, the table and the key (``SettingsError``).
Standard library only: the core stays pure.
"""

from __future__ import annotations

import math
import tomllib
from importlib import resources
from typing import Any, TypeVar

SETTINGS_FILE = "settings.toml"

T = TypeVar("T", bound=type)


class SettingsError(ValueError):
    """The engine's settings file cannot be used: ``where`` (file and key) and the problem."""


def _load() -> tuple[str, dict[str, Any]]:
    res = resources.files("posecoach.core").joinpath(SETTINGS_FILE)
    try:
        return str(res), tomllib.loads(res.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{res}: not valid TOML ({exc})") from None


_WHERE, _TABLES = _load()
_USED: set[str] = set()


def table(name: str) -> dict[str, Any]:
    """The table ``name`` of the settings file (a copy)."""
    if name not in _TABLES or not isinstance(_TABLES[name], dict):
        raise SettingsError(f"{_WHERE}: [{name}]: missing")
    _USED.add(name)
    return dict(_TABLES[name])


def value(name: str, key: str) -> Any:
    """One setting: ``key`` of table ``name``."""
    t = table(name)
    if key not in t:
        raise SettingsError(f"{_WHERE}: {name}.{key}: missing")
    return _checked(name, key, t[key], _kind(t[key]))


def _kind(v: Any) -> str:
    return "bool" if isinstance(v, bool) else "float" if isinstance(v, int | float) else type(v).__name__


def _checked(name: str, key: str, v: Any, annotation: str) -> Any:
    """``v`` as the field's type (``annotation`` as written: "float", "int", "bool",
    "float | None", "tuple[float, ...]" from a list); a float or int must be finite."""
    want = annotation.replace(" ", "")
    if want.endswith("|None") and v == "none":
        return None
    want = want.removesuffix("|None")
    if want == "tuple[float,...]":
        if not isinstance(v, list) or not v:
            raise SettingsError(f"{_WHERE}: {name}.{key}: must be a list of numbers, not {v!r}")
        return tuple(_checked(name, key, x, "float") for x in v)
    if want == "bool":
        if not isinstance(v, bool):
            raise SettingsError(f"{_WHERE}: {name}.{key}: must be true or false, not {v!r}")
        return v
    if want in ("float", "int"):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SettingsError(f"{_WHERE}: {name}.{key}: must be a number, not {v!r}")
        if want == "int":
            if not float(v).is_integer():
                raise SettingsError(f"{_WHERE}: {name}.{key}: must be a whole number, not {v!r}")
            return int(v)
        return float(v)
    raise SettingsError(f"{_WHERE}: {name}.{key}: the field's type {annotation!r} cannot be set here")


def from_table(name: str):
    """Class decorator (under ``@dataclass``): the class's fields without a default take
    their defaults from table ``name``; a missing or unknown key, or a value of the wrong
    type, is a ``SettingsError``."""
    def apply(cls: T) -> T:
        t = table(name)
        annotations = cls.__dict__.get("__annotations__", {})
        open_fields = [f for f in annotations if f not in cls.__dict__]
        unknown = sorted(set(t) - set(open_fields))
        if unknown:
            raise SettingsError(f"{_WHERE}: {name}.{unknown[0]}: not a setting of {cls.__name__}"
                                f" (its settings: {', '.join(open_fields)})")
        for field_name in open_fields:
            if field_name not in t:
                raise SettingsError(f"{_WHERE}: {name}.{field_name}: missing")
            setattr(cls, field_name, _checked(name, field_name, t[field_name], str(annotations[field_name])))
        return cls
    return apply


def tables() -> list[str]:
    """The tables the file has."""
    return list(_TABLES)


def unused_tables() -> list[str]:
    """Tables no settings class or ``value`` has asked for (a typo'd table name): empty once
    every module that reads settings is imported."""
    return [n for n in _TABLES if n not in _USED]
