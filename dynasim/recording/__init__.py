"""Record DynamoDB calls to a cassette, replay them, and check the simulator against them.

with dynasim.record("calls.jsonl", redact=["email"]):    # every DynamoDB client made inside
    run_the_service()
ddb = dynasim.replay("calls.jsonl", mode="matched")      # a boto3 client answered from it
dynasim replay calls.jsonl --mode simulate              # the simulator versus the recording
dynasim.recording.seed(sim, "calls.jsonl")              # the recorded tables and items, in sim
"""

from dynasim.recording.cassette import Cassette, CassetteError, Interaction, load
from dynasim.recording.recorder import record
from dynasim.recording.redaction import Redact, Redactor
from dynasim.recording.replayer import ReplayMismatch, replay
from dynasim.recording.simulate import Report, seed, simulate

__all__ = [
    "Cassette",
    "CassetteError",
    "Interaction",
    "Redact",
    "Redactor",
    "ReplayMismatch",
    "Report",
    "load",
    "record",
    "replay",
    "seed",
    "simulate",
]
