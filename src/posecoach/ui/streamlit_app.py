"""The posecoach app (Streamlit): `posecoach serve` (and `make run`) runs it."""

from posecoach.ui.main import main

main()
