"""The posecoach app (Streamlit): `make run` opens it."""

from posecoach.ui.main import main

main()
