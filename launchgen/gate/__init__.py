"""The policy gate across git revisions: what a pull request changes, judged by the standard."""
