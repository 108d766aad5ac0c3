"""Use cases with typed requests and typed errors, under the command line and the pages."""
