"""Cached values as JSON: data only, read back into the scanner's own data classes.

Pickle would run whatever a value names; a value in this format names at most a data class
(or an enum) of `scanner` itself and a few standard types, each checked
as it is read back, so a value written into the cache by anyone else runs no code. Anything
that does not read back is `ValueError`, and the cache drops it.

Every JSON object is a tagged value (a class's fields are a list, in the class's order, less
those at its end that hold their default; a dict is a list of pairs): JSON's own decoder
builds each one, innermost first, through one hook (`_tagged`), which reads a large analysis
back several times faster than walking the decoded document again. The results cache is kept
by the analyser's code digest, so a class whose fields change never meets a value written
before.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import json
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple


def dumps(value: Any) -> bytes:
    """The value as JSON bytes; `TypeError` for a value of a type not provided for."""
    return json.dumps(_encode(value), separators=(",", ":"), ensure_ascii=False).encode()


def loads(data: bytes) -> Any:
    """The value `dumps` wrote; `ValueError` for anything else."""
    try:
        return json.loads(data, object_hook=_tagged)
    except ValueError:
        raise
    except Exception as exc:  # a damaged or foreign value, whatever it breaks
        raise ValueError(f"not a cached value: {exc!r}") from None


def _name(kind: type) -> str:
    return f"{kind.__module__}:{kind.__qualname__}"


def _zone(value: tzinfo | None) -> Any:
    if value is None:
        return None
    if isinstance(value, zoneinfo.ZoneInfo):
        return {"z": value.key}
    offset = value.utcoffset(None)
    if isinstance(value, timezone) and offset is not None:
        return {"tz": [offset.total_seconds(), value.tzname(None)]}
    # Here: the cache holds dateutil's zones only where a rule's date gave one.
    from dateutil import tz as dateutil_tz

    if isinstance(value, dateutil_tz.tzutc):
        return {"tu": 0}
    if isinstance(value, dateutil_tz.tzoffset) and offset is not None:
        return {"to": [value.tzname(None), offset.total_seconds()]}
    raise TypeError(f"zone {value!r} is not provided for")


def _encode(value: Any) -> Any:
    kind = type(value)
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        encoder = _ENCODERS[kind] = _encoder(kind)
    return encoder(value)


# How each type's values are written, by their type: a cache holds hundreds of thousands of
# values of a few dozen types, and what a value's type asks is asked once per type.
_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder(kind: type) -> Callable[[Any], Any]:
    """How values of `kind` are written (one that raises `TypeError` for a type not provided
    for)."""
    if kind is type(None) or issubclass(kind, bool | int | float | str):
        return _same
    name = _name(kind)
    if issubclass(kind, enum.Enum):
        return lambda value: {"e": name, "v": value.name}
    if dataclasses.is_dataclass(kind) and not issubclass(kind, type):
        return _instance_encoder(kind, name)
    if issubclass(kind, list):
        return lambda value: [_encode(item) for item in value]
    if issubclass(kind, tuple):
        if hasattr(kind, "_fields"):  # a named tuple
            return lambda value: {"n": name, "v": [_encode(item) for item in value]}
        return lambda value: {"t": [_encode(item) for item in value]}
    if issubclass(kind, frozenset | set):
        tag = "f" if issubclass(kind, frozenset) else "s"
        return lambda value: {tag: [_encode(item) for item in value]}
    if issubclass(kind, dict):
        return lambda value: {"d": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if issubclass(kind, PurePosixPath | Path):
        written = "path" if issubclass(kind, Path) else "posix"
        return lambda value: {"p": str(value), "k": written}
    if issubclass(kind, datetime):
        return lambda value: {
            "dt": value.replace(tzinfo=None).isoformat(),
            "z": _zone(value.tzinfo),
        }
    if issubclass(kind, date):
        return lambda value: {"da": value.isoformat()}
    if issubclass(kind, time):
        return lambda value: {
            "ti": value.replace(tzinfo=None).isoformat(),
            "z": _zone(value.tzinfo),
        }
    if issubclass(kind, timedelta):
        return lambda value: {"td": [value.days, value.seconds, value.microseconds]}
    if issubclass(kind, bytes):
        return lambda value: {"b": base64.b64encode(value).decode()}
    return _not_provided_for


def _instance_encoder(kind: type, name: str) -> Callable[[Any], Any]:
    """How instances of the data class `kind` (named `name`) are written: their fields in
    order, less those at the end that hold their default. Most of an analysis's objects hold
    empty sets and tuples there, and a warm scan reads back every analysis it links."""
    names = tuple(field.name for field in dataclasses.fields(kind))
    defaults = _trailing_defaults(kind).values
    first = len(names) - len(defaults)  # the first field that may be left out

    def encode(value: Any) -> Any:
        items = [getattr(value, field) for field in names]
        end = len(items)
        while end > first and _is_default(items[end - 1], defaults[end - 1 - first]):
            end -= 1
        return {"c": name, "v": [_encode(item) for item in items[:end]]}

    return encode


class _Defaults(NamedTuple):
    """The defaults of the fields at the end of a data class that have one (those after its
    last field without), in order."""

    values: tuple[Any, ...]
    # Where a factory gives one (a list, a dict): its place among `values`, and the factory,
    # which makes each instance its own.
    made: tuple[tuple[int, Callable[[], Any]], ...]


def _trailing_defaults(kind: type) -> _Defaults:
    """The defaults of the fields at the end of the data class `kind` (see `_Defaults`)."""
    fields = dataclasses.fields(kind)
    values: list[Any] = []
    made: list[tuple[int, Callable[[], Any]]] = []
    for index in range(len(fields) - 1, -1, -1):
        field = fields[index]
        if field.default is not dataclasses.MISSING:
            values.append(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            values.append(field.default_factory())
            made.append((index, field.default_factory))
        else:
            break
    first = len(fields) - len(values)
    return _Defaults(tuple(reversed(values)), tuple((at - first, make) for at, make in made))


def _is_default(value: Any, default: Any) -> bool:
    # Of the default's own type too: `0` is not `False`, nor `[]` a `()`; and a float as
    # written (`-0.0 == 0.0`).
    kind = type(value)
    return (
        kind is type(default)
        and value == default
        and (kind is not float or repr(value) == repr(default))
    )


def _same(value: Any) -> Any:
    return value


def _not_provided_for(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not provided for")


# A cache holds thousands of values of a few dozen classes: each name is looked up once.
@lru_cache(maxsize=256)
def _own_class(name: str) -> type:
    """A class of `scanner` named `module:Qualname`; `ValueError` for any other name."""
    module, _, qualname = name.partition(":")
    if module.split(".")[0] != "scanner" or not qualname:
        raise ValueError(f"{name} is not the scanner's")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type):
        raise ValueError(f"{name} is not a class")
    return found


@lru_cache(maxsize=256)
def _data_class(name: str) -> tuple[type, tuple[str, ...], bool, _Defaults]:
    """The data class named `name` (see `_own_class`), its fields' names in order, whether
    its instances keep their fields in a `__dict__` (no `__slots__`), and what makes the
    defaults of the fields at its end that `dumps` may leave out (see `_trailing_defaults`)."""
    kind = _own_class(name)
    if not dataclasses.is_dataclass(kind):
        raise ValueError(f"{name} is not a data class")
    names = tuple(f.name for f in dataclasses.fields(kind))
    return kind, names, "__slots__" not in kind.__dict__, _trailing_defaults(kind)


def _fields(value: dict[str, Any], names: tuple[str, ...], defaults: _Defaults) -> list[Any]:
    """The fields of the instance `value` stands for, in order, those left out at the end
    given their `defaults` again."""
    fields = value["v"]
    if not isinstance(fields, list):
        raise ValueError(f"{value.get('c')} has no list of fields")
    left_out = len(names) - len(fields)
    if not 0 <= left_out <= len(defaults.values):
        raise ValueError(f"{value.get('c')} has other fields now")
    if left_out:
        first = len(defaults.values) - left_out
        fields.extend(defaults.values[first:])
        for at, make in defaults.made:
            if at >= first:  # counted from the end
                fields[at - len(defaults.values)] = make()
    return fields


def _tagged(value: dict[str, Any]) -> Any:
    """The value a JSON object stands for, its own values already read back (JSON's decoder
    calls this for each object, innermost first); `ValueError` for any other object."""
    tag = next(iter(value), "")
    if _SIZES.get(tag) != len(value):
        raise ValueError("not a cached value")
    if tag == "c":
        kind, names, plain, defaults = _data_class(value["c"])
        instance: Any = object.__new__(kind)
        if plain:
            instance.__dict__.update(zip(names, _fields(value, names, defaults), strict=True))
        else:
            for name, item in zip(names, _fields(value, names, defaults), strict=True):
                object.__setattr__(instance, name, item)
        return instance
    if tag == "t":
        return tuple(value["t"])
    if tag == "d":
        return dict(value["d"])
    if tag == "f":
        return frozenset(value["f"])
    if tag == "s":
        return set(value["s"])
    if tag == "e":
        kind = _own_class(value["e"])
        if not issubclass(kind, enum.Enum):
            raise ValueError(f"{value['e']} is not an enum")
        return kind[value["v"]]
    if tag == "n":
        kind = _own_class(value["n"])
        if not issubclass(kind, tuple) or not hasattr(kind, "_fields"):
            raise ValueError(f"{value['n']} is not a named tuple")
        return kind(*value["v"])
    if tag == "p":
        return Path(value["p"]) if value.get("k") == "path" else PurePosixPath(value["p"])
    if tag == "dt":
        return datetime.fromisoformat(value["dt"]).replace(tzinfo=_zone_of(value["z"]))
    if tag == "da":
        return date.fromisoformat(value["da"])
    if tag == "ti":
        return time.fromisoformat(value["ti"]).replace(tzinfo=_zone_of(value["z"]))
    if tag == "td":
        days, seconds, micro = value["td"]
        return timedelta(days=days, seconds=seconds, microseconds=micro)
    if tag == "b":
        return base64.b64decode(value["b"], validate=True)
    # A zone, read back where it stands (inside a date-time or a time).
    if tag == "z":
        return zoneinfo.ZoneInfo(str(value["z"]))
    if tag == "tz":
        seconds, name = value["tz"]
        offset = timedelta(seconds=float(seconds))
        return timezone(offset, name) if name else timezone(offset)
    if tag in ("tu", "to"):
        from dateutil import tz as dateutil_tz

        if tag == "tu":
            return dateutil_tz.tzutc()
        name, seconds = value["to"]
        return dateutil_tz.tzoffset(name, float(seconds))
    raise ValueError("not a cached value")


# How many keys each tagged object has, by its tag (its first key).
_SIZES = {
    "c": 2, "t": 1, "d": 1, "f": 1, "s": 1, "e": 2, "n": 2, "p": 2, "dt": 2, "da": 1,
    "ti": 2, "td": 1, "b": 1, "z": 1, "tz": 1, "tu": 1, "to": 1,
}  # fmt: skip


def _zone_of(value: Any) -> tzinfo | None:
    if value is None or isinstance(value, tzinfo):
        return value
    raise ValueError("not a zone")
