# The dashboard in a container:
#
#   docker build -t finding-the-bottom .
#   docker run -d --name finding-the-bottom --restart unless-stopped --memory 1g --memory-swap 1g -p 8501:8501 finding-the-bottom
#
# or `docker compose -f deploy/compose.yaml up -d --build`, which sets the same. A Dockerfile cannot
# set either: the restart policy brings the app back after a crash, an out-of-memory kill or a reboot
# (not after `docker stop`), and the memory limit keeps one Streamlit process (about 700 MB under a
# class) from taking the machine's memory: at 1 GB (no swap) the kernel ends it, Docker starts it
# again, and the learners' pages reconnect and say so. The health check below marks the container
# unhealthy; plain Docker does not restart it for that.
# Works as a Hugging Face Docker Space too (its README's front matter: `sdk: docker`, `app_port: 8501`).
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A non-root user with UID 1000, as Hugging Face Spaces run containers.
RUN useradd --create-home --uid 1000 app
WORKDIR /home/app/site

# Dependencies first: the layer is reused until the pinned requirements change.
COPY dashboard/requirements.txt dashboard/requirements.txt
RUN pip install -r dashboard/requirements.txt

COPY --chown=app:app . .
USER app

EXPOSE 8501
# Python's own HTTP client: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]

CMD ["streamlit", "run", "dashboard/app.py", "--server.address=0.0.0.0", "--server.port=8501"]
