"""tsunagu (つなぐ): a digital-archive metadata aggregator.

The pipeline is visible in the package tree::

    harvester -> mappings -> index -> site

``records`` (the normalized record model), ``config`` and ``errors`` depend on
nothing else in the package; ``store`` (the SQLite store) depends only on them.
Only ``pipeline`` and ``cli`` wire stages together.
"""

__version__ = "0.1.0"
