"""W3C Trace Context (https://www.w3.org/TR/trace-context/): a request's `traceparent` is continued,
or a trace is begun where it is missing or invalid; the response names the service's own span in
the same trace, and the logs carry the trace id (app/logs.py)."""

import re
import secrets
from dataclasses import dataclass

TRACEPARENT_HEADER = "traceparent"
# version-trace_id-parent_id-flags; a later version may add fields after the flags.
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_INVALID_VERSION = "ff"
_NOT_SAMPLED = "00"


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str
    flags: str

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def _new_span_id() -> str:
    return secrets.token_hex(8)


def _is_valid(match: re.Match[str]) -> bool:
    version, trace_id, parent_id, _flags, rest = match.groups()
    return (
        version != _INVALID_VERSION
        and (version != "00" or rest is None)
        and trace_id != "0" * 32
        and parent_id != "0" * 16
    )


def continue_trace(traceparent: str | None) -> TraceContext:
    """This request's span: in the caller's trace when its traceparent is valid, else in a new one."""
    match = _TRACEPARENT.fullmatch(traceparent.strip()) if traceparent else None
    if match is not None and _is_valid(match):
        return TraceContext(trace_id=match[2], span_id=_new_span_id(), flags=match[4])
    return TraceContext(trace_id=secrets.token_hex(16), span_id=_new_span_id(), flags=_NOT_SAMPLED)
