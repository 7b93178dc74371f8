"""Files for hosting the dashboard: nginx in front of several replicas (serve.py, nginx.conf)."""
