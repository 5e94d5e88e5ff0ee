"""Deploying verified bundles, and the approve / reject / rollback / prune steps after."""
