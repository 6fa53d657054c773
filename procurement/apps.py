from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Procurement"

    def ready(self) -> None:
        # Celery registers a task when its module is imported. Jobs are handed to the task by
        # name (procurement.documents.jobs.document_enqueue), so every process that can enqueue
        # one — web, worker, management command — imports the module when Django starts.
        import procurement.tasks  # noqa: F401
        from procurement.checks import check_demo_accounts
        from procurement.roles import ensure_roles
        from procurement.signing import check_signing_key

        # Every stored snapshot is signed: a missing or malformed key is reported by every
        # management command's checks and by `check --deploy`, before a deployment serves.
        checks.register(check_signing_key, checks.Tags.security)
        # A deployment must not keep an account whose password the README publishes.
        checks.register(check_demo_accounts, checks.Tags.security, deploy=True)

        # Groups need the permissions that migrate creates (for this app last: it comes after
        # providers in INSTALLED_APPS), so they are set after it, every time.
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="procurement.ensure_roles")
