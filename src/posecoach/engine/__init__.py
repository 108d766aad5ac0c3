"""The engine: the Session (one step per frame, live and offline alike), the analysis loop,
overlapped model and judging, and a clip's segments analysed in parallel."""
