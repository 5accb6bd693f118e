import importlib.util
import logging

# The broker fixtures live in their own plugin module.
pytest_plugins = ["tests.kafka_broker"] if importlib.util.find_spec("tests.kafka_broker") else []

logging.getLogger("scanner").setLevel(logging.DEBUG)
