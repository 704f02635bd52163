"""The golden toolkit of src/arcade/schema_golden_test.cpp, declared the Python way.

Generates tests/golden/schema_tool_definitions.json (the /worker/tools entries) and
tests/golden/schema_mcp_tools.json (the tools/list entries) with the real code of arcade-core
4.11 (ToolCatalog.add_tool -> create_tool_definition) and arcade-mcp-server 1.26
(convert.create_mcp_tool). Not run by CI; see tests/golden/README.md for how to run it.
"""

import json
import sys
import types
from enum import Enum
from typing import Annotated, Any, Optional

from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12


class _Placeholders:
    """Import hook: modules the catalog and convert.py never use at run time (toml, starlette,
    httpx) are placeholders whose every name is a dummy class, when they are not installed."""

    roots = ("toml", "starlette", "httpx")

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in self.roots:
            return None
        import importlib.machinery

        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: (  # type: ignore[method-assign]
            (_ for _ in ()).throw(AttributeError(attr)) if attr.startswith("__") else type(attr, (), {})
        )
        return module

    def exec_module(self, module):
        pass


sys.meta_path.append(_Placeholders())

from arcade_core.annotations import Inferrable  # noqa: E402
from arcade_core.auth import GitHub, OAuth2  # noqa: E402
from arcade_core.catalog import ToolCatalog  # noqa: E402
from arcade_core.metadata import Behavior, Classification, Operation, ServiceDomain, ToolMetadata  # noqa: E402
from arcade_tdk import tool  # noqa: E402

# convert.py without the package's __init__ (which starts a server's worth of imports).
_pkg = types.ModuleType("arcade_mcp_server")
_pkg.__path__ = [sys.argv[1]]
sys.modules["arcade_mcp_server"] = _pkg
from arcade_mcp_server.convert import create_mcp_tool  # noqa: E402


class Priority(str, Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Geo(TypedDict):
    lat: float
    """Latitude in degrees"""
    lon: float
    """Longitude in degrees"""


# Required and optional keys together need a total=False subclass; catalog.py reads field
# descriptions from the docstrings of the class's own source, so the base's keys have none.
class _AddressBase(TypedDict):
    street: str
    city: str


class Address(_AddressBase, total=False):
    location: Optional[Geo]
    """Where it is on a map"""
    zip: Optional[str]
    """Postal code"""
    floor: int
    """Floor number"""


class LineItem(TypedDict):
    sku: str
    """Stock keeping unit"""
    qty: int
    """How many"""
    price: float
    """Unit price"""


class Filter(TypedDict, total=False):
    text: Optional[str]
    """Text to match"""
    limit: Optional[int]
    """Most results"""


class _ContactBase(TypedDict):
    name: str
    home: Address
    tags: list[str]
    rank: Priority


class Contact(_ContactBase, total=False):
    work: Optional[Address]
    """Work address"""
    extra: Optional[dict[str, Any]]
    """Anything else"""
    labels: Optional[list[Priority]]
    """Labels"""
    history: Optional[list[LineItem]]
    """Past orders"""


@tool(
    metadata=ToolMetadata(
        classification=Classification(service_domains=[ServiceDomain.CRM]),
        behavior=Behavior(
            operations=[Operation.CREATE, Operation.UPDATE],
            read_only=False,
            destructive=False,
            idempotent=True,
            open_world=True,
        ),
        extras={"idp": "entra", "tier": 2},
    )
)
def upsert_contact(
    contact: Annotated[Contact, "The contact"],
    owner_id: Annotated[str, "The owner's id", Inferrable(False)],
    priority: Annotated[Priority, "How urgent"],
    notify: Annotated[bool, "Send a notification"] = False,
    channels: Annotated[Optional[list[Priority]], "Where to notify"] = None,
    note: Annotated[Optional[str], "A note"] = None,
    filter: Annotated[Optional[Filter], "Which contacts to touch"] = None,
) -> Annotated[Contact, "The stored contact"]:
    """Create or update a contact."""


@tool(requires_secrets=["SHOP_KEY", "shop_key"], requires_metadata=["coordinator_url"])
def place_order(
    items: Annotated[list[LineItem], "Lines of the order"],
    count: Annotated[int, "Copies"],
    ratio: Annotated[float, "Scale factor"],
    payload: Annotated[dict[str, Any], "Free-form payload"],
    discounts: Annotated[Optional[list[float]], "Discounts"] = None,
) -> Annotated[int, "The order number"]:
    """Place an order."""


@tool(requires_auth=GitHub(scopes=["repo"]), requires_metadata=["Client_ID"])
def list_repos() -> Annotated[list[str], "Repository names"]:
    """List the user's repositories."""


list_repos.__tool_deprecation_message__ = "Use ListRepositories"


@tool(requires_auth=OAuth2(id="acme-sso", scopes=["read", "write"]))
def custom_auth_ping(echo: Annotated[str, "Text to echo"]) -> str:
    """Ping a service behind a custom OAuth2 provider."""


@tool(
    metadata=ToolMetadata(
        behavior=Behavior(operations=[Operation.READ], read_only=True, open_world=False)
    )
)
def render_card(title: Annotated[str, "Card title"]):
    """Render a card as content blocks."""


@tool
def find_contact(name: Annotated[str, "Who to look for"]) -> Annotated[Optional[Contact], "The contact, if found"]:
    """Find a contact by name."""


def main() -> None:
    catalog = ToolCatalog()
    for func in (upsert_contact, place_order, list_repos, custom_auth_ping, render_card, find_contact):
        catalog.add_tool(func, "GoldenKit", toolkit_version="1.2.3", toolkit_description="Every type, for golden files.")
    defs = [t.definition.model_dump(mode="json") for t in catalog]
    mcp = [create_mcp_tool(t).model_dump(mode="json", by_alias=True, exclude_none=True) for t in catalog]
    with open(sys.argv[2], "w") as f:
        json.dump(defs, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(sys.argv[3], "w") as f:
        json.dump(mcp, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
