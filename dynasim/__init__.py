"""dynasim: an in-memory DynamoDB that answers real boto3 clients.

import dynasim
sim = dynasim.Simulator()
ddb = sim.client()          # a real botocore DynamoDB client, answered in-process

with dynasim.mock():        # every boto3 DynamoDB client in the process
    ...

with dynasim.record("calls.jsonl"):   # record real DynamoDB calls; dynasim.replay() answers from them
    ...
"""

from dynasim.errors import DynamoDBError
from dynasim.fronts.mock import mock
from dynasim.recording import record, replay
from dynasim.simulator import Simulator

__all__ = ["DynamoDBError", "Simulator", "mock", "record", "replay"]
__version__ = "0.1.0"
