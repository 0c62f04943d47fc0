"""A job worker in its own process for tests: the app on the test database, the queue given,
Huey's consumer with process workers (what `flask jobs worker` runs). Usage:
python -m tests.jobs.worker_main DATABASE_URL QUEUE_URL WORKERS AUDIT_KEY_FILE QUEUE_NAME

The worker signs the audit chain with the same key file as the app under test, as every
worker of one installation does."""
import sys

from committee_app import create_app
from tests.conftest import _test_config


def main() -> None:
    database_url, queue_url, workers, audit_key_file, queue_name = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                                                    sys.argv[4], sys.argv[5])
    config = _test_config(database_url, "/tmp")
    config["JOBS_QUEUE"], config["JOBS_QUEUE_NAME"] = queue_url, queue_name
    config["AUDIT_KEY_FILE"] = audit_key_file
    app = create_app(config)
    consumer = app.extensions["jobs_queue"].huey.create_consumer(
        workers=workers, worker_type="process", periodic=False, initial_delay=0.05, max_delay=0.2, backoff=1.1)
    consumer.run()


if __name__ == "__main__":
    main()
