"""Justification documents: the rendering job (``jobs``), what the document says (``content``:
the file note; ``bid_document``: a tender's bid document), its charts as images (``charts``) and
the archival PDF (``pdf``).

A document is rendered from its comparison's stored snapshot and results, by a Celery worker
(``procurement.tasks``), and issued once: its SHA-256 goes on the department's audit chain.
"""
