import logging

pytest_plugins = ["tests.kafka_broker"]

logging.getLogger("scanner").setLevel(logging.DEBUG)
