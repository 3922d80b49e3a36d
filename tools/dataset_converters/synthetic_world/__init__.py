# Copyright (c) hih_mmpose contributors. All rights reserved.
"""The synthetic face world: a renderer of 98-point faces (plain, "wild"
with occluders, blur and head poses, and video), and the data sets that
``generate_synthetic_faces.py`` (beside this folder) writes in mmpose's
WFLW, 300W and COFW layouts. It registers nothing and is not part of the
package: the synthetic configs train mmpose's own datasets on the files it
writes; the tools that render faces put ``tools/dataset_converters`` on the
module search path and import ``synthetic_world``."""
from .synthetic_dataset import (SYNTHETIC_ANN_FILES, WILD_ATTRIBUTE_FILE,
                                generate_synthetic_dataset)
from .synthetic_faces import face_template, render_face

__all__ = [
    'SYNTHETIC_ANN_FILES', 'WILD_ATTRIBUTE_FILE',
    'generate_synthetic_dataset', 'face_template', 'render_face'
]
