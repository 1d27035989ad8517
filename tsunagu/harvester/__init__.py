"""Stage 1: harvest OAI-PMH feeds into the store, every record kept as received.

HTTP (the standard library's ``http.client``) and lxml parsing of responses stay
inside this package; it hands
:class:`~tsunagu.records.RawRecord` values and stored runs to the rest.
"""

from tsunagu.harvester.addresses import check_url
from tsunagu.harvester.client import OAIClient
from tsunagu.harvester.deletions import PageHook, approve, reject
from tsunagu.harvester.harvest import Progress, harvest_source
from tsunagu.harvester.politeness import HostGates

__all__ = ["HostGates", "OAIClient", "PageHook", "Progress", "approve", "check_url",
           "harvest_source", "reject"]
