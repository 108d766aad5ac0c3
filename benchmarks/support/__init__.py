"""What the benchmarks share: the report table and hardware line, the bench clips, the review
modes, the k-NN recogniser, and where the checkout is."""
