"""The departments' REST API under /api/v1/: workloads, comparisons, decisions, justification
documents and policy packs, for a department's own systems.

``base`` holds tenancy (one base viewset scopes every queryset; related ids resolve within the
caller's department), ``authentication`` the API keys, ``throttling`` the request budgets,
``filters`` the list filters, ``serializers`` the representations, ``examples`` the schema's
examples, ``schema`` the workflow's OpenAPI links and ``views`` the viewsets. The plumbing every
app's API shares — the error shape, strict bodies, the schema's error answers — is in
``config.api``.
"""
