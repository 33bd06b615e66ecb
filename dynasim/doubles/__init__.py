"""Test doubles on top of the simulator: call log, fault injection, latency, throughput limits,
eventual consistency, capacity assertions and snapshots. `Simulator` exposes them; the pieces
a test may name are re-exported here. Each double that acts on calls is a stage (`stages`), run by
the hub (`hub`) around the engine; one `Pattern` type (`matching`) matches calls for all of them."""

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
from dynasim.doubles.matching import Pattern, pattern
from dynasim.doubles.stages import Progress, Stage, stage

__all__ = [
    "Call",
    "CallLog",
    "Capacity",
    "FaultRule",
    "Pattern",
    "PendingCall",
    "Progress",
    "Stage",
    "TransportFault",
    "choice",
    "exponential",
    "lognormal",
    "normal",
    "pattern",
    "response_lost",
    "stage",
    "transport_error",
    "uniform",
    "unprocessed",
]
