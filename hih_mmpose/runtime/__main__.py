# Copyright (c) hih_mmpose contributors. All rights reserved.
"""Faces and landmarks of an image as JSON, from an exported model.

Example:
    python -m hih_mmpose.runtime model.onnx photo.jpg
    python -m hih_mmpose.runtime model.onnx crop.png --bbox 10 20 110 120
"""
import argparse
import json
import sys

from .detectors import DETECTOR_NAMES
from .landmarker import Landmarker
from .sessions import BACKEND_PRECISIONS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog='python -m hih_mmpose.runtime', description=__doc__.split(
            '\n')[0])
    parser.add_argument('model', help='exported .onnx or .xml (its .json '
                        'beside it)')
    parser.add_argument('image')
    parser.add_argument('--bbox', type=float, nargs=4,
                        metavar=('X1', 'Y1', 'X2', 'Y2'),
                        help='the face box instead of the detector')
    parser.add_argument('--detector', default='blazeface',
                        choices=DETECTOR_NAMES)
    parser.add_argument('--backend', default='auto',
                        choices=['auto'] + sorted(BACKEND_PRECISIONS))
    parser.add_argument('--precision', default=None,
                        choices=['auto', 'fp32', 'bf16', 'int8'],
                        help="default: the model file's")
    parser.add_argument('--keypoint-scheme', choices=['wflw', '300w',
                                                      'cofw'])
    parser.add_argument('--flip-test', action=argparse.BooleanOptionalAction,
                        default=None, help="default: as the model's config")
    args = parser.parse_args(argv)
    detector = 'whole_image' if args.bbox else args.detector
    try:
        landmarker = Landmarker(args.model, detector, args.backend,
                                args.precision, args.keypoint_scheme,
                                flip_test=args.flip_test)
        faces = landmarker(args.image, bboxes=args.bbox)
    except (FileNotFoundError, ValueError, TypeError, ImportError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(json.dumps([
        dict(bbox=[float(v) for v in face['bbox']],
             bbox_score=face['bbox_score'], bbox_angle=face['bbox_angle'],
             keypoints=face['keypoints'].tolist(),
             keypoint_scores=face['keypoint_scores'].tolist())
        for face in faces
    ]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
