# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Research analysis that only the scripts of tools/analysis_tools use
(imported as ``research.*`` from there): decoders compared on the same maps,
accuracy per precision, the decimal probe, detected faces by pose, detector
boxes against the landmarks' extent, video metrics, ranking."""
