"""What posecoach tells: the analysis report (json_report.py), a stored session judged again
(review.py), the printable summary, the annotated playback, the notices, and the words a person
reads (words.py, instructions.py and instructions.toml: names of checks and measures, the
instruction cards)."""
