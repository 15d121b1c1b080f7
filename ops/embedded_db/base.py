from django.db.backends.postgresql import base

from .server import ensure_database, ensure_running


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL whose server is the embedded one; it is started when first needed."""

    _databases_checked: set[str] = set()

    def get_connection_params(self):
        params = super().get_connection_params()
        data_dir = self.settings_dict["EMBEDDED_DATA_DIR"]
        endpoint = ensure_running(data_dir)
        name = params.get("dbname") or "postgres"
        # The test runner creates its own database; only the main one is ours.
        if name not in self._databases_checked and not name.startswith("test_"):
            ensure_database(endpoint, name)
            self._databases_checked.add(name)
        params.update(host=endpoint.socket_dir, port=endpoint.port, user=endpoint.user)
        return params
