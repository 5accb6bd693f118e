"""``python -m scanner.localkafka start --profile NAME``: run a local test broker in the foreground."""

import logging

from scanner.localkafka.cli import local_broker

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("scanner.localkafka.librdkafka").setLevel(logging.CRITICAL)
    local_broker(prog_name="python -m scanner.localkafka")
