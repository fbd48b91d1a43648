"""Helpers shared by the tests: synthetic answer sets, keystrokes, batch files, FHIR checks and
a runner for the installed `spinetriage`. Only synthetic data: no real person's answers."""
