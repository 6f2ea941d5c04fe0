"""The Qt user interface over the annotator core."""
