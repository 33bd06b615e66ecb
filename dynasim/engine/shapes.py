"""Request shapes from botocore's DynamoDB service model: which operations exist and which
members each requires. Loaded once, on first use."""

from __future__ import annotations

import functools

import botocore.loaders
from botocore.model import ServiceModel

# Service names of the APIs the engine speaks, as botocore's data files name them.
SERVICES = ("dynamodb", "dynamodbstreams")


@functools.cache
def _models() -> tuple[ServiceModel, ...]:
    loader = botocore.loaders.create_loader()
    return tuple(ServiceModel(loader.load_service_model(name, "service-2"), service_name=name) for name in SERVICES)


@functools.cache
def known_operations() -> frozenset[str]:
    return frozenset(name for model in _models() for name in model.operation_names)


@functools.cache
def required_members(operation: str) -> tuple[str, ...]:
    for model in _models():
        if operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            return tuple(shape.required_members) if shape is not None else ()
    return ()


@functools.cache
def has_output(operation: str) -> bool:
    """Whether the operation's answer has a body (TagResource and UntagResource have none)."""
    for model in _models():
        if operation in model.operation_names:
            return model.operation_model(operation).output_shape is not None
    return True
