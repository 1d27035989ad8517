"""Demo data for tsunagu: bundled real feeds and a local OAI-PMH data provider.

* :mod:`tsunagu.demo.catalog` — the bundled feeds (:func:`~tsunagu.demo.catalog.demo_feeds`).
* :mod:`tsunagu.demo.feedfile` — the feed file format (:func:`~tsunagu.demo.feedfile.write_feed`,
  :func:`~tsunagu.demo.feedfile.load_feed`, :class:`~tsunagu.demo.feedfile.FeedRecord`).
* :mod:`tsunagu.demo.provider` — :class:`~tsunagu.demo.provider.ProviderServer`, serving feed
  files over OAI-PMH on a local HTTP server (``python -m tsunagu.demo`` serves all demo feeds).
* :mod:`tsunagu.demo.oaidc` — building ``oai_dc`` records for feed files.
"""
