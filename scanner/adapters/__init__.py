"""Inventory adapters: each turns one configured target into snapshot units.

An adapter is a function ``collect(target) -> (units, TargetProvenance)``.
It sends only read requests, bounds every call with a timeout, and records
failures in the provenance instead of raising. The only exception it lets
through is InputError, for a configuration problem such as an unset secret
variable.
"""
