"""Entity label schemas shipped with annotator (JSON)."""
