"""Helpers shared by the test suite: real tools, real repos, real chart repositories."""
