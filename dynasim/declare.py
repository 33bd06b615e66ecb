"""Table declarations: the tables (and items) a simulator should start with, read from a file.

Two kinds of file are understood, JSON or YAML:

* a dynasim declaration file: ``{"tables": [<CreateTable request>, ...]}`` (or just the list), where
  each request may also carry ``"Items": [<item in DynamoDB JSON>, ...]`` and a
  ``"TimeToLiveSpecification"`` (as UpdateTimeToLive takes it);
* a CloudFormation or SAM template: its ``AWS::DynamoDB::Table`` and ``AWS::Serverless::SimpleTable``
  resources become CreateTable requests. Intrinsic functions are resolved where a local run can:
  ``Ref`` to parameters (their ``Default``, or the values passed in) and pseudo parameters,
  ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::If`` with the
  template's ``Conditions``; resources whose ``Condition`` is false are left out. YAML short forms
  (``!Ref``, ``!Sub``, ``!GetAtt``, ...) are read as their long forms. Anything that needs a deployed
  stack (``Fn::GetAtt``, ``Fn::ImportValue``, a ``Ref`` to another resource) is an error naming the
  resource and property.

`load` returns `TableDeclaration`s (plain data: the CreateTable request, the items, the TTL setting);
`apply` runs them through a simulator's engine, so every check DynamoDB makes applies.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dynasim.errors import DynamoDBError

if TYPE_CHECKING:
    from dynasim.simulator import Simulator

TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")


class DeclarationError(ValueError):
    """A declaration file that cannot be read, or a table in it that cannot be created."""


@dataclass
class TableDeclaration:
    request: dict[str, Any]  # a CreateTable request in DynamoDB's JSON form
    items: list[dict[str, Any]] = field(default_factory=list)  # items in DynamoDB's JSON form
    time_to_live: dict[str, Any] | None = None  # UpdateTimeToLive's TimeToLiveSpecification
    source: str = ""  # where it was declared, for messages

    @property
    def table_name(self) -> str:
        return self.request["TableName"]


# --- reading ---------------------------------------------------------------------------------


def load(
    path: str | os.PathLike[str],
    *,
    parameters: dict[str, str] | None = None,
    stack_name: str = "dynasim",
    region: str = "us-east-1",
    account_id: str = "123456789012",
) -> list[TableDeclaration]:
    """The tables declared in the file at `path` (a declaration file or a CloudFormation/SAM template).

    `parameters` override template parameters' defaults; `stack_name`, `region` and `account_id` are
    what the pseudo parameters ``AWS::StackName``, ``AWS::Region`` and ``AWS::AccountId`` resolve to.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise DeclarationError(f"cannot read {name}: {error.strerror or error}") from None
    return parse(text, source=name, parameters=parameters, stack_name=stack_name, region=region, account_id=account_id)


def parse(
    text: str,
    *,
    source: str = "<declarations>",
    parameters: dict[str, str] | None = None,
    stack_name: str = "dynasim",
    region: str = "us-east-1",
    account_id: str = "123456789012",
) -> list[TableDeclaration]:
    """Like `load`, from the text of a file."""
    document = _read_document(text, source)
    if isinstance(document, dict) and "Resources" in document:
        context = _Template(document, source, parameters or {}, stack_name, region, account_id)
        return context.declarations()
    if isinstance(document, dict) and "tables" in document:
        document = document["tables"]
    if not isinstance(document, list):
        raise DeclarationError(
            f'{source}: expected {{"tables": [CreateTable requests]}} or a CloudFormation/SAM template with Resources'
        )
    return [_declared_table(entry, f"{source}: tables[{i}]") for i, entry in enumerate(document)]


def _read_document(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        import yaml
    except ImportError:
        raise DeclarationError(
            f"{source} is not JSON; reading YAML needs PyYAML: python -m pip install 'dynasim[yaml]'"
        ) from None
    try:
        return yaml.load(text, Loader=_template_loader(yaml))  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as error:
        raise DeclarationError(f"{source} is neither JSON nor YAML: {error}") from None


def _declared_table(entry: Any, source: str) -> TableDeclaration:
    if not isinstance(entry, dict):
        raise DeclarationError(f"{source}: a table must be an object (a CreateTable request)")
    request = copy.deepcopy(entry)
    items = request.pop("Items", [])
    time_to_live = request.pop("TimeToLiveSpecification", None)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DeclarationError(f"{source}: Items must be a list of items in DynamoDB JSON")
    if not isinstance(request.get("TableName"), str):
        raise DeclarationError(f"{source}: TableName is missing")
    return TableDeclaration(request, items, time_to_live, f"{source} ({request['TableName']})")


# --- YAML short forms ----------------------------------------------------------------------------

_SHORT_FORMS = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "And Base64 Cidr Equals FindInMap GetAtt GetAZs If ImportValue Join Length Not Or Select "
            "Split Sub ToJsonString Transform"
        ).split()
    },
}


def _template_loader(yaml: Any) -> type:
    """A SafeLoader that reads CloudFormation's short-form tags as their long forms."""

    class TemplateLoader(yaml.SafeLoader):
        pass

    def construct(long_name: str):
        def constructor(loader: Any, node: Any) -> dict[str, Any]:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
                if long_name == "Fn::GetAtt":
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {long_name: value}

        return constructor

    for short, long_name in _SHORT_FORMS.items():
        TemplateLoader.add_constructor(f"!{short}", construct(long_name))
    # Keep dates such as AWSTemplateFormatVersion as the strings they are in the template.
    TemplateLoader.add_constructor("tag:yaml.org,2002:timestamp", TemplateLoader.construct_yaml_str)
    return TemplateLoader


# --- CloudFormation and SAM templates ------------------------------------------------------------

_NO_VALUE = object()  # AWS::NoValue: the property is left out
_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]*)\}")

_TABLE_PROPERTIES = (
    "TableName",
    "KeySchema",
    "AttributeDefinitions",
    "BillingMode",
    "ProvisionedThroughput",
    "OnDemandThroughput",
    "WarmThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "VectorIndexes",
    "StreamSpecification",
    "SSESpecification",
    "TableClass",
    "DeletionProtectionEnabled",
    "Tags",
    "TimeToLiveSpecification",
)
_SIMPLE_TABLE_PROPERTIES = ("TableName", "PrimaryKey", "ProvisionedThroughput", "SSESpecification", "Tags")
_GSI_PROPERTIES = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput")
_LSI_PROPERTIES = ("IndexName", "KeySchema", "Projection")
# AWS::DynamoDB::Table VectorIndex: the properties of the API's VectorIndex, by the same names.
_VECTOR_PROPERTIES = ("IndexName", "VectorAttribute", "SearchSchema", "Projection", "Dimensions", "DistanceFunction")
_SIMPLE_TABLE_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


class _Template:
    def __init__(
        self,
        template: dict[str, Any],
        source: str,
        parameters: dict[str, str],
        stack_name: str,
        region: str,
        account_id: str,
    ) -> None:
        self.template = template
        self.source = source
        self.resources = template.get("Resources") or {}
        self.mappings = template.get("Mappings") or {}
        self.conditions = template.get("Conditions") or {}
        self.values: dict[str, Any] = {
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/dynasim",
            "AWS::Region": region,
            "AWS::AccountId": account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": _NO_VALUE,
        }
        for name, spec in (template.get("Parameters") or {}).items():
            if name in parameters:
                self.values[name] = parameters[name]
            elif isinstance(spec, dict) and "Default" in spec:
                self.values[name] = spec["Default"]
        unknown = sorted(set(parameters) - set(template.get("Parameters") or {}))
        if unknown:
            raise DeclarationError(f"{source}: no such template parameter: {', '.join(unknown)}")
        self._evaluated: dict[str, bool] = {}
        globals_section = template.get("Globals") or {}
        self.simple_table_globals = globals_section.get("SimpleTable") or {}

    def declarations(self) -> list[TableDeclaration]:
        declarations = []
        for logical_id, resource in self.resources.items():
            if not isinstance(resource, dict) or resource.get("Type") not in TABLE_TYPES:
                continue
            where = f"{self.source}: Resources.{logical_id}"
            condition = resource.get("Condition")
            if condition is not None and not self._condition(condition, where):
                continue
            properties = resource.get("Properties") or {}
            if _is_function(properties):
                properties = self._resolve(properties, f"{where}.Properties")
            if not isinstance(properties, dict):
                raise DeclarationError(f"{where}: Properties must be a mapping")
            # Only the properties that become part of the request are resolved: the others (a
            # Kinesis stream's !GetAtt, say) may need a deployed stack and do not matter here.
            if resource["Type"] == "AWS::Serverless::SimpleTable":
                properties = {**self.simple_table_globals, **properties}
                wanted: tuple[str, ...] = _SIMPLE_TABLE_PROPERTIES
            else:
                wanted = _TABLE_PROPERTIES
            properties = {
                name: self._resolve(properties[name], f"{where}.Properties.{name}")
                for name in wanted
                if name in properties
            }
            properties = {name: value for name, value in properties.items() if value is not _NO_VALUE}
            if resource["Type"] == "AWS::Serverless::SimpleTable":
                request = _simple_table(logical_id, properties)
            else:
                request = _table(logical_id, properties)
            time_to_live = request.pop("TimeToLiveSpecification", None)
            declarations.append(TableDeclaration(request, [], time_to_live, where))
        return declarations

    # intrinsic functions

    def _resolve(self, value: Any, where: str) -> Any:
        if isinstance(value, list):
            resolved = [self._resolve(member, where) for member in value]
            return [member for member in resolved if member is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if _is_function(value):
            ((key, argument),) = value.items()
            return self._function(key, argument, where)
        resolved_members = {key: self._resolve(member, f"{where}.{key}") for key, member in value.items()}
        return {key: member for key, member in resolved_members.items() if member is not _NO_VALUE}

    def _function(self, name: str, argument: Any, where: str) -> Any:
        if name == "Ref":
            return self._ref(argument, where)
        if name == "Fn::Sub":
            return self._sub(argument, where)
        if name == "Fn::Join":
            delimiter, members = self._resolve(argument, where)
            return str(delimiter).join(str(member) for member in self._resolve(members, where))
        if name == "Fn::Select":
            index, members = self._resolve(argument, where)
            return self._resolve(members, where)[int(index)]
        if name == "Fn::Split":
            delimiter, text = self._resolve(argument, where)
            return str(text).split(delimiter)
        if name == "Fn::FindInMap":
            mapping, top, second = (self._resolve(part, where) for part in argument[:3])
            try:
                return self.mappings[mapping][top][second]
            except (KeyError, TypeError):
                raise DeclarationError(f"{where}: Fn::FindInMap finds nothing at {mapping}.{top}.{second}") from None
        if name == "Fn::If":
            condition, when_true, when_false = argument
            chosen = when_true if self._condition(condition, where) else when_false
            return self._resolve(chosen, where)
        raise DeclarationError(
            f"{where}: {name} needs a deployed stack and cannot be resolved locally; "
            "give the property a literal value (or a parameter) for dynasim"
        )

    def _ref(self, name: Any, where: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.resources:
            raise DeclarationError(f"{where}: Ref to resource {name} needs a deployed stack")
        if name in (self.template.get("Parameters") or {}):
            raise DeclarationError(f"{where}: parameter {name} has no Default; pass a value for it")
        raise DeclarationError(f"{where}: Ref to unknown name {name!r}")

    def _sub(self, argument: Any, where: str) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], self._resolve(argument[1], where)
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            literal, name = match.groups()
            if literal:
                return "${" + name + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name.split(".", 1)[0] in self.resources:
                raise DeclarationError(f"{where}: ${{{name}}} needs a deployed stack")
            value = self._ref(name, where)
            return "" if value is _NO_VALUE else str(value)

        return _SUB_VARIABLE.sub(replace, str(text))

    def _condition(self, condition: Any, where: str) -> bool:
        if isinstance(condition, str):
            if condition not in self._evaluated:
                if condition not in self.conditions:
                    raise DeclarationError(f"{where}: unknown condition {condition!r}")
                self._evaluated[condition] = False  # a cycle reads as false rather than recursing forever
                self._evaluated[condition] = self._condition(self.conditions[condition], where)
            return self._evaluated[condition]
        if isinstance(condition, dict) and len(condition) == 1:
            ((name, argument),) = condition.items()
            if name == "Condition":
                return self._condition(argument, where)
            if name == "Fn::Equals":
                first, second = (self._resolve(part, where) for part in argument)
                return str(first) == str(second)
            if name == "Fn::Not":
                return not self._condition(argument[0], where)
            if name == "Fn::And":
                return all(self._condition(part, where) for part in argument)
            if name == "Fn::Or":
                return any(self._condition(part, where) for part in argument)
        raise DeclarationError(f"{where}: cannot evaluate condition {condition!r}")


def _is_function(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or key.startswith("Fn::")


def _throughput(value: Any) -> Any:
    """Template numbers are often strings ("5"); CreateTable wants numbers."""
    if not isinstance(value, dict):
        return value
    return {
        key: int(member) if isinstance(member, str) and member.isdigit() else member for key, member in value.items()
    }


def _table(logical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    request = {name: properties[name] for name in _TABLE_PROPERTIES if name in properties}
    request.setdefault("TableName", logical_id)
    for name in ("ProvisionedThroughput", "OnDemandThroughput"):
        if name in request:
            request[name] = _throughput(request[name])
    if "GlobalSecondaryIndexes" in request:
        request["GlobalSecondaryIndexes"] = [
            _index(index, _GSI_PROPERTIES) for index in request["GlobalSecondaryIndexes"]
        ]
    if "LocalSecondaryIndexes" in request:
        request["LocalSecondaryIndexes"] = [
            _index(index, _LSI_PROPERTIES) for index in request["LocalSecondaryIndexes"]
        ]
    if "VectorIndexes" in request:
        request["VectorIndexes"] = [_vector_index(index) for index in request["VectorIndexes"]]
    stream = request.get("StreamSpecification")
    if isinstance(stream, dict) and "StreamViewType" in stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    sse = request.get("SSESpecification")
    if isinstance(sse, dict):
        renamed = {"SSEEnabled": "Enabled", "SSEType": "SSEType", "KMSMasterKeyId": "KMSMasterKeyId"}
        request["SSESpecification"] = {renamed[key]: value for key, value in sse.items() if key in renamed}
    return request


def _index(index: Any, allowed: tuple[str, ...]) -> Any:
    if not isinstance(index, dict):
        return index
    kept = {name: index[name] for name in allowed if name in index}
    for name in ("ProvisionedThroughput", "OnDemandThroughput"):
        if name in kept:
            kept[name] = _throughput(kept[name])
    return kept


def _vector_index(index: Any) -> Any:
    kept = _index(index, _VECTOR_PROPERTIES)
    dimensions = kept.get("Dimensions") if isinstance(kept, dict) else None
    if isinstance(dimensions, str) and dimensions.isdigit():  # template numbers are often strings
        kept["Dimensions"] = int(dimensions)
    return kept


def _simple_table(logical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    """SAM's SimpleTable: one partition key (``id``, a string, unless PrimaryKey says otherwise)."""
    primary = properties.get("PrimaryKey") or {"Name": "id", "Type": "String"}
    name = primary.get("Name", "id")
    kind = _SIMPLE_TABLE_TYPES.get(primary.get("Type", "String"), primary.get("Type"))
    request: dict[str, Any] = {
        "TableName": properties.get("TableName", logical_id),
        "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": kind}],
    }
    if "ProvisionedThroughput" in properties:
        request["BillingMode"] = "PROVISIONED"
        request["ProvisionedThroughput"] = _throughput(properties["ProvisionedThroughput"])
    else:
        request["BillingMode"] = "PAY_PER_REQUEST"
    sse = properties.get("SSESpecification")
    if isinstance(sse, dict) and "SSEEnabled" in sse:
        request["SSESpecification"] = {"Enabled": sse["SSEEnabled"]}
    tags = properties.get("Tags")
    if isinstance(tags, dict):
        request["Tags"] = [{"Key": key, "Value": str(value)} for key, value in tags.items()]
    return request


# --- applying --------------------------------------------------------------------------------


def apply(simulator: Simulator, declarations: list[TableDeclaration], *, skip_existing: bool = True) -> list[str]:
    """Create the declared tables (then their TTL setting and items) through the engine; return the
    names of the tables created. A table that already exists is left exactly as it is when
    `skip_existing` (so a durable store's data survives a restart with the same file)."""
    created = []
    for declaration in declarations:
        name = declaration.table_name
        if skip_existing and name in simulator.engine.tables:
            continue
        _run(simulator, "CreateTable", declaration.request, declaration.source)
        if declaration.time_to_live is not None:
            request = {"TableName": name, "TimeToLiveSpecification": declaration.time_to_live}
            _run(simulator, "UpdateTimeToLive", request, declaration.source)
        for i, item in enumerate(declaration.items):
            _run(simulator, "PutItem", {"TableName": name, "Item": item}, f"{declaration.source}: Items[{i}]")
        created.append(name)
    return created


def _run(simulator: Simulator, operation: str, request: dict[str, Any], source: str) -> None:
    try:
        simulator.handle(operation, copy.deepcopy(request))  # the engine normalises values in place
    except DynamoDBError as error:
        raise DeclarationError(f"{source}: {operation} failed: {error.code}: {error.message}") from None
