"""The engine version, written into every snapshot; bump it when results can change."""

ENGINE_VERSION = "2.3.0"
