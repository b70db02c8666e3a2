"""The portal's Celery tasks by the labels people read (`@shared_task(label=...)`)."""

from celery import current_app


def registered_tasks() -> dict[str, str]:
    """Every task of the portal: its name (Python path) and its label."""
    current_app.loader.import_default_modules()  # runs autodiscovery, importing every tasks.py
    return {
        name: str(getattr(task, "label", name))
        for name, task in sorted(current_app.tasks.items())
        if not name.startswith("celery.")
    }


def task_label(name: str) -> str:
    """A task's label, or its name for a task this process does not know."""
    return registered_tasks().get(name, name)
