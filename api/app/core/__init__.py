"""Settings, clients and storage used by the routes."""
