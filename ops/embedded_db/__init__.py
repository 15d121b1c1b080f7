"""Django database backend: PostgreSQL on the embedded server, started on first use."""
