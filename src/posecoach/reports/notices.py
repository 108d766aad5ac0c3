"""What posecoach tells every user wherever it reports: the safety notes and the privacy promise."""

SAFETY_NOTES = (
    "Stop at once if you feel sharp, shooting or pulsing pain.",
    "posecoach is not a substitute for professional care.",
    "Fever, pain at night or unexplained weight loss need a doctor.",
    "Consult your doctor before you start these stretches.",
    "This is not medical advice.",
)
PRIVACY = (
    "Private by design: the camera picture, your poses and your history stay on this computer. "
    "The pose model runs here, the page is served to this machine only (127.0.0.1), no usage "
    "statistics are sent, and video is recorded only if you turn recording on."
)
