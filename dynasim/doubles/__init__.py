"""Test doubles on top of the simulator: call log, fault injection, latency, throughput limits,
eventual consistency, capacity assertions and snapshots. `Simulator` exposes them; the pieces
a test may name are re-exported here."""

from dynasim.doubles.calls import Call, CallLog, Capacity
from dynasim.doubles.faults import (
    FaultRule,
    PendingCall,
    TransportFault,
    response_lost,
    transport_error,
    unprocessed,
)
from dynasim.doubles.latency import choice, exponential, lognormal, normal, uniform

__all__ = [
    "Call",
    "CallLog",
    "Capacity",
    "FaultRule",
    "PendingCall",
    "TransportFault",
    "choice",
    "exponential",
    "lognormal",
    "normal",
    "response_lost",
    "transport_error",
    "uniform",
    "unprocessed",
]
