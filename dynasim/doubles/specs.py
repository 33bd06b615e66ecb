"""Faults, latency and throughput limits as specs: the one parser of what `dynasim serve` takes as
`--fault` / `--latency` flags, in a `--config` file and through the admin API (`fronts/admin.py`).

A spec is the JSON form of a call's keyword arguments: `inject_fault`'s, `set_latency`'s and
`enable_throughput_limits`'s (an error code or a list of codes and nulls, a `match` object,
`unprocessed` as a fraction; `seconds` as a number or [low, high]); a flag is its short text form
(`PutItem:ThrottlingException:times=2`, `Query:0.01-0.05:table=users`). A bad spec is a `SpecError`
whose message says what is wrong; an operation name DynamoDB does not have is one, naming the
closest ones.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeGuard

from dynasim.doubles.operations import check_operations

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

FAULT_FIELDS = (
    "operation", "error", "times", "probability", "table", "match", "seed", "unprocessed", "message", "region",
)
LATENCY_FIELDS = ("operation", "seconds", "table", "virtual", "seed", "region")
THROUGHPUT_FIELDS = ("on_demand", "burst_seconds", "partition_limits")
CONFIG_KEYS = ("faults", "latency", "throughput")


class SpecError(ValueError):
    """A fault, latency or throughput spec (or a config file of them) that is not valid."""


def add_fault(simulator: Simulator, spec: Any) -> Any:
    """`simulator.inject_fault(**spec)` for a JSON object; SpecError if it is not a valid fault."""
    arguments = _arguments(spec, FAULT_FIELDS, "fault")
    for name in ("times", "seed"):
        if name in arguments and not _is_int(arguments[name]):
            raise SpecError(f"fault: {name} must be a whole number")
    for name in ("probability", "unprocessed"):
        if name in arguments and not is_number(arguments[name]):
            raise SpecError(f"fault: {name} must be a number")
    error = arguments.get("error")
    if not (error is None or isinstance(error, str) or isinstance(error, list)):
        raise SpecError("fault: error must be an error code, null, or a list of them")
    if isinstance(error, list) and not all(step is None or isinstance(step, str) for step in error):
        raise SpecError("fault: a list of errors holds error codes and nulls only")
    if "match" in arguments and not isinstance(arguments["match"], dict):
        raise SpecError("fault: match must be an object contained in the request")
    _check_names(arguments, "fault")
    if error is None and "unprocessed" not in arguments:
        raise SpecError("fault: give error (an error code, or a list of codes and nulls) or unprocessed")
    try:
        return simulator.inject_fault(**arguments)
    except (ValueError, TypeError) as problem:
        raise SpecError(f"fault: {problem}") from None


def add_latency(simulator: Simulator, spec: Any) -> Any:
    """`simulator.set_latency(**spec)` for a JSON object; SpecError if it is not valid."""
    arguments = _arguments(spec, LATENCY_FIELDS, "latency")
    if "seconds" not in arguments:
        raise SpecError("latency: seconds is required (a number, or [low, high])")
    seconds = arguments["seconds"]
    if isinstance(seconds, list):
        if len(seconds) != 2 or not all(is_number(value) and value >= 0 for value in seconds):
            raise SpecError("latency: seconds as a range is [low, high], two numbers >= 0")
        arguments["seconds"] = (float(seconds[0]), float(seconds[1]))
    elif not is_number(seconds) or seconds < 0:
        raise SpecError("latency: seconds must be a number >= 0, or [low, high]")
    if "virtual" in arguments and not isinstance(arguments["virtual"], bool):
        raise SpecError("latency: virtual must be true or false")
    if "seed" in arguments and not _is_int(arguments["seed"]):
        raise SpecError("latency: seed must be a whole number")
    _check_names(arguments, "latency")
    try:
        return simulator.set_latency(**arguments)
    except (ValueError, TypeError) as problem:
        raise SpecError(f"latency: {problem}") from None


def enable_throughput(simulator: Simulator, spec: Any) -> None:
    """`simulator.enable_throughput_limits(**spec)` for a JSON object ({} for the defaults)."""
    arguments = _arguments(spec, THROUGHPUT_FIELDS, "throughput")
    on_demand = arguments.get("on_demand")
    if on_demand is not None:
        if not isinstance(on_demand, dict) or not all(
            isinstance(rates, list) and len(rates) == 2 and all(is_number(r) and r > 0 for r in rates)
            for rates in on_demand.values()
        ):
            raise SpecError("throughput: on_demand is {table: [reads per second, writes per second]}")
        arguments["on_demand"] = {table: (float(r), float(w)) for table, (r, w) in on_demand.items()}
    if "burst_seconds" in arguments and not (is_number(arguments["burst_seconds"]) and arguments["burst_seconds"] >= 0):
        raise SpecError("throughput: burst_seconds must be a number >= 0")
    if "partition_limits" in arguments and not isinstance(arguments["partition_limits"], bool):
        raise SpecError("throughput: partition_limits must be true or false")
    simulator.enable_throughput_limits(**arguments)


def apply_config(simulator: Simulator, config: Any) -> tuple[int, int]:
    """Apply {"faults": [...], "latency": [...], "throughput": {...}} (throughput: the arguments of
    `enable_throughput_limits`); returns (faults added, latency rules added)."""
    if not isinstance(config, dict):
        raise SpecError('expected a JSON object: {"faults": [...], "latency": [...], "throughput": {...}}')
    unknown = sorted(set(config) - set(CONFIG_KEYS))
    if unknown:
        raise SpecError(f"unknown key(s) {', '.join(unknown)}: expected {', '.join(CONFIG_KEYS)}")
    faults = config.get("faults", [])
    latency = config.get("latency", [])
    if not isinstance(faults, list) or not isinstance(latency, list):
        raise SpecError("faults and latency are lists of objects")
    for spec in faults:
        add_fault(simulator, spec)
    for spec in latency:
        add_latency(simulator, spec)
    if "throughput" in config:
        enable_throughput(simulator, config["throughput"])
    return len(faults), len(latency)


def load_config(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as problem:
        raise SpecError(f"{path}: {problem.strerror or problem}") from None
    except json.JSONDecodeError as problem:
        raise SpecError(f"{path}: not valid JSON: {problem}") from None


def fault_flag(text: str) -> dict[str, Any]:
    """`OPERATION:ERROR[:name=value,...]` (OPERATION may be *; ERROR may be a,b,c for a sequence, and
    "none" a step that succeeds) as a fault's JSON arguments, e.g.
    ``PutItem:ProvisionedThroughputExceededException:times=2,table=orders``."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0]:
        raise SpecError("expected OPERATION:ERROR[:name=value,...], e.g. PutItem:ThrottlingException:times=2")
    spec: dict[str, Any] = {"operation": _operation(parts[0])}
    options = parts[2] if len(parts) == 3 else ""
    if "=" in parts[1]:  # PutItem:unprocessed=0.5
        options = f"{parts[1]},{options}" if options else parts[1]
    elif "," in parts[1]:
        spec["error"] = [None if step.lower() == "none" else step for step in parts[1].split(",")]
    elif parts[1]:
        spec["error"] = parts[1]
    conversions = {"times": int, "seed": int, "probability": float, "unprocessed": float, "table": str, "region": str}
    spec.update(_options(options, conversions, "--fault"))
    return spec


def latency_flag(text: str) -> dict[str, Any]:
    """`OPERATION:SECONDS[:name=value,...]` (SECONDS or LOW-HIGH; names: table, virtual, seed, region) as a
    latency rule's JSON arguments, e.g. ``Query:0.2`` or ``*:0.01-0.05:table=users``."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise SpecError("expected OPERATION:SECONDS[:name=value,...], e.g. Query:0.2 or GetItem:0.01-0.05")
    spec: dict[str, Any] = {"operation": _operation(parts[0])}
    try:
        if "-" in parts[1]:
            low, high = parts[1].split("-", 1)
            spec["seconds"] = [float(low), float(high)]
        else:
            spec["seconds"] = float(parts[1])
    except ValueError:
        raise SpecError(f"--latency: not a number of seconds: {parts[1]!r}") from None
    conversions = {"table": str, "virtual": _bool, "seed": int, "region": str}
    spec.update(_options(parts[2] if len(parts) == 3 else "", conversions, "--latency"))
    return spec


def _operation(name: str) -> str:
    try:
        check_operations(name)
    except ValueError as problem:
        raise SpecError(str(problem)) from None
    return name


def _options(text: str, conversions: dict[str, Any], flag: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for option in filter(None, text.split(",")):
        name, sep, value = option.partition("=")
        if not sep or name not in conversions:
            expected = ", ".join(conversions)
            raise SpecError(f"{flag}: unknown option {option!r}: expected name=value, names {expected}")
        try:
            found[name] = conversions[name](value)
        except ValueError:
            raise SpecError(f"{flag}: bad value for {name}: {value!r}") from None
    return found


def _bool(text: str) -> bool:
    if text.lower() in ("true", "yes", "1"):
        return True
    if text.lower() in ("false", "no", "0"):
        return False
    raise ValueError(text)


def _arguments(spec: Any, fields: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise SpecError(f"{what}: expected a JSON object with some of {', '.join(fields)}")
    unknown = sorted(set(spec) - set(fields))
    if unknown:
        raise SpecError(f"{what}: unknown field(s) {', '.join(unknown)}; expected some of {', '.join(fields)}")
    return dict(spec)


def _check_names(arguments: dict[str, Any], what: str) -> None:
    for name in ("operation", "table", "region"):
        value = arguments.get(name)
        if value is None:
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            arguments[name] = tuple(value)
        elif not isinstance(value, str):
            raise SpecError(f"{what}: {name} must be a name or a list of names")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
