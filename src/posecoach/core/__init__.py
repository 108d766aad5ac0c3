"""The pure core: numbers and time in, verdicts out. Imports only numpy and the stdlib."""
