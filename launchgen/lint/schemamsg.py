"""JSON Schema errors as messages that never quote the value checked.

jsonschema's own messages repeat the instance (`{'DB_PASSWORD': 'hunter2'} is not of
type 'array'`), which would copy secrets from values files into CI logs and code
scanning. These messages say where (the key path), what kind of value is there (its
JSON type), and what the schema wants (from the schema, never from the file).
"""

from __future__ import annotations

from typing import Any

from launchgen.display import printable

_JSON_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)


def json_type(value: Any) -> str:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "value")


def _show(value: Any, limit: int = 80) -> str:
    """A value from the schema (not from the checked file), shortened and escaped."""
    import json

    try:
        text = json.dumps(value, default=str)
    except (ValueError, TypeError):
        text = type(value).__name__
    return printable(text, limit=limit)


def number(value: Any) -> str:
    """An int or float from a file, shown safely: ints past 4,300 digits cannot be printed."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"a {value.bit_length()}-bit number"
    return (
        printable(repr(value), limit=40)
        if not isinstance(value, str)
        else repr(printable(value, limit=40))
    )


def location(path: Any) -> str:
    return "/".join(printable(str(p), limit=60) for p in path) or "(document)"


def unknown_keys(error: Any) -> list[str]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    return sorted(
        (str(k) for k in set(error.instance) - set(error.schema.get("properties", {}))), key=str
    )


def describe(error: Any) -> str:
    """One sentence for a jsonschema ValidationError: path, found type, expectation."""
    text = _describe(error)
    return text[len("(document): ") :] if text.startswith("(document): ") else text


def _describe(error: Any) -> str:
    where = location(error.absolute_path)
    keyword = error.validator
    expected = error.validator_value
    instance = error.instance
    kind = json_type(instance)
    if keyword == "additionalProperties":
        keys = unknown_keys(error)
        shown = ", ".join(repr(printable(k, limit=60)) for k in keys[:5]) + (
            f" and {len(keys) - 5} more" if len(keys) > 5 else ""
        )
        return f"unknown key {shown}" + (f" in {where}" if error.absolute_path else "")
    if keyword == "type":
        types = expected if isinstance(expected, list) else [expected]
        return f"{where}: is {_article(kind)}, expected {' or '.join(str(t) for t in types)}"
    if keyword == "required":
        missing = (
            [k for k in expected if isinstance(instance, dict) and k not in instance]
            if isinstance(expected, list)
            else []
        )
        names = ", ".join(repr(printable(str(k), limit=60)) for k in missing) or "a required key"
        return f"{where}: missing required key {names}"
    if keyword == "enum":
        return f"{where}: is not one of the allowed values {_show(expected)}"
    if keyword == "const":
        return f"{where}: must be {_show(expected)}"
    if keyword == "pattern":
        return f"{where}: {kind} does not match the pattern {_show(expected)}"
    if keyword in ("minLength", "maxLength"):
        return (
            f"{where}: {kind} is {'shorter' if keyword == 'minLength' else 'longer'} than "
            f"allowed ({keyword} {expected})"
        )
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return f"{where}: {kind} is out of range ({keyword} {_show(expected)})"
    if keyword in ("minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains"):
        return f"{where}: array does not satisfy {keyword} {_show(expected)}"
    if keyword in ("minProperties", "maxProperties"):
        return f"{where}: object does not satisfy {keyword} {expected}"
    if keyword in ("anyOf", "oneOf"):
        return f"{where}: {kind} matches {'none' if keyword == 'anyOf' else 'not exactly one'} of the allowed forms"
    if keyword == "not":
        return f"{where}: {kind} has a form that is not allowed here"
    if keyword == "propertyNames":
        return f"{where}: a key name is not allowed here"
    if keyword == "format":
        return f"{where}: {kind} is not a valid {_show(expected)}"
    if keyword in ("dependentRequired", "dependencies", "dependentSchemas"):
        return f"{where}: a key requires another key or form ({keyword})"
    if keyword == "false" or expected is False:
        return f"{where}: no value is allowed here"
    return f"{where}: {kind} is not valid ({printable(str(keyword), limit=40)})"


def path_of(error: Any) -> list[Any]:
    """Where in the document an error is: at the unknown key itself when there is one."""
    return list(error.absolute_path) + unknown_keys(error)[:1]


def _article(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind
